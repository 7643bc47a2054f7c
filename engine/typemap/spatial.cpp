// Spatial values: MySQL internal bytes, (E)WKB, PostGIS hex EWKB, text by coordinates.

#include "typemap/spatial.h"

#include <charconv>
#include <cmath>
#include <cstring>

#include "core/text.h"

namespace ferry::typemap::spatial {

namespace {

constexpr std::uint32_t kZFlag = 0x80000000U;
constexpr std::uint32_t kMFlag = 0x40000000U;
constexpr std::uint32_t kSridFlag = 0x20000000U;
// Nesting deeper than this is not a real geometry but a malformed (or hostile) value.
constexpr int kMaxDepth = 32;

core::Error bad(const std::string& why) { return core::Error(core::ErrorKind::Data, "not a valid spatial value: " + why); }

class Reader {
public:
  explicit Reader(std::string_view bytes) : m_b(bytes) {}
  bool has(std::size_t n) const { return m_pos + n <= m_b.size(); }
  std::size_t pos() const { return m_pos; }
  std::string_view rest() const { return m_b.substr(m_pos); }
  bool byteOrder() {  // true: little-endian
    const auto o = static_cast<unsigned char>(m_b[m_pos++]);
    m_le = o == 1;
    return m_le;
  }
  bool little() const { return m_le; }
  std::uint32_t u32() {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const auto byte = static_cast<std::uint32_t>(static_cast<unsigned char>(m_b[m_pos + static_cast<std::size_t>(i)]));
      v |= m_le ? byte << (8 * i) : byte << (8 * (3 - i));
    }
    m_pos += 4;
    return v;
  }
  double f64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) {
      const auto byte = static_cast<std::uint64_t>(static_cast<unsigned char>(m_b[m_pos + static_cast<std::size_t>(i)]));
      v |= m_le ? byte << (8 * i) : byte << (8 * (7 - i));
    }
    m_pos += 8;
    double d = 0;
    std::memcpy(&d, &v, sizeof d);
    return d;
  }

private:
  std::string_view m_b;
  std::size_t m_pos = 0;
  bool m_le = true;
};

void appendNumber(std::string& out, double d) {
  if (std::isnan(d)) {
    out += "NaN";
    return;
  }
  if (d == 0) d = 0;  // -0 and 0 are the same coordinate
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  out.append(buf, r.ptr);
}

struct Header {
  std::uint32_t type = 0;  ///< 1..7
  bool z = false;
  bool m = false;
  std::optional<std::uint32_t> srid;
  int dims() const { return 2 + (z ? 1 : 0) + (m ? 1 : 0); }
};

core::Result<Header> readHeader(Reader& r) {
  if (!r.has(5)) return bad("truncated header");
  const auto order = static_cast<unsigned char>(r.rest()[0]);
  if (order > 1) return bad("unknown byte order " + std::to_string(order));
  r.byteOrder();
  std::uint32_t t = r.u32();
  Header h;
  h.z = (t & kZFlag) != 0;
  h.m = (t & kMFlag) != 0;
  const bool srid = (t & kSridFlag) != 0;
  t &= 0x0FFFFFFFU;
  if (t >= 1000) {  // ISO WKB: 1000 Z, 2000 M, 3000 ZM
    const std::uint32_t iso = t / 1000;
    h.z = h.z || iso == 1 || iso == 3;
    h.m = h.m || iso == 2 || iso == 3;
    t %= 1000;
  }
  if (t < 1 || t > 7) return bad("unknown geometry type " + std::to_string(t));
  h.type = t;
  if (srid) {
    if (!r.has(4)) return bad("truncated SRID");
    h.srid = r.u32();
  }
  return h;
}

const char* typeName(std::uint32_t t) {
  switch (t) {
    case 1: return "POINT";
    case 2: return "LINESTRING";
    case 3: return "POLYGON";
    case 4: return "MULTIPOINT";
    case 5: return "MULTILINESTRING";
    case 6: return "MULTIPOLYGON";
    default: return "GEOMETRYCOLLECTION";
  }
}

core::Status readPoints(Reader& r, int dims, std::string& out, std::uint32_t count) {
  if (!r.has(static_cast<std::size_t>(count) * static_cast<std::size_t>(dims) * 8)) return bad("truncated coordinates");
  out += '(';
  for (std::uint32_t i = 0; i < count; ++i) {
    if (i) out += ',';
    for (int d = 0; d < dims; ++d) {
      if (d) out += ' ';
      appendNumber(out, r.f64());
    }
  }
  out += ')';
  return {};
}

core::Status readBody(Reader& r, const Header& h, std::string& out, int depth);

/// One geometry (its header and body) as text.
core::Status readGeometry(Reader& r, std::string& out, int depth, Header* topHeader = nullptr) {
  if (depth > kMaxDepth) return bad("nested too deep");
  auto h = readHeader(r);
  if (!h) return std::move(h).error();
  if (topHeader) *topHeader = *h;
  out += typeName(h->type);
  if (h->z || h->m) out += h->z && h->m ? " ZM " : h->z ? " Z " : " M ";
  return readBody(r, *h, out, depth);
}

core::Status readBody(Reader& r, const Header& h, std::string& out, int depth) {
  const int dims = h.dims();
  if (h.type == 1) {
    if (!r.has(static_cast<std::size_t>(dims) * 8)) return bad("truncated point");
    // PostGIS writes an empty point as NaN coordinates.
    std::string coords;
    bool allNan = true;
    coords += '(';
    for (int d = 0; d < dims; ++d) {
      const double v = r.f64();
      allNan = allNan && std::isnan(v);
      if (d) coords += ' ';
      appendNumber(coords, v);
    }
    coords += ')';
    out += allNan ? std::string(" EMPTY") : coords;
    return {};
  }
  if (!r.has(4)) return bad("truncated count");
  const std::uint32_t n = r.u32();
  if (n == 0) {
    out += " EMPTY";
    return {};
  }
  if (h.type == 2) return readPoints(r, dims, out, n);
  if (h.type == 3) {
    out += '(';
    for (std::uint32_t i = 0; i < n; ++i) {
      if (i) out += ',';
      if (!r.has(4)) return bad("truncated ring");
      FERRY_TRY(readPoints(r, dims, out, r.u32()));
    }
    out += ')';
    return {};
  }
  out += '(';
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i) out += ',';
    if (h.type == 7) {
      FERRY_TRY(readGeometry(r, out, depth + 1));
    } else {
      // MULTI*: each member is a whole WKB geometry of the single type; its name is implied.
      auto member = readHeader(r);
      if (!member) return std::move(member).error();
      if (member->type != h.type - 3) return bad("a MULTI geometry holds a member of another type");
      if (member->type == 1) {
        std::string p;
        FERRY_TRY(readBody(r, *member, p, depth + 1));
        out += p == " EMPTY" ? std::string("EMPTY") : p;
      } else {
        std::string body;
        FERRY_TRY(readBody(r, *member, body, depth + 1));
        out += body == " EMPTY" ? std::string("EMPTY") : body;
      }
    }
  }
  out += ')';
  return {};
}

core::Result<std::string> wkbText(std::string_view wkb, std::optional<std::uint32_t> srid) {
  Reader r(wkb);
  std::string text;
  Header h;
  FERRY_TRY(readGeometry(r, text, 0, &h));
  if (r.pos() != wkb.size()) return bad("trailing bytes");
  const std::uint32_t s = h.srid.value_or(srid.value_or(0));
  return s == 0 ? text : "SRID=" + std::to_string(s) + ";" + text;
}

std::uint32_t readLe32(std::string_view b) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[static_cast<std::size_t>(i)])) << (8 * i);
  return v;
}

void appendU32(std::string& out, std::uint32_t v, bool le) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * (le ? i : 3 - i))) & 0xFF);
}

core::Result<std::string> fromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return bad("odd number of hex digits");
  std::string out;
  out.reserve(hex.size() / 2);
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = digit(hex[i]);
    const int lo = digit(hex[i + 1]);
    if (hi < 0 || lo < 0) return bad("not hex");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

std::string toHex(std::string_view bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

/// The whole (E)WKB parses, with nothing after it: a value passed on in binary
/// form is never a truncated or corrupt one.
core::Status validWkb(std::string_view wkb) {
  Reader r(wkb);
  std::string scratch;
  FERRY_TRY(readGeometry(r, scratch, 0));
  if (r.pos() != wkb.size()) return bad("trailing bytes");
  return {};
}

core::Status checkMysql(std::string_view mysql) {
  if (mysql.size() < 9) return bad("shorter than an SRID and a WKB header");
  return validWkb(mysql.substr(4));
}

/// The first geometry of MySQL bytes, checked to be of `type` and 2D.
core::Result<Header> mysqlGeometryOf(Reader& r, std::uint32_t type, const char* target) {
  auto h = readHeader(r);
  if (!h) return std::move(h).error();
  if (h->type != type || h->z || h->m) {
    return core::Error(core::ErrorKind::Data, std::string("a ") + typeName(h->type) + " does not fit PostgreSQL's " + target);
  }
  return h;
}

core::Status appendPgPoints(Reader& r, std::string& out, std::uint32_t count) {
  if (!r.has(static_cast<std::size_t>(count) * 16)) return bad("truncated coordinates");
  for (std::uint32_t i = 0; i < count; ++i) {
    if (i) out += ',';
    out += '(';
    appendNumber(out, r.f64());
    out += ',';
    appendNumber(out, r.f64());
    out += ')';
  }
  return {};
}

}  // namespace

std::string ogcTypeName(std::string_view b) {
  if (b == "geometry") return "Geometry";
  if (b == "point") return "Point";
  if (b == "linestring") return "LineString";
  if (b == "polygon") return "Polygon";
  if (b == "multipoint") return "MultiPoint";
  if (b == "multilinestring") return "MultiLineString";
  if (b == "multipolygon") return "MultiPolygon";
  if (b == "geometrycollection" || b == "geomcollection") return "GeometryCollection";
  return {};
}

// No OGC type name ends in Z or M, so a trailing Z, M or ZM is the dimension suffix.
bool PostgisType::hasZ() const {
  const std::string u = core::toUpper(subtype);
  return core::endsWith(u, "Z") || core::endsWith(u, "ZM");
}

bool PostgisType::hasM() const { return core::endsWith(core::toUpper(subtype), "M"); }

std::string PostgisType::baseSubtype() const {
  const std::size_t cut = (hasZ() ? 1 : 0) + (hasM() ? 1 : 0);
  return subtype.substr(0, subtype.size() - cut);
}

std::optional<PostgisType> parsePostgisType(std::string_view baseName, std::string_view declared) {
  if (baseName != "geometry" && baseName != "geography") return std::nullopt;
  PostgisType t;
  t.geography = baseName == "geography";
  t.srid = t.geography ? 4326 : 0;  // a geography without a typmod is WGS 84
  const auto open = declared.find('(');
  if (open != std::string_view::npos && declared.back() == ')') {
    const std::string inner(declared.substr(open + 1, declared.size() - open - 2));
    const auto comma = inner.find(',');
    t.subtype = core::trim(inner.substr(0, comma));
    if (core::toLower(t.subtype) == "geometry") t.subtype.clear();
    if (comma != std::string::npos) t.srid = std::atoi(core::trim(inner.substr(comma + 1)).c_str());
  }
  return t;
}

core::Result<std::string> mysqlToEwkbHex(std::string_view mysql) {
  FERRY_TRY(checkMysql(mysql));
  const std::uint32_t srid = readLe32(mysql);
  const std::string_view wkb = mysql.substr(4);
  Reader r(wkb);
  auto h = readHeader(r);  // validates the header; the body is copied as it is
  if (!h) return std::move(h).error();
  if (srid == 0) return toHex(wkb);
  std::string ewkb;
  ewkb.reserve(wkb.size() + 4);
  const bool le = static_cast<unsigned char>(wkb[0]) == 1;
  ewkb += wkb[0];
  Reader type(wkb.substr(0, 5));
  type.byteOrder();
  appendU32(ewkb, type.u32() | kSridFlag, le);
  appendU32(ewkb, srid, le);
  ewkb += wkb.substr(5);
  return toHex(ewkb);
}

core::Result<std::string> ewkbHexToMysql(std::string_view hex) {
  auto bytes = fromHex(hex);
  if (!bytes) return std::move(bytes).error();
  FERRY_TRY(validWkb(*bytes));
  Reader r(*bytes);
  auto h = readHeader(r);
  if (!h) return std::move(h).error();
  if (h->z || h->m) {
    return core::Error(core::ErrorKind::Data, std::string("the ") + typeName(h->type) + " has " +
                                                  (h->z && h->m ? "Z and M" : h->z ? "Z" : "M") +
                                                  " coordinates; MySQL and MariaDB store only x and y");
  }
  std::string out;
  out.reserve(bytes->size());
  appendU32(out, h->srid.value_or(0), true);
  out += (*bytes)[0];
  appendU32(out, h->type, r.little());
  out += r.rest();
  return out;
}

core::Result<std::string> mysqlToWkb(std::string_view mysql) {
  FERRY_TRY(checkMysql(mysql));
  Reader r(mysql.substr(4));
  auto h = readHeader(r);
  if (!h) return std::move(h).error();
  return std::string(mysql.substr(4));
}

core::Result<std::string> mysqlToText(std::string_view mysql) {
  FERRY_TRY(checkMysql(mysql));
  return wkbText(mysql.substr(4), readLe32(mysql));
}

core::Result<std::string> ewkbToText(std::string_view ewkb) { return wkbText(ewkb, std::nullopt); }

core::Result<std::string> ewkbHexToText(std::string_view hex) {
  auto bytes = fromHex(hex);
  if (!bytes) return std::move(bytes).error();
  return ewkbToText(*bytes);
}

core::Result<std::string> mysqlToPgPoint(std::string_view mysql) {
  FERRY_TRY(checkMysql(mysql));
  Reader r(mysql.substr(4));
  FERRY_TRY(mysqlGeometryOf(r, 1, "point"));
  std::string out;
  FERRY_TRY(appendPgPoints(r, out, 1));
  return out;
}

core::Result<std::string> mysqlToPgPath(std::string_view mysql) {
  FERRY_TRY(checkMysql(mysql));
  Reader r(mysql.substr(4));
  FERRY_TRY(mysqlGeometryOf(r, 2, "path"));
  if (!r.has(4)) return bad("truncated count");
  const std::uint32_t n = r.u32();
  if (n == 0) return core::Error(core::ErrorKind::Data, "an empty LINESTRING does not fit PostgreSQL's path");
  std::string out = "[";
  FERRY_TRY(appendPgPoints(r, out, n));
  return out + "]";
}

core::Result<std::string> mysqlToPgPolygon(std::string_view mysql) {
  FERRY_TRY(checkMysql(mysql));
  Reader r(mysql.substr(4));
  FERRY_TRY(mysqlGeometryOf(r, 3, "polygon"));
  if (!r.has(4)) return bad("truncated count");
  const std::uint32_t rings = r.u32();
  if (rings != 1) {
    return core::Error(core::ErrorKind::Data, "a POLYGON with " + std::to_string(rings) +
                                                  " rings does not fit PostgreSQL's polygon (one ring, no holes)");
  }
  if (!r.has(4)) return bad("truncated ring");
  const std::uint32_t n = r.u32();
  std::string out = "(";
  FERRY_TRY(appendPgPoints(r, out, n));
  return out + ")";
}

std::string normalizeNumbers(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    const bool starts = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
    if (!starts) {
      out += c;
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < text.size() && ((text[j] >= '0' && text[j] <= '9') || text[j] == '.' || text[j] == 'e' || text[j] == 'E' ||
                               ((text[j] == '-' || text[j] == '+') && (text[j - 1] == 'e' || text[j - 1] == 'E')))) {
      ++j;
    }
    double d = 0;
    const auto r = std::from_chars(text.data() + (c == '+' ? i + 1 : i), text.data() + j, d);
    if (r.ec == std::errc() && r.ptr == text.data() + j) {
      appendNumber(out, d);
    } else {
      out.append(text.substr(i, j - i));
    }
    i = j;
  }
  return out;
}

}  // namespace ferry::typemap::spatial

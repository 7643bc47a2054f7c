#include "cdc/binlog_event.h"

#include <zlib.h>

namespace ferry::cdc::binlog {

using core::Error;
using core::ErrorKind;

namespace {

// Column type codes (enum_field_types) as TABLE_MAP announces them.
constexpr std::uint8_t kTiny = 1, kShort = 2, kLong = 3, kFloat = 4, kDouble = 5, kLongLong = 8, kInt24 = 9,
                       kYear = 13, kVarchar = 15, kBit = 16, kTimestamp2 = 17, kDatetime2 = 18, kTime2 = 19,
                       kBlobCompressed = 140, kVarcharCompressed = 141, kJson = 245, kNewDecimal = 246, kEnum = 247,
                       kSet = 248, kBlob = 252, kVarString = 253, kString = 254, kGeometry = 255;

bool isNumeric(std::uint8_t t) {
  return t == kTiny || t == kShort || t == kLong || t == kLongLong || t == kInt24 || t == kYear || t == kFloat ||
         t == kDouble || t == kNewDecimal;
}
bool isCharacter(std::uint8_t t) {
  return t == kString || t == kVarchar || t == kVarString || t == kBlob || t == kGeometry || t == kBlobCompressed ||
         t == kVarcharCompressed;
}

constexpr std::uint32_t kBinaryCollation = 63;
constexpr std::uint64_t kMaxColumns = 4096;  ///< a table has at most 4,096 columns (MySQL and MariaDB)

}  // namespace

Error ByteReader::overrun(std::size_t wanted) const {
  return Error(ErrorKind::Data, m_what + ": " + std::to_string(wanted) + " byte(s) wanted at offset " +
                                    std::to_string(m_pos) + " of " + std::to_string(m_data.size()),
               "The binlog event is shorter than its own layout says: a corrupt event or a format Ferry does "
               "not know (report the server version).");
}

core::Result<std::uint64_t> ByteReader::uint(std::size_t bytes) {
  if (left() < bytes) return overrun(bytes);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(m_data[m_pos + i])) << (8 * i);
  m_pos += bytes;
  return v;
}

core::Result<std::uint64_t> ByteReader::uintBE(std::size_t bytes) {
  if (left() < bytes) return overrun(bytes);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(m_data[m_pos + i]);
  m_pos += bytes;
  return v;
}

core::Result<std::uint64_t> ByteReader::packed() {
  auto first = uint(1);
  if (!first) return first;
  if (*first < 251) return *first;
  if (*first == 0xFC) return uint(2);
  if (*first == 0xFD) return uint(3);
  if (*first == 0xFE) return uint(8);
  return Error(ErrorKind::Data, m_what + ": a packed integer starts with " + std::to_string(*first));
}

core::Result<std::string_view> ByteReader::bytes(std::size_t n) {
  if (left() < n) return overrun(n);
  const auto out = m_data.substr(m_pos, n);
  m_pos += n;
  return out;
}

bool isRowsEvent(std::uint8_t type) {
  return (type >= ev::kWriteRowsV1 && type <= ev::kDeleteRowsV1) ||
         (type >= ev::kWriteRowsCompressedV1 && type <= ev::kDeleteRowsCompressedV1);
}

bool isNumericType(std::uint8_t type) { return isNumeric(type); }

core::Result<EventHeader> parseHeader(std::string_view event) {
  if (event.size() < kHeaderLength) {
    return Error(ErrorKind::Data, "a binlog event of " + std::to_string(event.size()) + " bytes (the header alone has " +
                                      std::to_string(kHeaderLength) + ")");
  }
  // A failed read does not move the reader, so a later, shorter one could still
  // succeed: every result is checked (the fuzzer found the one that was not).
  ByteReader r(event, "binlog event header");
  EventHeader h;
  auto ts = r.uint(4);
  if (!ts) return std::move(ts).error();
  h.timestamp = static_cast<std::uint32_t>(*ts);
  h.type = static_cast<std::uint8_t>(*r.uint(1));
  auto rest = r.uint(4);
  if (!rest) return std::move(rest).error();
  h.serverId = static_cast<std::uint32_t>(*rest);
  auto size = r.uint(4);
  auto pos = r.uint(4);
  auto flags = r.uint(2);
  if (!flags) return std::move(flags).error();
  h.size = static_cast<std::uint32_t>(*size);
  h.logPos = static_cast<std::uint32_t>(*pos);
  h.flags = static_cast<std::uint16_t>(*flags);
  if (h.size != event.size()) {
    return Error(ErrorKind::Data, "binlog event of type " + std::to_string(h.type) + " says it has " +
                                      std::to_string(h.size) + " bytes; " + std::to_string(event.size()) + " came");
  }
  return h;
}

bool crcMatches(std::string_view event) {
  if (event.size() < 4) return false;
  const auto* p = reinterpret_cast<const Bytef*>(event.data());
  const auto crc = crc32(0L, p, static_cast<uInt>(event.size() - 4));
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= static_cast<std::uint32_t>(static_cast<unsigned char>(event[event.size() - 4 + i])) << (8 * i);
  return crc == stored;
}

std::string_view bodyOf(std::string_view event, const Format& format) {
  if (event.size() < kHeaderLength) return {};
  auto body = event.substr(kHeaderLength);
  if (format.crc32 && body.size() >= 4) body.remove_suffix(4);
  return body;
}

core::Result<Format> parseFormatDescription(std::string_view event) {
  // u16 version | char[50] server version | u32 created | u8 header length |
  // post-header lengths … | u8 checksum algorithm | u32 CRC
  constexpr std::size_t kFixed = 2 + 50 + 4 + 1;
  if (event.size() < kHeaderLength + kFixed + 5) {
    return Error(ErrorKind::Data, "FORMAT_DESCRIPTION event of " + std::to_string(event.size()) + " bytes");
  }
  ByteReader r(event.substr(kHeaderLength), "FORMAT_DESCRIPTION");
  auto version = r.uint(2);
  if (!version) return std::move(version).error();
  if (*version != 4) {
    return Error(ErrorKind::Unsupported, "binlog format version " + std::to_string(*version),
                 "Ferry reads binlog format 4 (MySQL 5.0 and later, every MariaDB).");
  }
  Format f;
  auto server = r.bytes(50);
  if (!server) return std::move(server).error();
  f.serverVersion = std::string(server->substr(0, server->find('\0')));
  (void)r.uint(4);
  auto headerLength = r.uint(1);
  if (!headerLength) return std::move(headerLength).error();
  if (*headerLength != kHeaderLength) {
    return Error(ErrorKind::Unsupported, "binlog events with a " + std::to_string(*headerLength) + "-byte header");
  }
  const std::size_t types = event.size() - kHeaderLength - kFixed - 5;
  auto lengths = r.bytes(types);
  if (!lengths) return std::move(lengths).error();
  f.postHeaderLength.assign(lengths->begin(), lengths->end());
  auto alg = r.uint(1);
  if (!alg) return std::move(alg).error();
  f.crc32 = *alg == 1;
  return f;
}

core::Result<GtidEvent> parseGtid(std::string_view body, std::uint32_t serverId) {
  ByteReader r(body, "GTID event");
  GtidEvent g;
  auto seq = r.uint(8);
  if (!seq) return std::move(seq).error();
  auto domain = r.uint(4);
  if (!domain) return std::move(domain).error();
  auto flags = r.uint(1);
  if (!flags) return std::move(flags).error();
  g.gtid = {static_cast<std::uint32_t>(*domain), serverId, *seq};
  g.flags = static_cast<std::uint8_t>(*flags);
  return g;
}

core::Result<std::vector<Gtid>> parseGtidList(std::string_view body) {
  ByteReader r(body, "GTID_LIST event");
  auto v = r.uint(4);
  if (!v) return std::move(v).error();
  std::vector<Gtid> out;
  for (std::uint64_t i = 0; i < (*v & 0x0FFFFFFF); ++i) {
    auto domain = r.uint(4);
    if (!domain) return std::move(domain).error();
    auto server = r.uint(4);
    if (!server) return std::move(server).error();
    auto seq = r.uint(8);
    if (!seq) return std::move(seq).error();
    out.push_back({static_cast<std::uint32_t>(*domain), static_cast<std::uint32_t>(*server), *seq});
  }
  return out;
}

core::Result<Rotate> parseRotate(std::string_view event, const Format& format) {
  if (event.size() < kHeaderLength + 8) return Error(ErrorKind::Data, "ROTATE event too short");
  auto body = event.substr(kHeaderLength);
  if (crcMatches(event)) body.remove_suffix(4);
  ByteReader r(body, "ROTATE event");
  Rotate out;
  auto pos = r.uint(8);
  if (!pos) return std::move(pos).error();
  out.position = *pos;
  (void)format;
  out.file = std::string(*r.rest());
  return out;
}

core::Result<std::string> uncompressPayload(std::string_view data) {
  ByteReader r(data, "compressed binlog payload");
  auto head = r.uint(1);
  if (!head) return std::move(head).error();
  const auto h = static_cast<std::uint8_t>(*head);
  const std::size_t lenBytes = h & 0x07;
  if ((h & 0xE0) != 0x80 || lenBytes < 1 || lenBytes > 4) {
    return Error(ErrorKind::Data, "a compressed binlog payload starts with byte " + std::to_string(h),
                 "Only zlib (log_bin_compress) is known.");
  }
  auto length = r.uintBE(lenBytes);
  if (!length) return std::move(length).error();
  auto packedData = r.rest();
  // zlib inflates at most ~1,032:1, and no event exceeds max_allowed_packet (1 GB):
  // a larger claim is a corrupt header, not an allocation to make.
  if (*length > packedData->size() * 1032 + 64 || *length > (std::uint64_t{1} << 30)) {
    return Error(ErrorKind::Data, "a compressed binlog payload of " + std::to_string(packedData->size()) +
                                      " bytes claims to inflate to " + std::to_string(*length));
  }
  std::string out(*length, '\0');
  uLongf outLen = static_cast<uLongf>(*length);
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &outLen,
                            reinterpret_cast<const Bytef*>(packedData->data()), static_cast<uLong>(packedData->size()));
  if (rc != Z_OK || outLen != *length) {
    return Error(ErrorKind::Data, "a compressed binlog payload does not inflate to its " + std::to_string(*length) +
                                      " bytes (zlib " + std::to_string(rc) + ")");
  }
  return out;
}

core::Result<Query> parseQuery(std::string_view body, const Format& format, bool compressed) {
  const std::size_t post = format.postHeader(compressed ? ev::kQueryCompressed : ev::kQuery);
  ByteReader r(body, "QUERY event");
  auto fixed = r.bytes(post < 13 ? 13 : post);
  if (!fixed) return std::move(fixed).error();
  ByteReader f(*fixed, "QUERY event");
  (void)f.uint(8);
  const auto dbLen = static_cast<std::size_t>(*f.uint(1));
  Query q;
  q.errorCode = static_cast<std::uint16_t>(*f.uint(2));
  auto varsLen = f.uint(2);
  if (!varsLen) return std::move(varsLen).error();
  if (auto vars = r.bytes(*varsLen); !vars) return std::move(vars).error();
  auto db = r.bytes(dbLen + 1);
  if (!db) return std::move(db).error();
  q.schema = std::string(db->substr(0, dbLen));
  auto text = r.rest();
  if (compressed) {
    auto plain = uncompressPayload(*text);
    if (!plain) return std::move(plain).error().context("QUERY_COMPRESSED");
    q.sql = std::move(*plain);
  } else {
    q.sql = std::string(*text);
  }
  return q;
}

core::Result<TableMap> parseTableMap(std::string_view body, const Format& format) {
  const std::size_t post = format.postHeader(ev::kTableMap);
  ByteReader r(body, "TABLE_MAP event");
  TableMap m;
  if (post < 6) return Error(ErrorKind::Data, "TABLE_MAP post-header of " + std::to_string(post) + " bytes");
  auto id = r.uint(post == 6 ? 4 : 6);
  if (!id) return std::move(id).error();
  m.tableId = *id;
  if (auto skip = r.bytes(post - (post == 6 ? 4 : 6)); !skip) return std::move(skip).error();
  auto dbLen = r.uint(1);
  if (!dbLen) return std::move(dbLen).error();
  auto db = r.bytes(static_cast<std::size_t>(*dbLen) + 1);
  if (!db) return std::move(db).error();
  auto tableLen = r.uint(1);
  if (!tableLen) return std::move(tableLen).error();
  auto table = r.bytes(static_cast<std::size_t>(*tableLen) + 1);
  if (!table) return std::move(table).error();
  m.schema = std::string(db->substr(0, *dbLen));
  m.table = std::string(table->substr(0, *tableLen));
  auto count = r.packed();
  if (!count) return std::move(count).error();
  if (*count > kMaxColumns) {
    return Error(ErrorKind::Data, "TABLE_MAP of " + m.schema + "." + m.table + " with " + std::to_string(*count) + " columns");
  }
  auto types = r.bytes(*count);
  if (!types) return std::move(types).error();
  m.columns.resize(*count);
  auto metaLen = r.packed();
  if (!metaLen) return std::move(metaLen).error();
  auto metaBytes = r.bytes(*metaLen);
  if (!metaBytes) return std::move(metaBytes).error();
  ByteReader meta(*metaBytes, "TABLE_MAP column metadata of " + m.schema + "." + m.table);
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    auto& c = m.columns[i];
    c.type = static_cast<std::uint8_t>((*types)[i]);
    core::Result<std::uint64_t> v = std::uint64_t{0};
    switch (c.type) {
      case kFloat:
      case kDouble:
      case kBlob:
      case kGeometry:
      case kJson:
      case kTimestamp2:
      case kDatetime2:
      case kTime2:
      case kBlobCompressed:
        v = meta.uint(1);
        if (!v) return std::move(v).error();
        c.meta = static_cast<std::uint32_t>(*v);
        c.maxLength = c.meta;
        break;
      case kVarchar:
      case kVarString:
      case kVarcharCompressed:
        v = meta.uint(2);
        if (!v) return std::move(v).error();
        c.meta = static_cast<std::uint32_t>(*v);
        c.maxLength = c.meta;
        break;
      case kNewDecimal:
      case kBit:
        v = meta.uintBE(2);  // precision, scale / bits % 8, bytes
        if (!v) return std::move(v).error();
        c.meta = static_cast<std::uint32_t>(*v);
        if (c.type == kBit) c.meta = ((*v & 0xFF) << 8) | (*v >> 8);  // bytes << 8 | bits % 8
        break;
      case kString:
      case kEnum:
      case kSet: {
        auto b0 = meta.uint(1);
        if (!b0) return std::move(b0).error();
        auto b1 = meta.uint(1);
        if (!b1) return std::move(b1).error();
        if ((*b0 & 0x30) != 0x30) {
          c.type = static_cast<std::uint8_t>(*b0 | 0x30);
          c.maxLength = static_cast<std::uint32_t>(*b1 | (((*b0 & 0x30) ^ 0x30) << 4));
        } else {
          c.type = static_cast<std::uint8_t>(*b0);
          c.maxLength = static_cast<std::uint32_t>(*b1);
        }
        c.meta = c.maxLength;
        break;
      }
      default:
        break;
    }
  }
  auto nullBits = r.bytes((m.columns.size() + 7) / 8);
  if (!nullBits) return std::move(nullBits).error();
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    m.columns[i].nullable = (static_cast<unsigned char>((*nullBits)[i / 8]) >> (i % 8)) & 1;
  }
  // Optional metadata (binlog_row_metadata): type | packed length | value.
  const auto each = [&](auto pred, auto fn) -> core::Status {
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      if (pred(m.columns[i])) FERRY_TRY(fn(m.columns[i]));
    }
    return {};
  };
  const auto isChar = [](const MapColumn& c) { return isCharacter(c.type); };
  while (!r.atEnd()) {
    auto type = r.uint(1);
    if (!type) return std::move(type).error();
    auto len = r.packed();
    if (!len) return std::move(len).error();
    auto value = r.bytes(*len);
    if (!value) return std::move(value).error();
    ByteReader v(*value, "TABLE_MAP metadata " + std::to_string(*type) + " of " + m.schema + "." + m.table);
    switch (*type) {
      case 1: {  // SIGNEDNESS: one bit per numeric column, most significant first
        m.hasSignedness = true;
        std::size_t k = 0;
        FERRY_TRY(each([](const MapColumn& c) { return isNumeric(c.type); },
                       [&](MapColumn& c) -> core::Status {
                         if (k / 8 >= value->size()) return v.overrun(k / 8 + 1);
                         c.isUnsigned = (static_cast<unsigned char>((*value)[k / 8]) << (k % 8)) & 0x80;
                         ++k;
                         return {};
                       }));
        break;
      }
      case 2: {  // DEFAULT_CHARSET: the default, then (character column index, collation) exceptions
        auto def = v.packed();
        if (!def) return std::move(def).error();
        std::vector<std::uint64_t> collations;
        FERRY_TRY(each(isChar, [&](MapColumn&) -> core::Status {
          collations.push_back(*def);
          return {};
        }));
        while (!v.atEnd()) {
          auto idx = v.packed();
          if (!idx) return std::move(idx).error();
          auto coll = v.packed();
          if (!coll) return std::move(coll).error();
          if (*idx < collations.size()) collations[*idx] = *coll;
        }
        std::size_t k = 0;
        FERRY_TRY(each(isChar, [&](MapColumn& c) -> core::Status {
          c.binary = collations[k++] == kBinaryCollation;
          return {};
        }));
        break;
      }
      case 3: {  // COLUMN_CHARSET: a collation per character column
        FERRY_TRY(each(isChar, [&](MapColumn& c) -> core::Status {
          auto coll = v.packed();
          if (!coll) return std::move(coll).error();
          c.binary = *coll == kBinaryCollation;
          return {};
        }));
        break;
      }
      case 4: {  // COLUMN_NAME
        m.hasNames = true;
        for (auto& c : m.columns) {
          auto n = v.packed();
          if (!n) return std::move(n).error();
          auto name = v.bytes(*n);
          if (!name) return std::move(name).error();
          c.name = std::string(*name);
        }
        break;
      }
      case 5:    // SET_STR_VALUE
      case 6: {  // ENUM_STR_VALUE
        const std::uint8_t want = *type == 5 ? kSet : kEnum;
        FERRY_TRY(each([&](const MapColumn& c) { return c.type == want; },
                       [&](MapColumn& c) -> core::Status {
                         auto members = v.packed();
                         if (!members) return std::move(members).error();
                         for (std::uint64_t k = 0; k < *members; ++k) {
                           auto n = v.packed();
                           if (!n) return std::move(n).error();
                           auto label = v.bytes(*n);
                           if (!label) return std::move(label).error();
                           c.labels.emplace_back(*label);
                         }
                         return {};
                       }));
        break;
      }
      case 8:  // SIMPLE_PRIMARY_KEY
        while (!v.atEnd()) {
          auto idx = v.packed();
          if (!idx) return std::move(idx).error();
          m.primaryKey.push_back(static_cast<std::size_t>(*idx));
        }
        break;
      case 9:  // PRIMARY_KEY_WITH_PREFIX
        while (!v.atEnd()) {
          auto idx = v.packed();
          if (!idx) return std::move(idx).error();
          auto prefix = v.packed();
          if (!prefix) return std::move(prefix).error();
          m.primaryKey.push_back(static_cast<std::size_t>(*idx));
        }
        break;
      default:  // GEOMETRY_TYPE, ENUM/SET charsets, and codes of later servers
        break;
    }
  }
  for (auto k : m.primaryKey) {
    if (k >= m.columns.size()) {
      return Error(ErrorKind::Data, "TABLE_MAP of " + m.schema + "." + m.table + " names key column " +
                                        std::to_string(k) + " of " + std::to_string(m.columns.size()));
    }
  }
  return m;
}

core::Result<RowsEvent> parseRows(std::string_view body, std::uint8_t type, const Format& format) {
  const std::size_t post = format.postHeader(type);
  ByteReader r(body, "row event");
  RowsEvent e;
  const bool compressed = type >= ev::kWriteRowsCompressedV1;
  const std::uint8_t base = compressed ? static_cast<std::uint8_t>(type - ev::kWriteRowsCompressedV1 + ev::kWriteRowsV1) : type;
  e.kind = base == ev::kWriteRowsV1 ? RowsEvent::Kind::Write
           : base == ev::kUpdateRowsV1 ? RowsEvent::Kind::Update
                                       : RowsEvent::Kind::Delete;
  if (post < 8 && post != 6) return Error(ErrorKind::Data, "row event post-header of " + std::to_string(post) + " bytes");
  auto id = r.uint(post == 6 ? 4 : 6);
  if (!id) return std::move(id).error();
  auto flags = r.uint(2);
  if (!flags) return std::move(flags).error();
  e.tableId = *id;
  e.flags = static_cast<std::uint16_t>(*flags);
  if (post > 8) {
    if (auto skip = r.bytes(post - 8); !skip) return std::move(skip).error();
  }
  auto width = r.packed();
  if (!width) return std::move(width).error();
  if (*width > kMaxColumns) return Error(ErrorKind::Data, "a row event of " + std::to_string(*width) + " columns");
  e.width = static_cast<std::uint32_t>(*width);
  const auto bitmap = [&](std::vector<bool>& out) -> core::Status {
    auto bits = r.bytes((e.width + 7) / 8);
    if (!bits) return std::move(bits).error();
    out.resize(e.width);
    for (std::size_t i = 0; i < e.width; ++i) out[i] = (static_cast<unsigned char>((*bits)[i / 8]) >> (i % 8)) & 1;
    return {};
  };
  FERRY_TRY(bitmap(e.present));
  if (e.kind == RowsEvent::Kind::Update) FERRY_TRY(bitmap(e.presentAfter));
  auto rows = r.rest();
  if (compressed) {
    auto plain = uncompressPayload(*rows);
    if (!plain) return std::move(plain).error().context("compressed row event");
    e.rows = std::move(*plain);
  } else {
    e.rows = std::string(*rows);
  }
  return e;
}

}  // namespace ferry::cdc::binlog

#include "cdc/pgoutput.h"

#include "connect/pg/pg_replication.h"
#include "core/text.h"

namespace ferry::cdc {

using core::Error;
using core::ErrorKind;

namespace {

/// Reads the big-endian fields of one message, failing softly at its end.
class Reader {
public:
  explicit Reader(std::string_view data) : m_data(data) {}
  bool ok() const { return m_ok; }
  bool atEnd() const { return m_pos >= m_data.size(); }
  std::uint64_t uint(int bytes) {
    if (m_pos + static_cast<std::size_t>(bytes) > m_data.size()) {
      m_ok = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(m_data[m_pos++]);
    return v;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(uint(1)); }
  std::int16_t i16() { return static_cast<std::int16_t>(uint(2)); }
  std::int32_t i32() { return static_cast<std::int32_t>(uint(4)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(uint(4)); }
  std::uint64_t u64() { return uint(8); }
  /// A NUL-terminated string.
  std::string cstr() {
    const auto end = m_data.find('\0', m_pos);
    if (end == std::string_view::npos) {
      m_ok = false;
      return {};
    }
    std::string s(m_data.substr(m_pos, end - m_pos));
    m_pos = end + 1;
    return s;
  }
  std::string bytes(std::size_t n) { return std::string(view(n)); }
  std::string_view view(std::size_t n) {
    if (m_pos + n > m_data.size()) {
      m_ok = false;
      return {};
    }
    const auto s = m_data.substr(m_pos, n);
    m_pos += n;
    return s;
  }

private:
  std::string_view m_data;
  std::size_t m_pos = 0;
  bool m_ok = true;
};

/// A bytea's text ("\\x" and hex digits) as its bytes; false when it is not that.
bool hexBytes(std::string_view text, std::string& out) {
  return text.size() >= 2 && text[0] == '\\' && text[1] == 'x' && core::unhex(text.substr(2), out);
}

constexpr std::uint32_t kByteaOid = 17;

/// One row image. With the relation known, a large bytea outside the replica
/// identity is decoded to its bytes as it is read (Field::Kind::Bytes): the hex
/// text is never copied whole.
bool readTuple(Reader& r, Tuple& out, const Relation* rel = nullptr) {
  const int n = r.i16();
  if (!r.ok() || n < 0) return false;
  out.clear();
  out.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Field f;
    switch (r.u8()) {
      case 'n': f.kind = Field::Kind::Null; break;
      case 'u': f.kind = Field::Kind::Unchanged; break;
      case 't': {
        f.kind = Field::Kind::Text;
        const std::int32_t len = r.i32();
        if (len < 0) return false;
        const auto text = r.view(static_cast<std::size_t>(len));
        const auto at = static_cast<std::size_t>(i);
        if (rel && at < rel->columns.size() && rel->columns[at].typeOid == kByteaOid && !rel->columns[at].key &&
            text.size() >= 2 * kBytesInline && hexBytes(text, f.text)) {
          f.kind = Field::Kind::Bytes;
        } else {
          f.text = std::string(text);
        }
        break;
      }
      default: return false;  // 'b' (binary) is never asked for
    }
    if (!r.ok()) return false;
    out.push_back(std::move(f));
  }
  return r.ok();
}

Error malformed(char type, std::string_view what) {
  return Error(ErrorKind::Internal, "malformed pgoutput message '" + std::string(1, type) + "': " + std::string(what),
               "This is a bug in Ferry or an unsupported server: report it with the server version.");
}

}  // namespace

const Relation* PgOutputDecoder::relation(std::uint32_t id) const {
  auto it = m_relations.find(id);
  return it == m_relations.end() ? nullptr : &it->second;
}

core::Result<std::optional<ChangeEvent>> PgOutputDecoder::decode(std::string_view message) {
  if (message.empty()) return malformed('?', "empty");
  const char type = message[0];
  Reader r(message.substr(1));
  ChangeEvent e;
  switch (type) {
    case 'B':
      e.kind = ChangeEvent::Kind::Begin;
      e.commitLsn.lsn = r.u64();
      e.commitTimeUs = static_cast<std::int64_t>(r.u64());
      e.xid = r.u32();
      break;
    case 'C':
      e.kind = ChangeEvent::Kind::Commit;
      (void)r.u8();  // flags, unused
      e.commitLsn.lsn = r.u64();
      e.endLsn.lsn = r.u64();
      e.commitTimeUs = static_cast<std::int64_t>(r.u64());
      break;
    case 'O':  // the origin of a replicated transaction: the source tells Ferry's own by it
      (void)r.u64();  // the origin's commit LSN
      m_origin = r.cstr();
      return std::optional<ChangeEvent>{};
    case 'Y':  // a custom type's name: values arrive as text anyway
      return std::optional<ChangeEvent>{};
    case 'R': {
      Relation rel;
      rel.id = r.u32();
      rel.schema = r.cstr();
      if (rel.schema.empty()) rel.schema = "pg_catalog";
      rel.name = r.cstr();
      rel.replicaIdentity = static_cast<char>(r.u8());
      const int n = r.i16();
      for (int i = 0; r.ok() && i < n; ++i) {
        RelationColumn c;
        c.key = (r.u8() & 1) != 0;
        c.name = r.cstr();
        c.typeOid = r.u32();
        c.typmod = r.i32();
        rel.columns.push_back(std::move(c));
      }
      if (!r.ok()) return malformed(type, "truncated relation");
      e.kind = ChangeEvent::Kind::Relation;
      e.relationId = rel.id;
      m_relations[rel.id] = rel;
      e.relation = std::move(rel);
      return std::optional<ChangeEvent>(std::move(e));
    }
    case 'I':
      e.kind = ChangeEvent::Kind::Insert;
      e.relationId = r.u32();
      if (r.u8() != 'N' || !readTuple(r, e.newTuple, relation(e.relationId))) return malformed(type, "bad tuple");
      break;
    case 'U': {
      e.kind = ChangeEvent::Kind::Update;
      e.relationId = r.u32();
      char part = static_cast<char>(r.u8());
      if (part == 'K' || part == 'O') {
        e.oldIsKey = part == 'K';
        Tuple old;
        if (!readTuple(r, old)) return malformed(type, "bad old tuple");
        e.oldTuple = std::move(old);
        part = static_cast<char>(r.u8());
      }
      if (part != 'N' || !readTuple(r, e.newTuple, relation(e.relationId))) return malformed(type, "bad new tuple");
      break;
    }
    case 'D': {
      e.kind = ChangeEvent::Kind::Delete;
      e.relationId = r.u32();
      const char part = static_cast<char>(r.u8());
      if (part != 'K' && part != 'O') return malformed(type, "no old tuple");
      e.oldIsKey = part == 'K';
      Tuple old;
      if (!readTuple(r, old)) return malformed(type, "bad old tuple");
      e.oldTuple = std::move(old);
      break;
    }
    case 'T': {
      e.kind = ChangeEvent::Kind::Truncate;
      const std::uint32_t n = r.u32();
      const std::uint8_t options = r.u8();
      e.truncateCascade = (options & 1) != 0;
      e.truncateRestartIdentity = (options & 2) != 0;
      for (std::uint32_t i = 0; r.ok() && i < n; ++i) e.truncated.push_back(r.u32());
      break;
    }
    case 'M': {
      e.kind = ChangeEvent::Kind::Message;
      e.transactional = (r.u8() & 1) != 0;
      e.messageLsn.lsn = r.u64();
      e.prefix = r.cstr();
      const std::int32_t len = r.i32();
      if (len < 0) return malformed(type, "negative length");
      e.content = r.bytes(static_cast<std::size_t>(len));
      break;
    }
    default:
      return Error(ErrorKind::Internal, "unknown pgoutput message '" + std::string(1, type) + "'",
                   "Ferry asks for protocol version 1; a newer message type means the server ignored that.");
  }
  if (!r.ok()) return malformed(type, "truncated");
  if ((e.kind == ChangeEvent::Kind::Insert || e.kind == ChangeEvent::Kind::Update ||
       e.kind == ChangeEvent::Kind::Delete) &&
      !m_relations.contains(e.relationId)) {
    return malformed(type, "relation " + std::to_string(e.relationId) + " was never described");
  }
  return std::optional<ChangeEvent>(std::move(e));
}

}  // namespace ferry::cdc

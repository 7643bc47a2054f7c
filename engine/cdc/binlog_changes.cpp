#include "cdc/binlog_changes.h"

#include <algorithm>

#include "core/text.h"

namespace ferry::cdc {

using core::Error;
using core::ErrorKind;
namespace ev = binlog::ev;

namespace {
/// Seconds since 1970 → microseconds since 2000-01-01 (ChangeEvent::commitTimeUs).
constexpr std::int64_t kPgEpochSeconds = 946684800;

bool isStatement(const std::string& sql, const char* word) {
  const std::string t = core::toUpper(core::trim(sql));
  return t == word;
}
}  // namespace

core::Status BinlogChanges::feed(std::string_view event, std::vector<ChangeEvent>& out) {
  auto h = binlog::parseHeader(event);
  if (!h) return std::move(h).error();
  if (h->type == ev::kFormatDescription) {
    auto f = binlog::parseFormatDescription(event);
    if (!f) return std::move(f).error();
    m_format = std::move(*f);
    m_haveFormat = true;
    m_maps.clear();  // a new binlog file: table ids start over
    return {};
  }
  if (h->type == ev::kRotate || h->type == ev::kHeartbeat) {
    if (h->type == ev::kHeartbeat) ++m_heartbeats;
    return {};
  }
  if (!m_haveFormat) return {};  // nothing to read events by yet
  if (m_format.crc32 && !binlog::crcMatches(event)) {
    return Error(ErrorKind::Data, "a binlog event of type " + std::to_string(h->type) + " at " +
                                      std::to_string(h->logPos) + " fails its CRC32",
                 "The event was damaged on its way: the stream reconnects and reads it again.");
  }
  const auto body = binlog::bodyOf(event, m_format);
  switch (h->type) {
    case ev::kGtid: {
      auto g = binlog::parseGtid(body, h->serverId);
      if (!g) return std::move(g).error();
      if (g->preparedXa() || g->completedXa()) {
        return Error(ErrorKind::Unsupported, "an XA transaction (GTID " + g->gtid.text() + ") on the source",
                     "The stream does not apply XA transactions yet (their rows come at XA PREPARE, their "
                     "decision later): finish or avoid XA on the migrated tables, or leave them out.");
      }
      m_open = *g;
      m_openTimestamp = h->timestamp;
      ChangeEvent b;
      b.kind = ChangeEvent::Kind::Begin;
      b.gtid = g->gtid;
      b.commitTimeUs = (static_cast<std::int64_t>(h->timestamp) - kPgEpochSeconds) * 1000000;
      out.push_back(std::move(b));
      return {};
    }
    case ev::kXid:
      if (m_open) commit(out);
      return {};
    case ev::kQuery:
    case ev::kQueryCompressed: {
      if (!m_open) return {};
      auto q = binlog::parseQuery(body, m_format, h->type == ev::kQueryCompressed);
      if (!q) return std::move(q).error();
      // A non-transactional table's group ends with COMMIT; a standalone group
      // (DDL) is its one statement. (MariaDB writes no BEGIN with GTIDs.)
      if (isStatement(q->sql, "COMMIT") || isStatement(q->sql, "ROLLBACK")) {
        commit(out);  // (ROLLBACK: the rows of a non-transactional table stay)
        return {};
      }
      if (!isStatement(q->sql, "BEGIN")) {
        ChangeEvent d;
        d.kind = ChangeEvent::Kind::Ddl;
        d.prefix = q->schema;
        d.content = q->sql;
        out.push_back(std::move(d));
      }
      if (m_open->standalone()) commit(out);
      return {};
    }
    case ev::kTableMap: return tableMap(body, out);
    case ev::kXaPrepare:
      return Error(ErrorKind::Unsupported, "an XA PREPARE on the source",
                   "The stream does not apply XA transactions yet: leave the tables XA writes out of the stream.");
    case ev::kIncident:
      return Error(ErrorKind::Data, "the source's binlog has an INCIDENT event: changes may be missing from it",
                   "The server lost binlog events (see its error log): verify, and copy again what differs.");
    default:
      if (binlog::isRowsEvent(h->type)) return rows(body, h->type, out);
      if (h->type >= ev::kWriteRowsV2 && h->type <= ev::kDeleteRowsV2) {
        return Error(ErrorKind::Unsupported, "a MySQL v2 row event",
                     "MySQL sources are not streamed yet; MariaDB writes v1 row events.");
      }
      return {};  // GTID_LIST, BINLOG_CHECKPOINT, ANNOTATE_ROWS, START_ENCRYPTION, …
  }
}

void BinlogChanges::commit(std::vector<ChangeEvent>& out) {
  ChangeEvent c;
  c.kind = ChangeEvent::Kind::Commit;
  c.gtid = m_open->gtid;
  c.commitTimeUs = (static_cast<std::int64_t>(m_openTimestamp) - kPgEpochSeconds) * 1000000;
  m_position.advance(m_open->gtid);
  m_open.reset();
  out.push_back(std::move(c));
}

core::Status BinlogChanges::tableMap(std::string_view body, std::vector<ChangeEvent>& out) {
  auto m = binlog::parseTableMap(body, m_format);
  if (!m) return std::move(m).error();
  Mapped mapped;
  const std::string label = m->schema + "." + m->table;
  auto id = m_relationIds.find(label);
  if (id == m_relationIds.end()) {
    std::uint32_t next = 1;
    for (const auto& [l, n] : m_relationIds) next = std::max(next, n + 1);
    id = m_relationIds.emplace(label, next).first;
  }
  mapped.relationId = id->second;
  Relation rel;
  rel.id = mapped.relationId;
  rel.schema = m->schema;
  rel.name = m->table;
  rel.replicaIdentity = m->primaryKey.empty() ? 'f' : 'd';
  for (std::size_t i = 0; i < m->columns.size(); ++i) {
    const auto& c = m->columns[i];
    RelationColumn rc;
    rc.name = c.name;
    rc.typeOid = c.type;  // the binlog's layout of the column stands in for its type
    rc.typmod = static_cast<std::int32_t>(c.meta);
    // Without a primary key every column is the identity (pgoutput's REPLICA IDENTITY FULL).
    rc.key = m->primaryKey.empty() ||
             std::find(m->primaryKey.begin(), m->primaryKey.end(), i) != m->primaryKey.end();
    rel.columns.push_back(std::move(rc));
    mapped.texts.push_back(m_textOf ? m_textOf(m->schema, m->table, c.name) : binlog::ValueText{});
  }
  const auto sent = m_sentRelations.find(rel.id);
  if (sent == m_sentRelations.end() || sent->second.columns != rel.columns ||
      sent->second.replicaIdentity != rel.replicaIdentity) {
    m_sentRelations[rel.id] = rel;
    ChangeEvent r;
    r.kind = ChangeEvent::Kind::Relation;
    r.relationId = rel.id;
    r.relation = std::move(rel);
    out.push_back(std::move(r));
  }
  mapped.map = std::move(*m);
  m_maps[mapped.map.tableId] = std::move(mapped);
  return {};
}

core::Status BinlogChanges::rows(std::string_view body, std::uint8_t type, std::vector<ChangeEvent>& out) {
  auto r = binlog::parseRows(body, type, m_format);
  if (!r) return std::move(r).error();
  const auto m = m_maps.find(r->tableId);
  if (m == m_maps.end()) {
    return Error(ErrorKind::Data, "a row event for table id " + std::to_string(r->tableId) + " without its TABLE_MAP");
  }
  auto images = binlog::decodeRows(*r, m->second.map, m->second.texts);
  if (!images) return std::move(images).error();
  for (auto& img : *images) {
    ChangeEvent e;
    e.relationId = m->second.relationId;
    switch (r->kind) {
      case binlog::RowsEvent::Kind::Write:
        e.kind = ChangeEvent::Kind::Insert;
        e.newTuple = std::move(*img.after);
        break;
      case binlog::RowsEvent::Kind::Update:
        e.kind = ChangeEvent::Kind::Update;
        e.oldTuple = std::move(img.before);
        e.newTuple = std::move(*img.after);
        break;
      case binlog::RowsEvent::Kind::Delete:
        e.kind = ChangeEvent::Kind::Delete;
        e.oldTuple = std::move(img.before);
        break;
    }
    out.push_back(std::move(e));
  }
  return {};
}

}  // namespace ferry::cdc

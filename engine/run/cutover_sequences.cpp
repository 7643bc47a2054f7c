// The cutover's counters: every source sequence / AUTO_INCREMENT of the run,
// matched with the target's and raised ahead of it (docs/cutover.md).

#include <map>
#include <optional>
#include <set>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "run/cutover_support.h"

namespace ferry::run {

using connect::MySqlConnection;
using connect::PgConnection;
using core::Error;
using core::ErrorKind;

namespace {

/// A source counter: where it feeds (a run table's column) or a standalone
/// sequence, and the next value it gives out.
struct SourceCounter {
  std::string name;  ///< as the DBA knows it on the source
  const state::TableState* table = nullptr;
  std::string column;          ///< the column it feeds ("" standalone)
  std::string schema, sequence;  ///< standalone: its schema and name
  std::int64_t next = 1;
};

std::string pgList(const std::set<std::string>& values) {
  std::vector<std::string> v;
  for (const auto& s : values) v.push_back(PgConnection::quoteLiteral(s));
  return core::join(v, ", ");
}

core::Result<std::vector<SourceCounter>> pgSourceCounters(SideConnection& source,
                                                          const std::vector<state::TableState>& tables) {
  auto c = source.pg();
  if (!c) return std::move(c).error().context("source");
  std::set<std::string> schemas;
  for (const auto& t : tables) schemas.insert(t.sourceSchema);
  if (schemas.empty()) return std::vector<SourceCounter>{};
  auto r = (*c)->query(
      "SELECT s.schemaname AS sch, s.sequencename AS seq, "
      "coalesce(s.last_value + s.increment_by, s.start_value)::text AS next, "
      "tn.nspname AS tschema, t.relname AS tname, a.attname AS col FROM pg_sequences s "
      "JOIN pg_namespace sn ON sn.nspname = s.schemaname "
      "JOIN pg_class sc ON sc.relname = s.sequencename AND sc.relnamespace = sn.oid "
      "LEFT JOIN pg_depend d ON d.objid = sc.oid AND d.classid = 'pg_class'::regclass "
      "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
      "LEFT JOIN pg_class t ON t.oid = d.refobjid LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace "
      "LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
      "WHERE s.schemaname IN (" + pgList(schemas) + ") ORDER BY 1, 2");
  if (!r) return std::move(r).error();
  std::vector<SourceCounter> out;
  for (auto row : *r) {
    SourceCounter sc;
    sc.name = row.str("sch") + "." + row.str("seq");
    sc.next = std::stoll(row.str("next"));
    if (!row.isNull("tname")) {
      for (const auto& t : tables) {
        if (t.sourceSchema == row.str("tschema") && t.sourceTable == row.str("tname")) sc.table = &t;
      }
      if (sc.table == nullptr) continue;  // feeds a table outside the run
      sc.column = row.str("col");
    } else {
      sc.schema = row.str("sch");
      sc.sequence = row.str("seq");
    }
    out.push_back(std::move(sc));
  }
  return out;
}

core::Result<std::vector<SourceCounter>> mySourceCounters(SideConnection& source,
                                                          const std::vector<state::TableState>& tables) {
  auto c = source.my();
  if (!c) return std::move(c).error().context("source");
  std::set<std::string> schemas, names;
  for (const auto& t : tables) {
    schemas.insert(MySqlConnection::quoteLiteral(t.sourceSchema));
    names.insert(MySqlConnection::quoteLiteral(t.sourceTable));
  }
  if (schemas.empty()) return std::vector<SourceCounter>{};
  const std::string in = core::join(std::vector<std::string>(schemas.begin(), schemas.end()), ", ");
  // Named tables as well as schemas: information_schema need not open every table of a
  // schema with many more than the run's (this runs inside the pause).
  const std::string named = core::join(std::vector<std::string>(names.begin(), names.end()), ", ");
  // information_schema_stats_expiry (MySQL 8) would cache AUTO_INCREMENT; MariaDB reads it live.
  auto r = (*c)->query(
      "SELECT t.TABLE_SCHEMA AS s, t.TABLE_NAME AS n, t.AUTO_INCREMENT AS a, c.COLUMN_NAME AS col "
      "FROM information_schema.TABLES t JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA "
      "AND c.TABLE_NAME = t.TABLE_NAME AND c.EXTRA LIKE '%auto_increment%' "
      "WHERE t.TABLE_SCHEMA IN (" + in + ") AND t.TABLE_NAME IN (" + named + ") AND c.TABLE_SCHEMA IN (" + in +
      ") AND c.TABLE_NAME IN (" + named + ") AND t.AUTO_INCREMENT IS NOT NULL");
  if (!r) return std::move(r).error();
  std::vector<SourceCounter> out;
  for (auto row : *r) {
    SourceCounter sc;
    for (const auto& t : tables) {
      if (t.sourceSchema == row.str("s") && t.sourceTable == row.str("n")) sc.table = &t;
    }
    if (sc.table == nullptr) continue;
    sc.name = row.str("s") + "." + row.str("n") + " (AUTO_INCREMENT)";
    sc.column = row.str("col");
    sc.next = row.i64("a");
    out.push_back(std::move(sc));
  }
  return out;
}

/// The target schema the run maps a source schema to ("" none).
std::string targetSchemaOf(const std::vector<state::TableState>& tables, const std::string& sourceSchema) {
  for (const auto& t : tables) {
    if (t.sourceSchema == sourceSchema) return t.targetSchema;
  }
  return {};
}

core::Result<std::vector<SequenceValue>> alignPg(const std::vector<SourceCounter>& counters,
                                                 SideConnection& target,
                                                 const std::vector<state::TableState>& tables, std::int64_t headroom,
                                                 bool dryRun, std::vector<std::string>* missing) {
  auto c = target.pg();
  if (!c) return std::move(c).error().context("target");
  // Each counter's target sequence, in one query: a column's serial/identity
  // sequence, or a standalone sequence of the same name in the mapped schema.
  std::vector<std::string> probes;
  for (std::size_t i = 0; i < counters.size(); ++i) {
    const auto& sc = counters[i];
    std::string expr;
    if (sc.table != nullptr) {
      expr = "pg_get_serial_sequence(" +
             PgConnection::quoteLiteral(PgConnection::quoteIdent(sc.table->targetSchema) + "." +
                                        PgConnection::quoteIdent(sc.table->targetTable)) +
             ", " + PgConnection::quoteLiteral(sc.column) + ")";
    } else {
      const std::string schema = targetSchemaOf(tables, sc.schema);
      expr = "(SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename) FROM pg_sequences WHERE schemaname = " +
             PgConnection::quoteLiteral(schema) + " AND sequencename = " + PgConnection::quoteLiteral(sc.sequence) + ")";
    }
    probes.push_back("SELECT " + std::to_string(i) + " AS i, " + expr + " AS seq");
  }
  std::vector<SequenceValue> out;
  if (probes.empty()) return out;
  auto found = (*c)->query(core::join(probes, " UNION ALL ") + " ORDER BY 1");
  if (!found) return std::move(found).error();
  std::vector<std::pair<const SourceCounter*, std::string>> pairs;
  for (auto row : *found) {
    const auto& sc = counters[static_cast<std::size_t>(row.i64("i"))];
    if (row.isNull("seq")) {
      if (missing) missing->push_back(sc.name);
      continue;
    }
    pairs.emplace_back(&sc, row.str("seq"));
  }
  if (!dryRun && !pairs.empty()) {
    // Raised, never lowered: setval(s, x) makes x + increment the next value.
    std::string sql;
    for (const auto& [sc, seq] : pairs) {
      const std::int64_t want = sc->next + headroom;
      const std::string rel = PgConnection::quoteLiteral(seq) + "::regclass";
      sql += "SELECT setval(x.oid, greatest(" + std::to_string(want) + " - x.inc, x.cur), true) FROM (SELECT " + rel +
             " AS oid, s.seqincrement AS inc, s.seqmin AS minv, CASE WHEN l.is_called THEN l.last_value ELSE "
             "l.last_value - s.seqincrement END AS cur FROM " + seq + " l, pg_sequence s WHERE s.seqrelid = " + rel +
             ") x WHERE greatest(" + std::to_string(want) + " - x.inc, x.cur) >= x.minv;";
    }
    FERRY_TRY((*c)->exec(sql));
  }
  // The values now, for the report.
  std::vector<std::string> reads;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    reads.push_back("SELECT " + std::to_string(i) + " AS i, (CASE WHEN is_called THEN last_value + 1 ELSE last_value END)::text AS next FROM " +
                    pairs[i].second);
  }
  if (!reads.empty()) {
    auto now = (*c)->query(core::join(reads, " UNION ALL ") + " ORDER BY 1");
    if (!now) return std::move(now).error();
    for (auto row : *now) {
      const auto& [sc, seq] = pairs[static_cast<std::size_t>(row.i64("i"))];
      out.push_back({seq, sc->name + " next " + std::to_string(sc->next), std::stoll(row.str("next"))});
    }
  }
  return out;
}

core::Result<std::vector<SequenceValue>> alignMySql(const std::vector<SourceCounter>& counters,
                                                    SideConnection& target, std::int64_t headroom,
                                                    bool dryRun, std::vector<std::string>* missing) {
  auto c = target.my();
  if (!c) return std::move(c).error().context("target");
  std::vector<SequenceValue> out;
  std::set<std::string> schemas, names;
  for (const auto& sc : counters) {
    if (!sc.table) continue;
    schemas.insert(MySqlConnection::quoteLiteral(sc.table->targetSchema));
    names.insert(MySqlConnection::quoteLiteral(sc.table->targetTable));
  }
  std::map<std::pair<std::string, std::string>, std::int64_t> nextOf;
  if (!schemas.empty()) {
    auto r = (*c)->query("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, AUTO_INCREMENT AS a FROM information_schema.TABLES "
                         "WHERE AUTO_INCREMENT IS NOT NULL AND TABLE_SCHEMA IN (" +
                         core::join(std::vector<std::string>(schemas.begin(), schemas.end()), ", ") + ") AND TABLE_NAME IN (" +
                         core::join(std::vector<std::string>(names.begin(), names.end()), ", ") + ")");
    if (!r) return std::move(r).error();
    for (auto row : *r) nextOf[{row.str("s"), row.str("n")}] = row.i64("a");
  }
  for (const auto& sc : counters) {
    const auto it = sc.table ? nextOf.find({sc.table->targetSchema, sc.table->targetTable}) : nextOf.end();
    if (it == nextOf.end()) {
      if (missing) missing->push_back(sc.name);
      continue;
    }
    std::int64_t next = it->second;
    const std::int64_t want = sc.next + headroom;
    if (!dryRun && want > next) {
      FERRY_TRY((*c)->exec("ALTER TABLE " + MySqlConnection::quoteIdent(sc.table->targetSchema) + "." +
                           MySqlConnection::quoteIdent(sc.table->targetTable) + " AUTO_INCREMENT = " + std::to_string(want)));
      next = want;
    }
    out.push_back({sc.table->targetSchema + "." + sc.table->targetTable + " (AUTO_INCREMENT)",
                   sc.name + " next " + std::to_string(sc.next), next});
  }
  return out;
}

}  // namespace

SideConnection::SideConnection(connect::ConnectionSpec spec) : m_spec(std::move(spec)) {}
SideConnection::~SideConnection() = default;

core::Result<connect::PgConnection*> SideConnection::pg() {
  if (!m_pg) {
    auto c = PgConnection::open(m_spec);
    if (!c) return std::move(c).error();
    m_pg = std::move(*c);
  }
  return m_pg.get();
}

core::Result<connect::MySqlConnection*> SideConnection::my() {
  if (!m_my) {
    auto c = MySqlConnection::open(m_spec);
    if (!c) return std::move(c).error();
    m_my = std::move(*c);
  }
  return m_my.get();
}

core::Result<std::vector<SequenceValue>> alignSequences(SideConnection& source, SideConnection& target,
                                                        const std::vector<state::TableState>& tables,
                                                        std::int64_t headroom, bool dryRun,
                                                        std::vector<std::string>* missing) {
  auto counters = source.isPg() ? pgSourceCounters(source, tables) : mySourceCounters(source, tables);
  if (!counters) return std::move(counters).error();
  if (target.isPg()) return alignPg(*counters, target, tables, headroom, dryRun, missing);
  return alignMySql(*counters, target, headroom, dryRun, missing);
}

}  // namespace ferry::run

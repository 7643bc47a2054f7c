// Round trip of every mapping Ferry claims `exact` or `widened` (issue 3, item 9),
// against the real sandbox servers, for the four engine pairs:
//
//   1. a source table per type family holds the type's edge values;
//   2. the source catalog is read and assessed for the target engine; for every
//      column whose severity is exact or widened the target DDL is applied to an
//      empty database, each value is read as text (with the session rules the copy
//      must use), converted with the column's converter, loaded, read back and
//      compared under a strict, type-aware equality.
//
// Columns with another severity are skipped and counted (printed per pair), so the
// coverage is visible. A difference is a failed claim: the message names the pair,
// table, column, both types and both values.


#include "roundtrip_support.h"

namespace ferry::rt {
namespace {

std::string writeTemp(const std::string& name, const std::string& text) {
  const std::string path = "/tmp/ferry-rt-" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string shellQuote(const std::string& s) { return "'" + core::replaceAll(s, "'", "'\\''") + "'"; }

/// Runs a script on the target database through psql / mariadb without aborting the
/// test: a script that does not apply is a finding about one table, reported by the caller.
bool runSqlFile(Engine e, const std::string& path, std::string& output, bool stopOnError = true) {
  if (isPg(e)) {
    return test::runCommand(std::string("psql -X -q -v ON_ERROR_STOP=") + (stopOnError ? "1" : "0") + " -At " +
                                shellQuote(test::pgUrl(kDstDb)) + " -f " + shellQuote(path) + " 2>&1",
                            &output) == 0;
  }
  const auto spec = test::mysqlSpec();
  std::string cmd = "mariadb --batch --default-character-set=utf8mb4 -h " + shellQuote(spec.host) + " -P " +
                    std::to_string(spec.effectivePort()) + " -u " + shellQuote(spec.user);
  if (spec.password) cmd = "MYSQL_PWD=" + shellQuote(*spec.password) + " " + cmd;
  return test::runCommand(cmd + (stopOnError ? "" : " --force") + " < " + shellQuote(path) + " 2>&1", &output) == 0;
}

model::Catalog readCatalog(Engine e) {
  introspect::IntrospectOptions o;
  if (isPg(e)) {
    auto conn = connect::PgConnection::open(test::pgSpec(kSrcDb));
    EXPECT_TRUE(conn.ok()) << (conn ? "" : conn.error().oneLine());
    if (!conn) return {};
    o.schemas = {kPgSchema};
    auto cat = introspect::introspectPostgres(**conn, o);
    EXPECT_TRUE(cat.ok()) << (cat ? "" : cat.error().oneLine());
    return cat ? *cat : model::Catalog{};
  }
  auto conn = connect::MySqlConnection::open(test::mysqlSpec());
  EXPECT_TRUE(conn.ok()) << (conn ? "" : conn.error().oneLine());
  if (!conn) return {};
  o.schemas = {kSrcDb};
  auto cat = introspect::introspectMySql(**conn, o);
  EXPECT_TRUE(cat.ok()) << (cat ? "" : cat.error().oneLine());
  return cat ? *cat : model::Catalog{};
}

model::ServerVersion serverVersion(Engine e) {
  if (isPg(e)) {
    auto c = connect::PgConnection::open(test::pgSpec());
    return c ? (*c)->serverVersion() : model::ServerVersion{};
  }
  auto c = connect::MySqlConnection::open(test::mysqlSpec());
  return c ? (*c)->serverVersion() : model::ServerVersion{};
}

const model::Column* sourceColumn(const model::Catalog& cat, const assess::ColumnAssessment& ca) {
  const model::Table* t = cat.table(ca.schema, ca.table);
  return t == nullptr ? nullptr : t->column(ca.column);
}

struct PairStats {
  int exact = 0;
  int widened = 0;
  std::map<Severity, int> skipped;
  std::vector<std::string> skippedList;
  int tables = 0;
  int values = 0;
  int nonNullValues = 0;
  int minPerColumn = 1 << 30;
  int maxPerColumn = 0;
  int documentedExceptions = 0;
  int failures = 0;
};

/// Runs the whole round trip for one engine pair. Failures are reported with
/// ADD_FAILURE; the statistics are printed.
void roundTrip(Engine src, Engine dst, const plan::Project& project, const std::string& label) {
  const std::string pair = std::string(pairSide(src)) + "→" + pairSide(dst) + label;
  const model::Catalog catalog = readCatalog(src);
  ASSERT_FALSE(catalog.schemas.empty()) << pair << ": no source catalog";
  auto a = assess::assess(catalog, {dst, serverVersion(dst), {}}, project);
  ASSERT_TRUE(a.ok()) << a.error().oneLine();

  PairStats st;
  std::map<std::string, std::vector<ColumnCase>> byTable;  // source table → tested columns (source order)
  for (const auto& ca : a->columns) {
    const Severity sev = ca.mapping.severity;
    if (sev != Severity::Exact && sev != Severity::Widened) {
      ++st.skipped[sev];
      st.skippedList.push_back(ca.table + "." + ca.column + " " + ca.sourceType + " → " + ca.mapping.targetType + " [" +
                               typemap::severityName(sev) + ": " + core::join(ca.mapping.codes(), ",") + "]");
      continue;
    }
    (sev == Severity::Exact ? st.exact : st.widened)++;
    ColumnCase cc;
    cc.ca = &ca;
    cc.src = sourceColumn(catalog, ca);
    ASSERT_NE(cc.src, nullptr) << ca.table << "." << ca.column;
    cc.kind = kindOf(src, cc.src->type);
    cc.sourceIsMySqlFloat = !isPg(src) && lower(cc.src->type.base) == "float";
    byTable[ca.table].push_back(cc);
  }

  // Target: an empty database; schemas/types first, then each table on its own so
  // that one table's DDL failing does not hide the others.
  ddl::TargetModel model = a->target;
  const std::string dstSchemaFor = isPg(dst) ? "" : kDstDb;  // MariaDB: the source schema becomes ferry_t_rt_dst
  if (!isPg(dst)) {
    for (auto& s : model.schemas) s = kDstDb;
    for (auto& t : model.tables) t.schema = kDstDb;
    for (auto& r : model.restarts) r.schema = kDstDb;
    for (auto& q : model.sequences) q.schema = kDstDb;
  }
  if (isPg(dst)) {
    test::recreatePgDatabase(kDstDb);
  } else {
    test::mariadb("", std::string("DROP DATABASE IF EXISTS `") + kDstDb + "`");
  }
  ddl::TargetModel typesOnly = model;
  typesOnly.tables.clear();
  typesOnly.restarts.clear();
  const auto typesScript = ddl::generate(typesOnly);
  {
    // Every statement is tried (no stop on error) so that one type failing is reported
    // without hiding the tables that do not use it.
    std::string out;
    const bool ok = runSqlFile(dst, writeTemp("types.sql", typesScript.preData), out, /*stopOnError=*/false);
    if (!ok || out.find("ERROR") != std::string::npos) {
      ADD_FAILURE() << pair << ": schema/type DDL does not apply:\n" << out << "\n" << typesScript.preData;
    }
  }

  auto srcSession = Session::open(src, isPg(src) ? kSrcDb : "");
  auto dstSession = Session::open(dst, isPg(dst) ? kDstDb : "");
  ASSERT_TRUE(srcSession && dstSession);

  for (const auto& [tableName, cases] : byTable) {
    if (cases.size() < 2) continue;  // only the key is exact: nothing of this table's types to test
    const ddl::TableDef* tdef = nullptr;
    const std::string targetTable = cases.front().ca->targetTable;
    for (const auto& t : model.tables) {
      if (t.name == targetTable) tdef = &t;
    }
    if (tdef == nullptr) {
      ADD_FAILURE() << pair << ": no target table for " << tableName;
      continue;
    }
    ++st.tables;
    ddl::TargetModel one = model;
    one.enums.clear();
    one.domains.clear();
    one.sequences.clear();
    one.ranges.clear();
    one.composites.clear();
    one.tables = {*tdef};
    // Columns without an automatic mapping need an override before any migration; they
    // are left out of the table rather than created with a type the target lacks.
    std::set<std::string> unsupported;
    for (const auto& ca : a->columns) {
      if (ca.table == tableName && ca.mapping.severity == Severity::Unsupported) unsupported.insert(ca.targetColumn);
    }
    std::erase_if(one.tables[0].columns, [&](const ddl::ColumnDef& c) { return unsupported.count(c.name) != 0; });
    std::vector<ddl::RestartDef> restarts;
    for (const auto& r : model.restarts) {
      if (r.table == tdef->name) restarts.push_back(r);
    }
    one.restarts = restarts;
    const auto script = ddl::generate(one);
    std::string ddlOut;
    const std::string preFile = writeTemp("pre-" + tableName + ".sql", script.preData);
    const std::string targetSchema = isPg(dst) ? tdef->schema : dstSchemaFor;
    {
      // Apply without aborting the pair: a failure here is a finding about this table.
      const bool ok = runSqlFile(dst, preFile, ddlOut);
      if (!ok) {
        ++st.failures;
        std::string cols;
        for (const auto& cc : cases) cols += " " + cc.ca->column + " " + cc.ca->sourceType + "→" + cc.ca->mapping.targetType;
        ADD_FAILURE() << pair << ": pre-data DDL of table " << tableName << " does not apply (columns:" << cols
                      << "):\n" << ddlOut << "\n" << script.preData;
        continue;
      }
    }
    // The row key: the first tested column named id.
    const ColumnCase* idCase = nullptr;
    for (const auto& cc : cases) {
      if (cc.ca->column == "id") idCase = &cc;
    }
    if (idCase == nullptr) {
      ADD_FAILURE() << pair << ": " << tableName << ".id is not exact";
      continue;
    }

    // Read the source.
    std::string list;
    for (const auto& cc : cases) {
      if (!list.empty()) list += ", ";
      const std::string q = srcSession->ident(cc.ca->column);
      // MariaDB reader rules: FLOAT through DOUBLE (the text protocol prints 6 digits); BIT
      // as its raw bytes (Connector/C++ getString() turns BIT into a decimal number, the
      // converter reads the bytes the text protocol sends).
      const std::string b = lower(cc.src->type.base);
      list += cc.sourceIsMySqlFloat ? "CAST(" + q + " AS DOUBLE)" : (!isPg(src) && b == "bit") ? "CAST(" + q + " AS BINARY)" : q;
    }
    const std::string srcSchema = isPg(src) ? kPgSchema : kSrcDb;
    auto rows = srcSession->query("SELECT " + list + " FROM " + srcSession->table(srcSchema, tableName) + " ORDER BY " +
                                  srcSession->ident("id"));
    ASSERT_TRUE(rows.ok()) << rows.error().oneLine();

    // Convert and load: the row by its key, then each value on its own so that a
    // failure names exactly one value.
    const std::string tq = dstSession->table(targetSchema, tdef->name);
    const std::string idq = dstSession->ident(idCase->ca->targetColumn);
    std::size_t idIndex = 0;
    for (std::size_t i = 0; i < cases.size(); ++i) {
      if (&cases[i] == idCase) idIndex = i;
    }
    auto literal = [&](const ColumnCase& cc, const std::string& v) {
      return isMySqlBinaryTarget(cc.ca->mapping.targetType) ? "X'" + hexOf(v) + "'" : connect::MySqlConnection::quoteLiteral(v);
    };
    std::vector<std::optional<std::string>> keys;  // converted id per row
    std::set<std::pair<std::size_t, std::size_t>> expectedMissing;  // documented exceptions: not loaded
    for (std::size_t r = 0; r < rows->size(); ++r) {
      const auto& idText = rows->at(r, idIndex);
      auto key = typemap::convertValue(idCase->ca->mapping.conversion, idText ? std::optional<std::string_view>(*idText) : std::nullopt,
                                       idCase->ca->mapping.conversionContext);
      ASSERT_TRUE(key.ok() && *key) << pair << ": key of " << tableName;
      const std::string keyText = **key;
      keys.push_back(keyText);
      std::string insError;
      if (isPg(dst)) {
        auto q = dstSession->pg->query("INSERT INTO " + tq + " (" + idq + ") OVERRIDING SYSTEM VALUE VALUES ($1)", {keyText});
        if (!q.ok()) insError = q.error().oneLine();
      } else {
        auto q = dstSession->my->exec("INSERT INTO " + tq + " (" + idq + ") VALUES (" + literal(*idCase, keyText) + ")");
        if (!q.ok()) insError = q.error().oneLine();
      }
      ASSERT_TRUE(insError.empty()) << pair << ": " << tableName << " key " << keyText << ": " << insError;
      for (std::size_t c = 0; c < cases.size(); ++c) {
        if (c == idIndex) continue;
        const ColumnCase& cc = cases[c];
        const auto& m = cc.ca->mapping;
        const auto& v = rows->at(r, c);
        const std::string where = pair + ": " + tableName + "." + cc.ca->column + " (" + cc.ca->sourceType + " → " + m.targetType +
                                  ", " + typemap::severityName(m.severity) + ", converter " + typemap::conversionName(m.conversion) + ")";
        auto conv = typemap::convertValue(m.conversion, v ? std::optional<std::string_view>(*v) : std::nullopt, m.conversionContext);
        if (v && documentedException(m.conversion, *v)) {
          ++st.documentedExceptions;
          expectedMissing.insert({r, c});
          EXPECT_FALSE(conv.ok()) << where << ": documented exception value " << shown(*v)
                                  << " must make the converter fail, but it gave " << (conv.ok() ? shownOpt(*conv) : "");
          continue;
        }
        if (!conv.ok()) {
          ++st.failures;
          ADD_FAILURE() << where << ": the converter rejects source value " << shownOpt(v) << ": " << conv.error().oneLine();
          expectedMissing.insert({r, c});
          continue;
        }
        if (!*conv) {
          if (v) {
            ++st.failures;
            ADD_FAILURE() << where << ": the converter turned source value " << shown(*v) << " into NULL";
          }
          continue;  // NULL: the row already holds it
        }
        std::string upError;
        if (isPg(dst)) {
          auto q = dstSession->pg->query("UPDATE " + tq + " SET " + dstSession->ident(cc.ca->targetColumn) + " = $1 WHERE " + idq + " = $2",
                                         {**conv, keyText});
          if (!q.ok()) upError = q.error().oneLine();
        } else {
          auto q = dstSession->my->exec("UPDATE " + tq + " SET " + dstSession->ident(cc.ca->targetColumn) + " = " + literal(cc, **conv) +
                                        " WHERE " + idq + " = " + literal(*idCase, keyText));
          if (!q.ok()) upError = q.error().oneLine();
        }
        if (!upError.empty()) {
          ++st.failures;
          expectedMissing.insert({r, c});
          ADD_FAILURE() << where << ": the target rejects source value " << shown(*v) << " (converted " << shown(**conv)
                        << "): " << upError;
        }
      }
    }

    // Post-data (keys, checks) runs after the load, as in a migration: the loaded
    // values must satisfy the target's constraints.
    if (!script.postData.empty()) {
      const std::string postFile = writeTemp("post-" + tableName + ".sql", script.postData);
      std::string out;
      const bool ok = runSqlFile(dst, postFile, out);
      if (!ok) {
        ++st.failures;
        ADD_FAILURE() << pair << ": post-data DDL of table " << tableName << " fails on the loaded values:\n" << out << "\n" << script.postData;
      }
    }

    // Read back and compare.
    std::string tlist;
    for (const auto& cc : cases) {
      if (!tlist.empty()) tlist += ", ";
      const std::string q = dstSession->ident(cc.ca->targetColumn);
      const std::string tt = lower(cc.ca->mapping.targetType);
      const bool targetFloat = !isPg(dst) && core::startsWith(tt, "float");
      const bool targetBit = !isPg(dst) && core::startsWith(tt, "bit");
      tlist += targetFloat ? "CAST(" + q + " AS DOUBLE)" : targetBit ? "CAST(" + q + " AS BINARY)" : q;
    }
    auto back = dstSession->query("SELECT " + tlist + " FROM " + tq + " ORDER BY " + idq);
    ASSERT_TRUE(back.ok()) << back.error().oneLine();
    ASSERT_EQ(back->size(), rows->size()) << pair << ": " << tableName;
    // Rows are matched by key, not by position: the target may order keys differently.
    std::map<std::string, std::size_t> byKey;
    for (std::size_t r = 0; r < back->size(); ++r) byKey[normInt(back->at(r, idIndex).value_or(""))] = r;
    for (std::size_t c = 0; c < cases.size(); ++c) {
      const ColumnCase& cc = cases[c];
      int n = 0;
      for (std::size_t r = 0; r < rows->size(); ++r) {
        ++n;
        ++st.values;
        const auto& v = rows->at(r, c);
        if (v) ++st.nonNullValues;
        if (expectedMissing.count({r, c}) != 0) continue;
        const auto it = byKey.find(normInt(*keys[r]));
        if (it == byKey.end()) {
          ADD_FAILURE() << pair << ": " << tableName << " row with key " << *keys[r] << " is missing on the target";
          continue;
        }
        const auto& w = back->at(it->second, c);
        const std::string where = pair + ": " + tableName + "." + cc.ca->column + " (" + cc.ca->sourceType + " → " +
                                  cc.ca->mapping.targetType + ", " + typemap::severityName(cc.ca->mapping.severity) + ")";
        if (!v || !w) {
          if (v.has_value() != w.has_value()) {
            ++st.failures;
            ADD_FAILURE() << where << ": source " << shownOpt(v) << ", target " << shownOpt(w);
          }
          continue;
        }
        const std::string why = compareValues(cc, src, dst, *v, *w);
        if (!why.empty()) {
          ++st.failures;
          ADD_FAILURE() << where << ": " << why << ": source " << shown(*v) << ", target " << shown(*w);
        }
      }
      st.minPerColumn = std::min(st.minPerColumn, n);
      st.maxPerColumn = std::max(st.maxPerColumn, n);
    }
  }

  std::cout << "[round trip] " << pair << ": " << st.exact + st.widened << " columns tested (" << st.exact << " exact, "
            << st.widened << " widened) in " << st.tables << " tables, " << st.values << " values (" << st.nonNullValues
            << " non-NULL; " << st.minPerColumn << ".." << st.maxPerColumn << " per column), " << st.documentedExceptions
            << " documented-exception values refused as documented, " << st.failures << " failures; skipped:";
  for (const auto& [sev, n] : st.skipped) std::cout << " " << typemap::severityName(sev) << "=" << n;
  std::cout << "\n";
  for (const auto& s : st.skippedList) std::cout << "    skipped " << s << "\n";
}

class RoundTrip : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::recreateMySqlDatabase(kSrcDb);
    test::runMariadbFile(kSrcDb, writeTemp("mariadb-fixture.sql", mariaDbFixture()));
    test::recreatePgDatabase(kSrcDb);
    test::runPsqlFile(kSrcDb, writeTemp("pg-fixture.sql", pgFixture()));
  }
};

TEST_F(RoundTrip, MariaDbToPostgres) { roundTrip(Engine::MariaDB, Engine::PostgreSQL, plan::Project{}, ""); }

TEST_F(RoundTrip, MariaDbToPostgresWithOptions) {
  // The options that turn more MariaDB columns into exact/widened claims.
  plan::Project project;
  project.mappingOptions = {{"tinyint1_as", "smallint"}, {"json_as", "json"}};
  roundTrip(Engine::MariaDB, Engine::PostgreSQL, project, " (tinyint1_as=smallint, json_as=json)");
}

TEST_F(RoundTrip, PostgresToMariaDb) { roundTrip(Engine::PostgreSQL, Engine::MariaDB, plan::Project{}, ""); }

TEST_F(RoundTrip, PostgresToPostgres) { roundTrip(Engine::PostgreSQL, Engine::PostgreSQL, plan::Project{}, ""); }

TEST_F(RoundTrip, MariaDbToMariaDb) { roundTrip(Engine::MariaDB, Engine::MariaDB, plan::Project{}, ""); }


}  // namespace
}  // namespace ferry::rt

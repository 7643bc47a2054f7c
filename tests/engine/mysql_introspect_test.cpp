// Integration: introspectMySql against the sandbox MariaDB. The fixture
// tests/fixtures/mysql_types.sql uses every MariaDB column type and catalog feature;
// what the introspector returns is compared with what the server itself reports
// (information_schema read through the mariadb client) and with exact expected values.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "connect/mysql/mysql_connection.h"
#include "core/text.h"
#include "introspect/introspector.h"
#include "support/test_support.h"

namespace ferry {
namespace {

using connect::MySqlConnection;
using introspect::IntrospectOptions;
using introspect::introspectMySql;

constexpr const char* kDb = "ferry_t_mysql_types";

/// The mariadb client's batch output as rows of tab-separated fields.
std::vector<std::vector<std::string>> serverRows(const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(test::mariadb("", sql));
  std::string line;
  while (std::getline(in, line)) rows.push_back(core::split(line, '\t'));
  return rows;
}

std::int64_t serverCount(const std::string& sql) {
  auto rows = serverRows(sql);
  return rows.empty() ? -1 : std::stoll(rows[0][0]);
}

std::unique_ptr<MySqlConnection> openSandbox() {
  auto conn = MySqlConnection::open(test::mysqlSpec());
  if (!conn) {
    ADD_FAILURE() << conn.error().oneLine();
    return nullptr;
  }
  return std::move(conn).value();
}

class MySqlIntrospect : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    test::runMariadbFile("", test::fixturePath("mysql_types.sql"));
    auto conn = openSandbox();
    if (!conn) return;
    IntrospectOptions options;
    options.schemas = {kDb};
    auto cat = introspectMySql(*conn, options);
    if (!cat) {
      ADD_FAILURE() << cat.error().oneLine();
      return;
    }
    s_catalog = new model::Catalog(std::move(cat).value());
  }
  static void TearDownTestSuite() {
    delete s_catalog;
    s_catalog = nullptr;
  }
  void SetUp() override { ASSERT_NE(s_catalog, nullptr) << "introspection of " << kDb << " failed"; }

  static const model::Schema& schema() { return *s_catalog->schema(kDb); }
  static const model::Table& table(const std::string& name) {
    const model::Table* t = s_catalog->table(kDb, name);
    if (t == nullptr) throw std::runtime_error("no table " + name);
    return *t;
  }
  static const model::Column& column(const std::string& tableName, const std::string& name) {
    const model::Column* c = table(tableName).column(name);
    if (c == nullptr) throw std::runtime_error("no column " + tableName + "." + name);
    return *c;
  }
  static const model::Index& index(const std::string& tableName, const std::string& name) {
    const auto& idx = table(tableName).indexes;
    auto it = std::find_if(idx.begin(), idx.end(), [&](const model::Index& i) { return i.name == name; });
    if (it == idx.end()) throw std::runtime_error("no index " + name);
    return *it;
  }
  static const model::ForeignKey& foreignKey(const std::string& tableName, const std::string& name) {
    const auto& fks = table(tableName).foreignKeys;
    auto it = std::find_if(fks.begin(), fks.end(), [&](const model::ForeignKey& f) { return f.name == name; });
    if (it == fks.end()) throw std::runtime_error("no foreign key " + name);
    return *it;
  }

  static model::Catalog* s_catalog;
};
model::Catalog* MySqlIntrospect::s_catalog = nullptr;

TEST_F(MySqlIntrospect, CatalogAndSchema) {
  EXPECT_EQ(s_catalog->engine, model::Engine::MariaDB);
  EXPECT_TRUE(s_catalog->serverVersion.atLeast(10, 11));
  ASSERT_EQ(s_catalog->schemas.size(), 1u);
  EXPECT_EQ(schema().charset, "utf8mb4");
  EXPECT_EQ(schema().collation, "utf8mb4_unicode_ci");
  const auto tables = serverCount(std::string("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='") +
                                  kDb + "' AND TABLE_TYPE='BASE TABLE'");
  EXPECT_EQ(static_cast<std::int64_t>(schema().tables.size()), tables);
  EXPECT_EQ(schema().tables.size(), 11u);
  EXPECT_EQ(schema().views.size(), 2u);
  EXPECT_EQ(schema().sequences.size(), 2u);
  EXPECT_EQ(schema().table("seq_orders"), nullptr) << "a sequence is not a table";
}

TEST_F(MySqlIntrospect, EveryColumnMatchesInformationSchema) {
  auto rows = serverRows(
      std::string("SELECT c.TABLE_NAME, c.COLUMN_NAME, c.ORDINAL_POSITION, c.COLUMN_TYPE, c.DATA_TYPE, "
                  "c.IS_NULLABLE, IFNULL(c.CHARACTER_SET_NAME,''), IFNULL(c.COLLATION_NAME,'') "
                  "FROM information_schema.COLUMNS c JOIN information_schema.TABLES t "
                  "ON t.TABLE_SCHEMA=c.TABLE_SCHEMA AND t.TABLE_NAME=c.TABLE_NAME AND t.TABLE_TYPE='BASE TABLE' "
                  "WHERE c.TABLE_SCHEMA='") + kDb + "' ORDER BY 1, 3");
  ASSERT_GT(rows.size(), 90u);
  std::size_t ours = 0;
  for (const auto& t : schema().tables) ours += t.columns.size();
  EXPECT_EQ(ours, rows.size());
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 8u);
    SCOPED_TRACE(r[0] + "." + r[1]);
    const model::Column& c = column(r[0], r[1]);
    EXPECT_EQ(c.ordinal, std::stoi(r[2]));
    EXPECT_EQ(c.type.declared, r[3]);
    EXPECT_EQ(c.type.base, r[4]);
    EXPECT_EQ(c.nullable, r[5] == "YES");
    EXPECT_EQ(c.type.charset, r[6]);
    EXPECT_EQ(c.type.collation, r[7]);
    EXPECT_EQ(c.type.isUnsigned, r[3].find("unsigned") != std::string::npos);
  }
}

TEST_F(MySqlIntrospect, IntegerBitAndBooleanColumns) {
  EXPECT_EQ(column("t_integers", "id").identity, model::Identity::AutoIncrement);
  EXPECT_EQ(column("t_integers", "c_tiny").type.declared, "tinyint(4)");
  EXPECT_FALSE(column("t_integers", "c_tiny").type.isUnsigned);
  EXPECT_TRUE(column("t_integers", "c_tiny_u").type.isUnsigned);
  const auto& z = column("t_integers", "c_int_uz").type;
  EXPECT_EQ(z.declared, "int(10) unsigned zerofill");
  EXPECT_EQ(z.base, "int");
  EXPECT_TRUE(z.isUnsigned);
  EXPECT_TRUE(z.zerofill);
  EXPECT_EQ(column("t_integers", "c_small").defaultExpr, "-5");
  EXPECT_FALSE(column("t_integers", "c_small").nullable);
  EXPECT_EQ(column("t_integers", "c_big_u").defaultExpr, "18446744073709551615");
  EXPECT_EQ(column("t_integers", "c_bool").type.declared, "tinyint(1)");
  EXPECT_EQ(column("t_integers", "c_bool").defaultExpr, "1");
  EXPECT_EQ(column("t_integers", "c_bit1").type.length, 1);
  EXPECT_EQ(column("t_integers", "c_bit8").type.length, 8);
  EXPECT_EQ(column("t_integers", "c_bit8").defaultExpr, "b'1010'");
  EXPECT_EQ(column("t_integers", "c_bit64").type.length, 64);
  EXPECT_EQ(column("t_integers", "c_tiny").defaultExpr, std::nullopt) << "MariaDB's text NULL means no default";
  EXPECT_EQ(table("t_integers").comment, "integers, bits and booleans");
  EXPECT_EQ(table("t_numerics").comment, std::nullopt);
}

TEST_F(MySqlIntrospect, NumericColumns) {
  const auto& dec = column("t_numerics", "c_dec");
  EXPECT_EQ(dec.type.precision, 12);
  EXPECT_EQ(dec.type.scale, 2);
  EXPECT_EQ(dec.defaultExpr, "0.00");
  EXPECT_EQ(column("t_numerics", "c_dec_u").type.precision, 65);
  EXPECT_EQ(column("t_numerics", "c_dec_u").type.scale, 30);
  EXPECT_TRUE(column("t_numerics", "c_dec_u").type.isUnsigned);
  EXPECT_EQ(column("t_numerics", "c_numeric").type.declared, "decimal(5,0)");
  EXPECT_EQ(column("t_numerics", "c_numeric").type.scale, 0);
  EXPECT_EQ(column("t_numerics", "c_float").type.precision, std::nullopt);
  EXPECT_EQ(column("t_numerics", "c_float73").type.precision, 7);
  EXPECT_EQ(column("t_numerics", "c_float73").type.scale, 3);
  EXPECT_EQ(column("t_numerics", "c_double").type.base, "double");
  EXPECT_EQ(column("t_numerics", "c_double").type.precision, std::nullopt);
  EXPECT_TRUE(column("t_numerics", "c_double2").type.zerofill);
  EXPECT_EQ(column("t_numerics", "c_double2").type.scale, 4);
  EXPECT_EQ(column("t_numerics", "c_real").type.base, "double");
}

TEST_F(MySqlIntrospect, StringColumns) {
  const auto& vc = column("t_strings", "c_varchar");
  EXPECT_EQ(vc.type.length, 255) << "characters, not bytes, for utf8mb4";
  EXPECT_EQ(vc.type.charset, "utf8mb4");
  EXPECT_EQ(vc.type.collation, "utf8mb4_unicode_ci");
  EXPECT_EQ(vc.defaultExpr, "'it''s'");
  EXPECT_EQ(column("t_strings", "c_char").type.collation, "utf8mb4_bin");
  EXPECT_EQ(column("t_strings", "c_char").type.length, 10);
  EXPECT_EQ(column("t_strings", "c_varchar_mb3").type.charset, "utf8mb3");
  EXPECT_EQ(column("t_strings", "c_latin1").type.charset, "latin1");
  EXPECT_EQ(column("t_strings", "c_latin1").defaultExpr, "'NULL'") << "the string NULL is a real default";
  EXPECT_EQ(column("t_strings", "c_ascii").type.collation, "ascii_bin");
  EXPECT_EQ(column("t_strings", "c_tinytext").type.length, 255);
  EXPECT_EQ(column("t_strings", "c_text").type.length, 65535);
  EXPECT_EQ(column("t_strings", "c_text").comment, "plain text, 64 KiB");
  EXPECT_EQ(column("t_strings", "c_mediumtext").type.charset, "latin1");
  EXPECT_EQ(column("t_strings", "c_longtext").type.length, 4294967295LL);
  const auto& bin = column("t_strings", "c_binary_cs").type;
  EXPECT_EQ(bin.base, "varbinary");
  EXPECT_EQ(bin.length, 20);
  const auto& e = column("t_strings", "c_enum");
  EXPECT_EQ(e.type.base, "enum");
  EXPECT_EQ(e.type.values, (std::vector<std::string>{"small", "medium", "large", "it's"}));
  EXPECT_EQ(e.defaultExpr, "'medium'");
  EXPECT_FALSE(e.nullable);
  const auto& s = column("t_strings", "c_set");
  EXPECT_EQ(s.type.values, (std::vector<std::string>{"red", "green", "blue"}));
  EXPECT_EQ(s.defaultExpr, "'red,blue'");
  // MariaDB's JSON is LONGTEXT plus an automatic json_valid() check.
  EXPECT_EQ(column("t_strings", "c_json").type.base, "longtext");
}

TEST_F(MySqlIntrospect, BinaryAndSpecialColumns) {
  EXPECT_EQ(column("t_binaries", "c_binary").type.length, 16);
  EXPECT_EQ(column("t_binaries", "c_varbinary").type.length, 300);
  EXPECT_EQ(column("t_binaries", "c_tinyblob").type.length, 255);
  EXPECT_EQ(column("t_binaries", "c_blob").type.length, 65535);
  EXPECT_EQ(column("t_binaries", "c_mediumblob").type.length, 16777215);
  EXPECT_EQ(column("t_binaries", "c_longblob").type.length, 4294967295LL);
  EXPECT_EQ(column("t_binaries", "c_uuid").type.base, "uuid");
  EXPECT_EQ(column("t_binaries", "c_inet4").type.base, "inet4");
  EXPECT_EQ(column("t_binaries", "c_inet6").type.base, "inet6");
  for (const char* g : {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                        "multipolygon", "geometrycollection"}) {
    const auto& t = table("t_spatial");
    EXPECT_TRUE(std::any_of(t.columns.begin(), t.columns.end(),
                            [&](const model::Column& c) { return c.type.base == g && c.type.declared == g; }))
        << g;
  }
}

TEST_F(MySqlIntrospect, TemporalColumns) {
  for (int p = 0; p <= 6; ++p) {
    const auto& c = column("t_temporal", p == 0 ? "c_dt0" : "c_dt" + std::to_string(p));
    EXPECT_EQ(c.type.base, "datetime");
    EXPECT_EQ(c.type.precision, p) << c.name;
  }
  EXPECT_EQ(column("t_temporal", "c_date").defaultExpr, "'2000-01-01'");
  EXPECT_EQ(column("t_temporal", "c_dt6").defaultExpr, "current_timestamp(6)");
  const auto& ts = column("t_temporal", "c_ts");
  EXPECT_EQ(ts.type.precision, 0);
  EXPECT_FALSE(ts.nullable);
  EXPECT_EQ(ts.defaultExpr, "current_timestamp()");
  EXPECT_EQ(ts.onUpdate, "current_timestamp()");
  const auto& ts3 = column("t_temporal", "c_ts3");
  EXPECT_EQ(ts3.type.precision, 3);
  EXPECT_TRUE(ts3.nullable);
  EXPECT_EQ(ts3.defaultExpr, std::nullopt);
  EXPECT_EQ(ts3.onUpdate, std::nullopt);
  EXPECT_EQ(column("t_temporal", "c_time6").type.precision, 6);
  EXPECT_EQ(column("t_temporal", "c_year").type.base, "year");
  EXPECT_EQ(table("t_temporal").autoIncrement, 1000);
}

TEST_F(MySqlIntrospect, GeneratedColumns) {
  const auto& v = column("t_generated", "total_v");
  EXPECT_EQ(v.generated, model::Generated::Virtual);
  EXPECT_EQ(v.generatedExpr, "`price` * `qty`");
  EXPECT_EQ(v.defaultExpr, std::nullopt);
  const auto& s = column("t_generated", "total_s");
  EXPECT_EQ(s.generated, model::Generated::Stored) << "PERSISTENT is MariaDB's STORED";
  EXPECT_EQ(s.generatedExpr, "`price` * `qty`");
  EXPECT_EQ(column("t_generated", "name_up").generated, model::Generated::Stored);
  EXPECT_EQ(column("t_generated", "name_up").generatedExpr, "ucase(concat('n',`id`))");
  EXPECT_EQ(column("t_generated", "qty").generated, model::Generated::None);
  EXPECT_EQ(column("t_generated", "qty").defaultExpr, "1");
}

TEST_F(MySqlIntrospect, IndexesMatchStatistics) {
  auto rows = serverRows(std::string("SELECT TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME, "
                                     "IFNULL(SUB_PART,''), IFNULL(COLLATION,''), NON_UNIQUE, INDEX_TYPE, IGNORED "
                                     "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA='") +
                         kDb + "'");
  std::size_t ourKeys = 0;
  for (const auto& t : schema().tables) {
    for (const auto& i : t.indexes) ourKeys += i.keys.size();
  }
  EXPECT_EQ(ourKeys, rows.size());
  for (const auto& r : rows) {
    ASSERT_EQ(r.size(), 9u);
    SCOPED_TRACE(r[0] + "." + r[1] + "#" + r[2]);
    const model::Index& i = index(r[0], r[1]);
    const std::size_t seq = std::stoul(r[2]);
    ASSERT_LE(seq, i.keys.size());
    const model::IndexKey& k = i.keys[seq - 1];
    EXPECT_EQ(k.column, r[3]);
    if (r[7] != "SPATIAL") {
      EXPECT_EQ(k.prefixLength ? std::to_string(*k.prefixLength) : "", r[4]);
    }
    EXPECT_EQ(k.descending, r[5] == "D");
    EXPECT_EQ(i.unique, r[6] == "0");
    EXPECT_EQ(i.method, core::toLower(r[7]));
    EXPECT_EQ(i.visible, r[8] == "NO");
  }
}

TEST_F(MySqlIntrospect, SpecificIndexes) {
  const auto& pk = index("t_strings", "PRIMARY");
  EXPECT_TRUE(pk.primary);
  EXPECT_TRUE(pk.unique);
  EXPECT_TRUE(pk.constraintBacked);
  const auto& uq = index("t_strings", "uq_strings_char");
  EXPECT_TRUE(uq.unique);
  EXPECT_FALSE(uq.primary);
  EXPECT_TRUE(uq.constraintBacked);
  const auto& prefix = index("t_strings", "ix_strings_prefix");
  EXPECT_FALSE(prefix.unique);
  EXPECT_FALSE(prefix.constraintBacked);
  ASSERT_EQ(prefix.keys.size(), 2u);
  EXPECT_EQ(prefix.keys[0].column, "c_varchar");
  EXPECT_EQ(prefix.keys[0].prefixLength, 20);
  EXPECT_EQ(prefix.keys[1].column, "c_text");
  EXPECT_EQ(prefix.keys[1].prefixLength, 100);
  const auto& ft = index("t_strings", "ft_strings");
  EXPECT_EQ(ft.method, "fulltext");
  ASSERT_EQ(ft.keys.size(), 2u);
  EXPECT_EQ(ft.keys[1].column, "c_longtext");
  const auto& sx = index("t_spatial", "sx_point");
  EXPECT_EQ(sx.method, "spatial");
  ASSERT_EQ(sx.keys.size(), 1u);
  EXPECT_EQ(sx.keys[0].prefixLength, std::nullopt) << "SUB_PART 32 of a SPATIAL key is not a prefix";
  const auto& desc = index("t_generated", "ix_generated_total");
  ASSERT_EQ(desc.keys.size(), 2u);
  EXPECT_EQ(desc.keys[0].column, "total_s");
  EXPECT_TRUE(desc.keys[0].descending);
  EXPECT_FALSE(desc.keys[1].descending);
  EXPECT_EQ(index("t_myisam", "ix_myisam_hash").comment, "a hash request");
  EXPECT_TRUE(index("t_myisam", "ix_myisam_hash").visible);
  EXPECT_FALSE(index("t_myisam", "ix_myisam_ignored").visible);
  EXPECT_EQ(table("t_myisam").storageEngine, "MyISAM");
  EXPECT_EQ(table("t_strings").storageEngine, "InnoDB");
  EXPECT_EQ(table("t_strings").collation, "utf8mb4_unicode_ci");
  EXPECT_EQ(table("t_strings").indexes.front().name, "PRIMARY");
}

TEST_F(MySqlIntrospect, PrimaryAndUniqueKeys) {
  const auto& parent = table("t_parent");
  ASSERT_TRUE(parent.primaryKey.has_value());
  EXPECT_EQ(parent.primaryKey->name, "PRIMARY");
  EXPECT_EQ(parent.primaryKey->columns, (std::vector<std::string>{"b", "a"}));
  ASSERT_EQ(parent.uniques.size(), 1u);
  EXPECT_EQ(parent.uniques[0].name, "uq_parent_label");
  EXPECT_EQ(parent.uniques[0].columns, std::vector<std::string>{"label"});
  const auto& child = table("t_child");
  ASSERT_EQ(child.uniques.size(), 1u);
  EXPECT_EQ(child.uniques[0].columns, (std::vector<std::string>{"p2a", "p3a"}));
  EXPECT_EQ(table("t_events").primaryKey->columns, (std::vector<std::string>{"id", "created_at"}));
  for (const auto& t : schema().tables) EXPECT_TRUE(t.primaryKey.has_value()) << t.name;
}

TEST_F(MySqlIntrospect, ForeignKeysWithEveryRule) {
  const auto& child = table("t_child");
  EXPECT_EQ(static_cast<std::int64_t>(child.foreignKeys.size()),
            serverCount(std::string("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS "
                                    "WHERE CONSTRAINT_SCHEMA='") + kDb + "'"));
  const auto& cascade = foreignKey("t_child", "fk_child_cascade");
  EXPECT_EQ(cascade.columns, (std::vector<std::string>{"pb", "pa"}));
  EXPECT_EQ(cascade.refSchema, kDb);
  EXPECT_EQ(cascade.refTable, "t_parent");
  EXPECT_EQ(cascade.refColumns, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(cascade.onDelete, "CASCADE");
  EXPECT_EQ(cascade.onUpdate, "CASCADE");
  EXPECT_EQ(cascade.match, "SIMPLE");
  const auto& setnull = foreignKey("t_child", "fk_child_setnull");
  EXPECT_EQ(setnull.onDelete, "SET NULL");
  EXPECT_EQ(setnull.onUpdate, "RESTRICT");
  EXPECT_EQ(setnull.refColumns, std::vector<std::string>{"label"});
  const auto& noaction = foreignKey("t_child", "fk_child_noaction");
  EXPECT_EQ(noaction.onDelete, "NO ACTION");
  EXPECT_EQ(noaction.onUpdate, "NO ACTION");
  const auto& restrict = foreignKey("t_child", "fk_child_restrict");
  EXPECT_EQ(restrict.onDelete, "RESTRICT");
  EXPECT_EQ(restrict.onUpdate, "SET NULL");
  EXPECT_EQ(restrict.columns, (std::vector<std::string>{"p3b", "p3a"}));
}

TEST_F(MySqlIntrospect, CheckConstraints) {
  const auto& checks = table("t_child").checks;
  ASSERT_EQ(checks.size(), 2u);
  std::map<std::string, std::string> byName;
  for (const auto& c : checks) byName[c.name] = c.expression;
  EXPECT_EQ(byName["qty"], "`qty` >= 0") << "a column-level check is named after its column";
  EXPECT_EQ(byName["ck_child_discount"], "`discount` between 0 and 100");
  ASSERT_EQ(table("t_strings").checks.size(), 1u);
  EXPECT_EQ(table("t_strings").checks[0].expression, "json_valid(`c_json`)");
  std::size_t ours = 0;
  for (const auto& t : schema().tables) ours += t.checks.size();
  EXPECT_EQ(static_cast<std::int64_t>(ours),
            serverCount(std::string("SELECT COUNT(*) FROM information_schema.CHECK_CONSTRAINTS WHERE "
                                    "CONSTRAINT_SCHEMA='") + kDb + "'"));
}

TEST_F(MySqlIntrospect, RangePartitionedTable) {
  const auto& t = table("t_events");
  EXPECT_EQ(t.kind, model::TableKind::PartitionedTable);
  EXPECT_EQ(t.partitionKey, "RANGE (year(`created_at`))");
  EXPECT_EQ(t.partitions, (std::vector<std::string>{"p2023", "p2024", "pmax"}));
  EXPECT_EQ(table("t_child").kind, model::TableKind::Table);
  EXPECT_TRUE(table("t_child").partitions.empty());
}

TEST_F(MySqlIntrospect, ViewsTriggersRoutines) {
  const auto& views = schema().views;
  auto v = std::find_if(views.begin(), views.end(), [](const model::View& x) { return x.name == "v_cheap"; });
  ASSERT_NE(v, views.end());
  EXPECT_EQ(v->checkOption, "CASCADED");
  EXPECT_NE(v->definition.find("`t_generated`"), std::string::npos) << v->definition;
  auto plain = std::find_if(views.begin(), views.end(), [](const model::View& x) { return x.name == "v_plain"; });
  ASSERT_NE(plain, views.end());
  EXPECT_EQ(plain->checkOption, std::nullopt);

  const auto& triggers = table("t_child").triggers;
  ASSERT_EQ(triggers.size(), 1u);
  EXPECT_EQ(triggers[0].name, "trg_child_bi");
  EXPECT_EQ(triggers[0].table, "t_child");
  EXPECT_EQ(triggers[0].timing, "BEFORE");
  EXPECT_EQ(triggers[0].events, std::vector<std::string>{"INSERT"});
  EXPECT_EQ(triggers[0].level, "ROW");
  EXPECT_TRUE(core::startsWith(triggers[0].definition,
                               "CREATE TRIGGER `trg_child_bi` BEFORE INSERT ON `t_child` FOR EACH ROW BEGIN"))
      << triggers[0].definition;

  const auto& routines = schema().routines;
  ASSERT_EQ(routines.size(), 2u);
  auto p = std::find_if(routines.begin(), routines.end(),
                        [](const model::Routine& r) { return r.name == "p_count_children"; });
  ASSERT_NE(p, routines.end());
  EXPECT_EQ(p->kind, model::RoutineKind::Procedure);
  EXPECT_EQ(p->arguments, "IN p_min int(11), OUT p_count int(11)");
  EXPECT_EQ(p->returnType, "");
  EXPECT_EQ(p->language, "SQL");
  EXPECT_FALSE(p->deterministic);
  EXPECT_TRUE(core::startsWith(p->definition, "CREATE PROCEDURE `p_count_children`(IN `p_min` int(11), OUT "))
      << p->definition;
  EXPECT_NE(p->definition.find("READS SQL DATA"), std::string::npos);
  auto f = std::find_if(routines.begin(), routines.end(), [](const model::Routine& r) { return r.name == "f_net"; });
  ASSERT_NE(f, routines.end());
  EXPECT_EQ(f->kind, model::RoutineKind::Function);
  EXPECT_EQ(f->arguments, "p_price decimal(10,2), p_discount decimal(5,2)");
  EXPECT_EQ(f->returnType, "decimal(10,2)");
  EXPECT_TRUE(f->deterministic);
}

TEST_F(MySqlIntrospect, RoutineAndTriggerDefinitionsRecreateTheObjects) {
  // The definitions are complete statements: running them in an empty database works.
  const std::string copy = std::string(kDb) + "_copy";
  test::recreateMySqlDatabase(copy);
  auto conn = MySqlConnection::open(test::mysqlSpec(copy));
  ASSERT_TRUE(conn.ok()) << conn.error().oneLine();
  ASSERT_TRUE((*conn)->exec("CREATE TABLE t_child (id INT PRIMARY KEY, discount DECIMAL(5,2), qty INT)").ok());
  for (const auto& r : schema().routines) {
    auto st = (*conn)->exec(r.definition);
    EXPECT_TRUE(st.ok()) << r.name << ": " << (st.ok() ? "" : st.error().oneLine()) << "\n" << r.definition;
  }
  auto st = (*conn)->exec(table("t_child").triggers.at(0).definition);
  EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().oneLine());
  auto net = (*conn)->query("SELECT f_net(200, 25) AS v");
  ASSERT_TRUE(net.ok()) << net.error().oneLine();
  EXPECT_EQ(net->row(0).str("v"), "150.00");
  ASSERT_TRUE((*conn)->exec("INSERT INTO t_child VALUES (1, 80, 3)").ok());
  auto d = (*conn)->query("SELECT discount FROM t_child WHERE id = 1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->row(0).str("discount"), "50.00") << "the recreated trigger caps the discount";
  test::mariadb("", "DROP DATABASE IF EXISTS `" + copy + "`");
}

TEST_F(MySqlIntrospect, Sequences) {
  const auto& seqs = schema().sequences;
  auto o = std::find_if(seqs.begin(), seqs.end(), [](const model::Sequence& s) { return s.name == "seq_orders"; });
  ASSERT_NE(o, seqs.end());
  EXPECT_EQ(o->schema, kDb);
  EXPECT_EQ(o->dataType, "bigint");
  EXPECT_EQ(o->start, 100);
  EXPECT_EQ(o->increment, 5);
  EXPECT_EQ(o->minValue, 1);
  EXPECT_EQ(o->maxValue, 1000000);
  EXPECT_EQ(o->cache, 10);
  EXPECT_TRUE(o->cycle);
  // One NEXTVAL with CACHE 10 reserved 100..145: the upper bound of what was handed out.
  EXPECT_EQ(o->lastValue, 145);
  auto u = std::find_if(seqs.begin(), seqs.end(), [](const model::Sequence& s) { return s.name == "seq_unused"; });
  ASSERT_NE(u, seqs.end());
  EXPECT_EQ(u->lastValue, std::nullopt);
  EXPECT_EQ(u->start, 1);
  EXPECT_FALSE(u->cycle);
}

TEST(MySqlIntrospectOptions, MissingDatabaseIsNotFound) {
  auto conn = openSandbox();
  ASSERT_NE(conn, nullptr);
  IntrospectOptions options;
  options.schemas = {"ferry_t_no_such_db"};
  auto cat = introspectMySql(*conn, options);
  ASSERT_FALSE(cat.ok());
  EXPECT_EQ(cat.error().kind(), core::ErrorKind::NotFound);
  EXPECT_NE(cat.error().message().find("ferry_t_no_such_db"), std::string::npos) << cat.error().message();
  EXPECT_FALSE(cat.error().hint().empty());
}

TEST(MySqlIntrospectOptions, DefaultSkipsSystemDatabasesAndDefinitionsCanBeSkipped) {
  auto conn = openSandbox();
  ASSERT_NE(conn, nullptr);
  test::mariadb("", "CREATE DATABASE IF NOT EXISTS ferry_t_mysql_small; "
                    "CREATE OR REPLACE TABLE ferry_t_mysql_small.t (id INT PRIMARY KEY); "
                    "CREATE OR REPLACE VIEW ferry_t_mysql_small.v AS SELECT id FROM ferry_t_mysql_small.t");
  auto all = introspectMySql(*conn, {});
  ASSERT_TRUE(all.ok()) << all.error().oneLine();
  for (const char* sys : {"mysql", "information_schema", "performance_schema", "sys"}) {
    EXPECT_EQ(all->schema(sys), nullptr) << sys;
  }
  EXPECT_NE(all->table("ferry_t_mysql_small", "t"), nullptr);

  IntrospectOptions options;
  options.schemas = {"ferry_t_mysql_small"};
  options.withDefinitions = false;
  auto small = introspectMySql(*conn, options);
  ASSERT_TRUE(small.ok()) << small.error().oneLine();
  ASSERT_EQ(small->schemas.size(), 1u);
  ASSERT_EQ(small->schemas[0].views.size(), 1u);
  EXPECT_EQ(small->schemas[0].views[0].definition, "");
  test::mariadb("", "DROP DATABASE IF EXISTS ferry_t_mysql_small");
}

// ---- Sakila: a real schema written by others ----

TEST(MySqlIntrospectSakila, CountsAndDetailsMatchTheServer) {
  const std::string dir = test::sakilaDir();
  if (dir.empty()) GTEST_SKIP() << "the Sakila dataset is not in ../shared/datasets/sakila";
  test::runMariadbFile("", dir + "/sakila-schema.sql");
  test::runMariadbFile("", dir + "/sakila-data.sql");
  auto conn = openSandbox();
  ASSERT_NE(conn, nullptr);
  IntrospectOptions options;
  options.schemas = {"sakila"};
  const auto started = std::chrono::steady_clock::now();
  auto cat = introspectMySql(*conn, options);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  ASSERT_TRUE(cat.ok()) << cat.error().oneLine();
  std::cout << "[ info ] introspectMySql(sakila) took " << ms.count() << " ms\n";
  const model::Schema& s = *cat->schema("sakila");

  auto count = [](const std::string& sql) { return serverCount(sql); };
  std::size_t triggers = 0, fks = 0, functions = 0, procedures = 0;
  for (const auto& t : s.tables) {
    triggers += t.triggers.size();
    fks += t.foreignKeys.size();
  }
  for (const auto& r : s.routines) (r.kind == model::RoutineKind::Function ? functions : procedures)++;

  EXPECT_EQ(s.tables.size(), 16u);
  EXPECT_EQ(s.views.size(), 7u);
  EXPECT_EQ(triggers, 6u);
  EXPECT_EQ(procedures, 3u);
  EXPECT_EQ(functions, 3u);
  EXPECT_EQ(fks, 22u);
  // Both ways: the same numbers from the server's own information_schema.
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='sakila' AND "
                  "TABLE_TYPE='BASE TABLE'"),
            static_cast<std::int64_t>(s.tables.size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA='sakila'"),
            static_cast<std::int64_t>(s.views.size()));
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA='sakila'"),
            static_cast<std::int64_t>(triggers));
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA='sakila' AND "
                  "ROUTINE_TYPE='PROCEDURE'"),
            static_cast<std::int64_t>(procedures));
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA='sakila' AND "
                  "ROUTINE_TYPE='FUNCTION'"),
            static_cast<std::int64_t>(functions));
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                  "CONSTRAINT_SCHEMA='sakila'"),
            static_cast<std::int64_t>(fks));
  std::size_t columns = 0;
  for (const auto& t : s.tables) columns += t.columns.size();
  EXPECT_EQ(count("SELECT COUNT(*) FROM information_schema.COLUMNS c JOIN information_schema.TABLES t USING "
                  "(TABLE_SCHEMA, TABLE_NAME) WHERE c.TABLE_SCHEMA='sakila' AND t.TABLE_TYPE='BASE TABLE'"),
            static_cast<std::int64_t>(columns));

  const model::Table* filmText = s.table("film_text");
  ASSERT_NE(filmText, nullptr);
  auto ft = std::find_if(filmText->indexes.begin(), filmText->indexes.end(),
                         [](const model::Index& i) { return i.name == "idx_title_description"; });
  ASSERT_NE(ft, filmText->indexes.end());
  EXPECT_EQ(ft->method, "fulltext");
  ASSERT_EQ(ft->keys.size(), 2u);
  EXPECT_EQ(ft->keys[0].column, "title");
  EXPECT_EQ(ft->keys[1].column, "description");

  const model::Table* film = s.table("film");
  ASSERT_NE(film, nullptr);
  ASSERT_NE(film->column("rating"), nullptr);
  EXPECT_EQ(film->column("rating")->type.values,
            (std::vector<std::string>{"G", "PG", "PG-13", "R", "NC-17"}));
  EXPECT_EQ(film->column("rating")->defaultExpr, "'G'");
  ASSERT_NE(film->column("special_features"), nullptr);
  EXPECT_EQ(film->column("special_features")->type.base, "set");
  EXPECT_EQ(film->column("special_features")->type.values,
            (std::vector<std::string>{"Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes"}));
  ASSERT_NE(film->column("last_update"), nullptr);
  EXPECT_EQ(film->column("last_update")->onUpdate, "current_timestamp()");

  const model::Table* filmActor = s.table("film_actor");
  ASSERT_NE(filmActor, nullptr);
  ASSERT_TRUE(filmActor->primaryKey.has_value());
  EXPECT_EQ(filmActor->primaryKey->columns, (std::vector<std::string>{"actor_id", "film_id"}));
  auto fk = std::find_if(filmActor->foreignKeys.begin(), filmActor->foreignKeys.end(),
                         [](const model::ForeignKey& f) { return f.name == "fk_film_actor_actor"; });
  ASSERT_NE(fk, filmActor->foreignKeys.end());
  EXPECT_EQ(fk->refTable, "actor");
  EXPECT_EQ(fk->columns, std::vector<std::string>{"actor_id"});
  EXPECT_EQ(fk->onDelete, "RESTRICT");
  EXPECT_EQ(fk->onUpdate, "CASCADE");
  for (const auto& t : s.tables) {
    for (const auto& f : t.foreignKeys) {
      const auto rules = serverRows("SELECT DELETE_RULE, UPDATE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS "
                                    "WHERE CONSTRAINT_SCHEMA='sakila' AND CONSTRAINT_NAME='" + f.name + "'");
      ASSERT_EQ(rules.size(), 1u) << f.name;
      EXPECT_EQ(f.onDelete, rules[0][0]) << f.name;
      EXPECT_EQ(f.onUpdate, rules[0][1]) << f.name;
    }
  }
  EXPECT_GT(s.table("rental")->estimatedRows, 1000);
  EXPECT_GT(s.table("rental")->dataBytes, 0);
}

}  // namespace
}  // namespace ferry

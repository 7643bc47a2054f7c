#pragma once
// Shared pieces of the round-trip tests (roundtrip_*.cpp): fixtures, sessions
// with the rules the copy must honour, and the strict type-aware comparison.

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "assess/assessment.h"
#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "ddl/ddl_generator.h"
#include "introspect/introspector.h"
#include "support/test_support.h"
#include "typemap/value_converter.h"

namespace ferry::rt {

using model::Engine;
using typemap::Severity;

inline constexpr const char* kSrcDb = "ferry_t_rt_src";  // source database (both engines)
inline constexpr const char* kDstDb = "ferry_t_rt_dst";  // target database (both engines)
inline constexpr const char* kPgSchema = "rt";           // PostgreSQL source schema

inline bool isPg(Engine e) { return e == Engine::PostgreSQL; }
inline const char* pairSide(Engine e) { return isPg(e) ? "PostgreSQL" : "MariaDB"; }

inline std::string lower(std::string s) { return core::toLower(s); }

// ---------------------------------------------------------------------------
// Source fixtures: one table per type family, one column per type, one row per edge.
// Every table has `id int` as its first column and primary key; all other columns
// are nullable so that a row may hold NULL in any column.
// ---------------------------------------------------------------------------

inline const std::string kEmoji = "\xF0\x9F\x98\x80";       // U+1F600, 4 bytes
inline const std::string kMaxCodePoint = "\xF4\x8F\xBF\xBF";  // U+10FFFF, 4 bytes
inline const std::string kCombining = "e\xCC\x81";            // e + U+0301
inline const std::string kZwjFamily = "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7";

/// A JSON array nested `depth` levels deep: [[[…1…]]].
inline std::string nestedJson(int depth) { return std::string(static_cast<std::size_t>(depth), '[') + "1" + std::string(static_cast<std::size_t>(depth), ']'); }

/// Source fixtures: one table per type family, one column per type, one row per edge.
std::string mariaDbFixture();
std::string pgFixture();

// ---------------------------------------------------------------------------
// Sessions with the rules copy must honour (docs/design-notes.md).
// ---------------------------------------------------------------------------

struct Session {
  Engine engine = Engine::PostgreSQL;
  std::unique_ptr<connect::PgConnection> pg;
  std::unique_ptr<connect::MySqlConnection> my;

  static std::unique_ptr<Session> open(Engine e, const std::string& db) {
    auto s = std::make_unique<Session>();
    s->engine = e;
    if (isPg(e)) {
      auto c = connect::PgConnection::open(test::pgSpec(db));
      if (!c) {
        ADD_FAILURE() << c.error().oneLine();
        return nullptr;
      }
      s->pg = std::move(*c);
      // PgConnection::open sets intervalstyle = iso_8601 for the catalog; the converters read 'postgres'.
      auto st = s->pg->exec("SET intervalstyle = postgres; SET datestyle = ISO");
      EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().oneLine());
    } else {
      auto c = connect::MySqlConnection::open(test::mysqlSpec(db));
      if (!c) {
        ADD_FAILURE() << c.error().oneLine();
        return nullptr;
      }
      s->my = std::move(*c);  // open() sets utf8mb4 and time_zone '+00:00'
      auto st = s->my->exec("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'");
      EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().oneLine());
    }
    return s;
  }
  core::Result<connect::QueryResult> query(const std::string& sql) { return isPg(engine) ? pg->query(sql) : my->query(sql); }
  std::string ident(const std::string& name) const {
    return isPg(engine) ? connect::PgConnection::quoteIdent(name) : connect::MySqlConnection::quoteIdent(name);
  }
  std::string table(const std::string& schema, const std::string& name) const { return ident(schema) + "." + ident(name); }
};

enum class Kind { Text, Int, Bool, Decimal, Float4, Float8, Timestamp, Duration, Bits, Bytes, JsonB, Uuid, Inet };

/// The fields a comparison needs about one tested column.
struct ColumnCase {
  const assess::ColumnAssessment* ca = nullptr;
  const model::Column* src = nullptr;
  Kind kind = Kind::Text;
  bool sourceIsMySqlFloat = false;
};

Kind kindOf(Engine srcEngine, const model::DataType& t);
bool isMySqlBinaryTarget(const std::string& targetType);
std::string compareValues(const ColumnCase& cc, Engine srcEngine, Engine dstEngine, const std::string& a,
                          const std::string& b);
std::string shown(const std::string& v);
std::string shownOpt(const std::optional<std::string>& v);
std::string hexOf(const std::string& bytes);
std::string normInt(std::string s);
bool documentedException(typemap::ConversionId id, const std::string& value);

}  // namespace ferry::rt

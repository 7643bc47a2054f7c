// MySQL/MariaDB → MySQL/MariaDB column rules: the declared type is kept unless the
// target flavour or version lacks it (utf8mb3, MariaDB-only types, YEAR(2), 0900 /
// uca1400 collations, JSON).

#include "core/text.h"
#include "ddl/quoting.h"
#include "typemap/mapper_internal.h"

namespace ferry::typemap::detail {
namespace {

class MySqlToMySql {
public:
  MySqlToMySql(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m)
      : m_ctx(ctx), m_t(t), m_c(c), m_m(m), m_who(who(t, c)),
        m_toMariaDb(ctx.targetEngine == model::Engine::MariaDB),
        m_fromMariaDb(ctx.sourceEngine == model::Engine::MariaDB) {}

  void run() {
    const std::string& b = m_c.type.base;
    const auto& tv = m_ctx.targetVersion;
    m_m.targetType = m_c.type.declared;
    if ((b == "enum" || b == "set") && !m_c.type.values.empty()) {
      // The server spells the members with backslash escapes ('a\\b'); the
      // target script runs with NO_BACKSLASH_ESCAPES, so they are written again
      // from the parsed members (quotes doubled only).
      m_m.targetType = b + "(" + ddl::literalList(m_c.type.values) + ")";
    }
    charset();
    if (b == "uuid" && !(m_toMariaDb && tv.atLeast(10, 7))) {
      ascii("CHAR(36)");
      find("MY2MY_UUID_TEXT", Severity::Review, " is MariaDB UUID; the target has no UUID type, so it is stored as CHAR(36) text, "
           "which sorts differently (MariaDB orders UUIDs by their time fields).", "Check ORDER BY on the column.");
    } else if ((b == "inet6" && !(m_toMariaDb && tv.atLeast(10, 5))) || (b == "inet4" && !(m_toMariaDb && tv.atLeast(10, 10)))) {
      ascii(b == "inet6" ? "VARCHAR(39)" : "VARCHAR(15)");
      find("MY2MY_INET_TEXT", Severity::Review, " is MariaDB " + core::toUpper(b) + "; the target stores it as text, "
           "which sorts as text, not as addresses.", "Order by INET6_ATON(col) where address order matters.");
    } else if (b == "longtext" && m_fromMariaDb && !m_toMariaDb && isMariaDbJsonColumn(m_t, m_c)) {
      find("MY2MY_MARIADB_JSON", Severity::Review, " is MariaDB JSON (LONGTEXT with json_valid): it stays LONGTEXT with the CHECK, "
           "because MySQL's JSON type would reorder keys, drop duplicates and turn decimals into doubles.",
           "Override with JSON after the data scan shows no duplicate keys, if native JSON functions are wanted.");
    } else if (b == "json" && m_toMariaDb) {
      m_m.targetType = "JSON";
      find("MY2MY_JSON_AS_TEXT", Severity::Review, " is JSON; MariaDB stores JSON as LONGTEXT with json_valid, so comparisons "
           "and some JSON functions behave as on text.", "Review queries comparing JSON values.");
    } else if (b == "json" && !tv.atLeast(5, 7, 8)) {
      m_m.targetType = "LONGTEXT";
      find("MY2MY_JSON_AS_TEXT", Severity::Review, " is JSON; the target predates the JSON type, so it becomes LONGTEXT.",
           "Upgrade the target or validate JSON in the application.");
    } else if (b == "year" && (m_c.type.length == 2 || core::toLower(m_c.type.declared) == "year(2)") &&
               (!m_toMariaDb && tv.atLeast(5, 7, 5))) {
      m_m.targetType = "YEAR";
      m_m.conversion = ConversionId::MySqlYear2ToYear;
      find("MY2MY_YEAR2", Severity::Review, " is YEAR(2), removed in MySQL 5.7.5: it becomes YEAR with 1970..2069.",
           "Check the century of the values.");
    } else if ((b == "float" || b == "double") && m_c.type.scale && !m_toMariaDb && tv.atLeast(8, 0, 17)) {
      find("MY2MY_FLOAT_MD", Severity::Review, " is " + m_c.type.declared + "; FLOAT(M,D)/DOUBLE(M,D) are deprecated since MySQL 8.0.17.",
           "Plan to use DECIMAL(M,D) or plain FLOAT/DOUBLE.");
    } else if (b == "geomcollection" && m_toMariaDb) {
      m_m.targetType = "GEOMETRYCOLLECTION";
    } else if (b == "vector" && !(m_ctx.sourceEngine == m_ctx.targetEngine)) {
      m_m.conversion = ConversionId::Unsupported;
      find("MY2MY_VECTOR", Severity::Unsupported, " is VECTOR, whose MySQL and MariaDB forms differ.",
           "Override the target type (e.g. VARBINARY or the target's VECTOR).");
    } else if (isMySqlIntegerBase(b) && !m_toMariaDb && tv.atLeast(8, 0, 19) && core::toLower(m_c.type.declared) != "tinyint(1)") {
      // Display widths are deprecated (and not shown) since 8.0.19: drop "(11)", keep UNSIGNED/ZEROFILL.
      const auto open = m_c.type.declared.find('(');
      const auto close = m_c.type.declared.find(')');
      if (open != std::string::npos && close != std::string::npos) {
        m_m.targetType = core::trim(m_c.type.declared.substr(0, open) + m_c.type.declared.substr(close + 1));
      }
    }
    if (b == "date" || b == "datetime" || b == "timestamp") {
      find("MY2MY_ZERO_DATE", Severity::Review, " may hold zero dates; the load session allows them, but the target's strict "
           "sql_mode (NO_ZERO_DATE) rejects new ones from applications.", "Run the data scan; fix zero dates or relax sql_mode.");
    }
    if (b == "timestamp" && m_fromMariaDb && m_ctx.sourceVersion.atLeast(11, 5) &&
        !(m_toMariaDb && m_ctx.targetVersion.atLeast(11, 5))) {
      find("MY2MY_TIMESTAMP_RANGE", Severity::Lossy, " is TIMESTAMP; MariaDB 11.5+ stores up to 2106, the target only up to 2038-01-19.",
           "Run the data scan; use DATETIME for values after 2038.");
    }
    // A spatial column's declared SRID is not in the type text (MariaDB's SHOW
    // CREATE TABLE omits REF_SYSTEM_ID): it is written in the target's syntax.
    if (m_c.type.srid && core::toLower(m_m.targetType).find("srid") == std::string::npos) {
      m_m.targetType += (m_toMariaDb ? " REF_SYSTEM_ID=" : " SRID ") + std::to_string(*m_c.type.srid);
    }
    m_m.onUpdate = m_c.onUpdate;
    m_m.identity = m_c.identity;
    if (m_c.identity == model::Identity::None) {
      translateDefault(m_ctx, m_t, m_c, parseMySqlDefault(m_ctx.sourceEngine, m_c), m_m);
    }
  }

private:
  void find(const char* code, Severity s, const std::string& tail, const std::string& action) {
    addFinding(m_m, code, s, m_who + tail, action);
  }
  void ascii(std::string t) {
    m_m.targetType = std::move(t);
    m_m.targetCharset = "ascii";
    m_m.targetCollation = "ascii_bin";
  }

  void charset() {
    std::string cs = m_c.type.charset;
    std::string coll = m_c.type.collation;
    if (cs.empty()) return;
    if (cs == "utf8" || cs == "utf8mb3") {
      cs = "utf8mb4";
      coll = core::replaceAll(core::replaceAll(coll, "utf8mb3_", "utf8mb4_"), "utf8_", "utf8mb4_");
      find("MY2MY_UTF8MB3", Severity::Widened, " uses utf8mb3 (3-byte UTF-8, deprecated); it becomes utf8mb4, which holds every "
           "value and also 4-byte characters; index keys grow by a third.",
           "Check indexes near the 3072-byte (767 with COMPACT rows) key limit.");
    }
    const std::string mapped = mapCollation(coll);
    if (mapped != coll) {
      find("MY2MY_COLLATION_MAPPED", Severity::Review, " uses the collation " + coll + ", which the target lacks; it becomes " +
           mapped + ", whose sort and comparison rules differ slightly.", "Check unique keys and ORDER BY on the column.");
      coll = mapped;
    }
    m_m.targetCharset = cs;
    m_m.targetCollation = coll;
  }

  std::string mapCollation(const std::string& coll) const {
    const auto& tv = m_ctx.targetVersion;
    if (m_toMariaDb && coll.find("_0900_") != std::string::npos && !tv.atLeast(11, 4, 5)) {
      if (core::endsWith(coll, "_0900_bin")) return "utf8mb4_nopad_bin";
      return tv.atLeast(10, 10) ? core::replaceAll(coll, "_0900_", "_uca1400_") : "utf8mb4_unicode_520_ci";
    }
    if (!m_toMariaDb && coll.find("_uca1400_") != std::string::npos) {
      return tv.atLeast(8) ? core::replaceAll(coll, "_uca1400_", "_0900_") : "utf8mb4_unicode_520_ci";
    }
    if (!m_toMariaDb && coll.find("_nopad_") != std::string::npos) {
      return tv.atLeast(8) && core::endsWith(coll, "nopad_bin") ? "utf8mb4_0900_bin" : core::replaceAll(coll, "_nopad", "");
    }
    return coll;
  }

  const MappingContext& m_ctx;
  const model::Table& m_t;
  const model::Column& m_c;
  ColumnMapping& m_m;
  std::string m_who;
  bool m_toMariaDb;
  bool m_fromMariaDb;
};

}  // namespace

void mapMySqlToMySql(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m) {
  MySqlToMySql(ctx, t, c, m).run();
}

}  // namespace ferry::typemap::detail

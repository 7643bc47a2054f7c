// PostgreSQL → MySQL/MariaDB column rules. Each branch states why its severity holds.

#include <algorithm>

#include "core/text.h"
#include "ddl/quoting.h"
#include "typemap/mapper_internal.h"
#include "typemap/spatial.h"

namespace ferry::typemap::detail {
namespace {

bool isRangeType(const std::string& b) {
  return core::endsWith(b, "range") || core::endsWith(b, "multirange");
}

bool isGeometric(const std::string& b) {
  return b == "point" || b == "line" || b == "lseg" || b == "box" || b == "path" || b == "polygon" || b == "circle";
}

bool isRegType(const std::string& b) {
  return core::startsWith(b, "reg") && b != "regexp";
}

class PgToMySql {
public:
  PgToMySql(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m)
      : m_ctx(ctx), m_t(t), m_c(c), m_m(m), m_who(who(t, c)),
        m_mariaDb(ctx.targetEngine == model::Engine::MariaDB) {}

  void mapType(const model::DataType& ty) {
    if (ty.arrayDims > 0) {
      array(ty);
      return;
    }
    const std::string& b = ty.base;
    if (ty.userDefined && ty.typeSchema != "pg_catalog" && spatial::parsePostgisType(b, ty.declared)) {
      postgis(*spatial::parsePostgisType(b, ty.declared));
    } else if (ty.userDefined && ty.typeSchema != "pg_catalog" && !isRangeType(b)) {
      userType(ty);
    } else if (b == "smallint" || b == "integer" || b == "bigint") {
      type(b == "smallint" ? "SMALLINT" : b == "integer" ? "INT" : "BIGINT");
    } else if (b == "numeric" || b == "decimal") {
      numeric(ty);
    } else if (b == "money") {
      type("DECIMAL(19,2)", ConversionId::PgMoneyToDecimal);
      find("PG2MY_MONEY", Severity::Review,
           " is money: its text form depends on lc_monetary; it is copied as DECIMAL(19,2) without the currency symbol.",
           "Check that lc_monetary has 2 fractional digits; format the currency in the application.");
    } else if (b == "real" || b == "double precision") {
      type(b == "real" ? "FLOAT" : "DOUBLE", ConversionId::PgFloatToDouble);
      find("PG2MY_FLOAT_SPECIAL", Severity::Lossy,
           " is " + b + ": NaN, Infinity and -Infinity have no MySQL form and fail.",
           "Run the data scan; replace those values with NULL at the source if it finds any.");
    } else if (b == "character varying" || b == "character" || b == "bpchar" || b == "text" || b == "varchar") {
      string(ty);
    } else if (b == "name") {
      text("VARCHAR(64)");  // name is at most 63 bytes, so at most 63 characters
    } else if (b == "\"char\"" || b == "char") {
      text("VARCHAR(4)");
      fallback("\"char\"");
    } else if (b == "bytea") {
      type("LONGBLOB", ConversionId::PgByteaToBytes);
      find("PG2MY_BYTEA_LONGBLOB", Severity::Widened, " is bytea (up to 1 GB), mapped to LONGBLOB (up to 4 GB).",
           "Indexes on it need a prefix length.");
    } else if (b == "boolean") {
      type("TINYINT(1)", ConversionId::PgBoolToTinyint);
    } else if (b == "date") {
      type("DATE", ConversionId::PgDateToDate);
      dateRange();
    } else if (b == "timestamp without time zone" || b == "timestamp") {
      type("DATETIME(" + std::to_string(ty.precision.value_or(6)) + ")", ConversionId::PgTimestampToDatetime);
      dateRange();
    } else if (b == "timestamp with time zone" || b == "timestamptz") {
      type("DATETIME(" + std::to_string(ty.precision.value_or(6)) + ")", ConversionId::PgTimestamptzToUtcDatetime);
      find("PG2MY_TIMESTAMPTZ_UTC", Severity::Review,
           " is timestamptz: values are stored as UTC in DATETIME, which has no zone; readers must treat them as UTC.",
           "Have the application read the column as UTC and set time_zone='+00:00' so CURRENT_TIMESTAMP defaults are UTC too.");
      dateRange();
    } else if (b == "time without time zone" || b == "time") {
      type("TIME(" + std::to_string(ty.precision.value_or(6)) + ")");  // 00:00:00..24:00:00 is inside TIME's range
    } else if (b == "time with time zone" || b == "timetz") {
      text("VARCHAR(32)");
      fallback("time with time zone");
    } else if (core::startsWith(b, "interval")) {
      interval(ty);
    } else if (b == "bit" || b == "bit varying" || b == "varbit") {
      bits(ty);
    } else if (b == "uuid") {
      if (m_mariaDb && m_ctx.targetVersion.atLeast(10, 7)) {
        type("UUID");
        // Measured on MariaDB 10.11.19 over all 65,536 combinations of bytes 6 and 8:
        // UUID refuses byte 6 >= 0x80 together with byte 8 in 0x01..0x80.
        find("PG2MY_UUID_VARIANT", Severity::Lossy,
             " is uuid, mapped to MariaDB UUID, which rejects values PostgreSQL accepts: byte 6 at 0x80 or above "
             "(version digit 8..f) together with byte 8 in 0x01..0x80 (e.g. 01234567-89ab-cdef-0123-456789abcdef). "
             "Random (v4) and time (v1) UUIDs all fit.",
             "Run the data scan; override with CHAR(36) if it finds such values.");
      } else {
        ascii("CHAR(36)");  // the canonical lower-case text; every value round-trips
      }
    } else if (b == "inet" || b == "cidr") {
      ascii("VARCHAR(43)");  // longest: IPv6 with an IPv4 tail and /128
      find("PG2MY_INET_TEXT", Severity::Review,
           " is " + b + ": stored as text, so network operators (<<, >>=) and address ordering are lost"
                        " (MariaDB INET6 holds addresses only, not networks).",
           "Rewrite containment queries; order by INET6_ATON() where order matters.");
    } else if (b == "macaddr" || b == "macaddr8") {
      ascii(b == "macaddr" ? "VARCHAR(17)" : "VARCHAR(23)");
    } else if (b == "json" || b == "jsonb") {
      json(b == "jsonb");
    } else if (b == "xml" || b == "tsvector" || b == "tsquery" || b == "jsonpath" || b == "txid_snapshot" ||
               b == "pg_snapshot" || isGeometric(b) || isRangeType(b)) {
      text("LONGTEXT");
      fallback(b);
    } else if (b == "pg_lsn" || b == "tid" || isRegType(b)) {
      text("VARCHAR(255)");
      fallback(b);
    } else if (b == "oid" || b == "xid" || b == "cid" || b == "xid8") {
      type(b == "xid8" ? "BIGINT UNSIGNED" : "INT UNSIGNED");
      find("PG2MY_OID_NUMBER", Severity::Review,
           " is " + b + ": the numbers are copied but refer to PostgreSQL objects or transactions that do not exist on the target.",
           "Drop the column or keep it only as history.");
    } else {
      type("LONGTEXT", ConversionId::Unsupported);
      find("MAP_UNKNOWN_TYPE", Severity::Unsupported, " has the type " + ty.declared + ", which Ferry does not know.",
           "Override the column's target type.");
    }
  }

  void run() {
    mapType(m_c.type);
    if (!m_c.type.collation.empty() && m_c.type.collation != "C" && m_c.type.collation != "POSIX" &&
        m_c.type.collation != "default") {
      find("PG2MY_COLLATION", Severity::Review,
           " uses the collation \"" + m_c.type.collation + "\"; it becomes " + m_m.targetCollation + " (code-point order).",
           "Choose a MySQL collation that sorts and compares as the application expects.");
    }
    identityAndDefault();
  }

private:
  void type(std::string t, ConversionId conv = ConversionId::Identity) {
    m_m.targetType = std::move(t);
    m_m.conversion = conv;
  }
  void find(const char* code, Severity s, const std::string& tail, const std::string& action) {
    addFinding(m_m, code, s, m_who + tail, action);
  }
  /// Binary, no-pad collation: PostgreSQL's deterministic comparisons are exact and count trailing spaces.
  void text(std::string t) {
    type(std::move(t));
    m_m.targetCharset = "utf8mb4";
    if (m_mariaDb) {
      m_m.targetCollation = m_ctx.targetVersion.atLeast(10, 2) ? "utf8mb4_nopad_bin" : "utf8mb4_bin";
    } else {
      m_m.targetCollation = m_ctx.targetVersion.atLeast(8) ? "utf8mb4_0900_bin" : "utf8mb4_bin";
    }
    if (m_m.targetCollation == "utf8mb4_bin") {
      find("PG2MY_PAD_SPACE", Severity::Review,
           ": this target has no NO PAD binary collation, so 'a' and 'a ' compare equal (unique keys may collide).",
           "Check unique keys on values with trailing spaces.");
    }
  }
  void ascii(std::string t) {
    type(std::move(t));
    m_m.targetCharset = "ascii";
    m_m.targetCollation = "ascii_bin";
  }
  void fallback(const std::string& what) {
    find("PG2MY_TEXT_FALLBACK", Severity::Review,
         " is " + what + ", kept as its PostgreSQL text form in " + m_m.targetType + ": the type's operators and checks are lost.",
         "Rewrite queries that use the type's operators; parse the text in the application.");
  }

  void numeric(const model::DataType& ty) {
    if (!ty.precision) {
      type("DECIMAL(65,30)", ConversionId::PgNumericToDecimal);
      m_m.conversionContext.precision = 65;
      m_m.conversionContext.scale = 30;
      find("PG2MY_NUMERIC_UNCONSTRAINED", Severity::Lossy,
           " is numeric without precision: values with more than 35 integer or 30 fractional digits, NaN and ±Infinity fail in DECIMAL(65,30).",
           "Run the data scan; declare the precision the data needs as an override.");
      return;
    }
    int p = *ty.precision;
    int s = ty.scale.value_or(0);
    if (s < 0) {  // PostgreSQL 15: numeric(5,-2) rounds to hundreds; the digits before the point grow
      p -= s;
      s = 0;
    }
    const bool fits = p <= 65 && s <= 30;
    const int tp = std::min(p, 65);
    const int ts = std::min(s, 30);
    type("DECIMAL(" + std::to_string(tp) + "," + std::to_string(ts) + ")", ConversionId::PgNumericToDecimal);
    m_m.conversionContext.precision = tp;
    m_m.conversionContext.scale = ts;
    if (!fits) {
      find("PG2MY_NUMERIC_PRECISION", Severity::Lossy,
           " is " + ty.declared + ", beyond DECIMAL's 65 digits / 30 decimals: values that need more fail.",
           "Run the data scan; accept DECIMAL(" + std::to_string(tp) + "," + std::to_string(ts) + ") or store as text.");
    }
    find("PG2MY_NUMERIC_NAN", Severity::Lossy, " is numeric, which accepts 'NaN'; DECIMAL has no NaN and such values fail.",
         "Run the data scan; replace NaN with NULL at the source if it finds any.");
  }

  void string(const model::DataType& ty) {
    const bool fixed = ty.base == "character" || ty.base == "bpchar";
    if (!ty.length) {
      addOption(m_m, "pg_text_as");
      if (m_ctx.options.pgTextAs == PgTextAs::LongText) {
        text("LONGTEXT");
        find("PG2MY_TEXT_LONGTEXT", Severity::Widened, " is unbounded text (up to 1 GB), mapped to LONGTEXT (up to 4 GB).",
             "Indexes on it need a prefix length; MySQL before 8.0.13 allows no default on it.");
      } else {
        addOption(m_m, "pg_text_varchar_length");
        const auto n = m_ctx.options.pgTextVarcharLength;
        text("VARCHAR(" + std::to_string(n) + ")");
        find("PG2MY_TEXT_VARCHAR", Severity::Lossy,
             " is unbounded text, mapped to VARCHAR(" + std::to_string(n) + "): longer values fail.",
             "Run the data scan for longer values; raise pg_text_varchar_length or use pg_text_as=longtext.");
      }
      return;
    }
    const auto n = *ty.length;
    if (fixed && n <= 255) {
      text("CHAR(" + std::to_string(n) + ")");
      find("PG2MY_CHAR_TRAILING_SPACES", Severity::Review,
           " is character(" + std::to_string(n) + "): PostgreSQL returns values padded to " + std::to_string(n) +
               " characters, MySQL CHAR strips trailing spaces when reading ('ab   ' comes back as 'ab').",
           "Check that the application does not rely on the padding; rtrim() on the PostgreSQL side gives the same text.");
    } else if (n <= 16383) {  // 65535-byte row limit / 4 bytes per utf8mb4 character
      text("VARCHAR(" + std::to_string(n) + ")");
      if (fixed) {
        find("PG2MY_CHAR_PADDING", Severity::Review, " is character(" + std::to_string(n) + "), longer than MySQL CHAR's 255: "
             "it becomes VARCHAR and the padding spaces are kept as data.", "Use rtrim() where the padding matters.");
      }
    } else {
      text(n <= 4194303 ? "MEDIUMTEXT" : "LONGTEXT");
      find("PG2MY_VARCHAR_AS_TEXT", Severity::Review,
           " is " + ty.declared + ", longer than the 16383 characters a utf8mb4 VARCHAR can declare: it becomes " +
               m_m.targetType + ", which does not enforce the length and needs a prefix in indexes.",
           "Add a CHECK (CHAR_LENGTH(col) <= n) if the limit matters.");
    }
  }

  void dateRange() {
    find("PG2MY_DATE_RANGE", Severity::Lossy,
         " may hold infinity, -infinity, BC dates or years before 1000, which MySQL's DATE/DATETIME cannot store; they fail.",
         "Run the data scan; replace such values at the source (e.g. infinity with NULL or 9999-12-31).");
  }

  void interval(const model::DataType& ty) {
    addOption(m_m, "interval_as");
    if (m_ctx.options.intervalAs == IntervalAs::Varchar) {
      text("VARCHAR(100)");  // '-178000000 years -11 mons -2147483648 days -2562047788:00:54.775808' is 70
      find("PG2MY_INTERVAL_TEXT", Severity::Review,
           " is interval, kept as its text ('1 year 2 mons 3 days 04:05:06'): date arithmetic with it must be rewritten.",
           "Rewrite arithmetic, or use interval_as=time if every value is under 838 hours.");
    } else {
      type("TIME(" + std::to_string(ty.precision.value_or(6)) + ")", ConversionId::PgIntervalToTime);
      find("PG2MY_INTERVAL_RANGE", Severity::Lossy,
           " is interval, mapped to TIME: values with months or years or beyond ±838:59:59 fail.",
           "Run the data scan; use interval_as=varchar if it finds such values.");
    }
  }

  void bits(const model::DataType& ty) {
    const bool varying = ty.base != "bit";
    const auto n = ty.length.value_or(varying ? 0 : 1);
    m_m.conversionContext.bitLength = n;
    if (n > 0 && n <= 64) {
      type("BIT(" + std::to_string(n) + ")", ConversionId::PgBitToMySqlBit);
    } else {
      type(n > 0 ? "VARBINARY(" + std::to_string((n + 7) / 8) + ")" : "LONGBLOB", ConversionId::PgBitToMySqlBit);
      if (!varying) {
        find("PG2MY_BIT_BINARY", Severity::Review, " is bit(" + std::to_string(n) + "), over MySQL BIT's 64: the bits are packed into "
             "bytes, so bit operators no longer apply.", "Rewrite bit-string queries as byte operations.");
      }
    }
    if (varying) {
      find("PG2MY_VARBIT_LENGTH", Severity::Lossy,
           " is bit varying: the length of each value is lost ('01' and '1' become the same number).",
           "Keep the length in another column, or override with a text type.");
    }
  }

  void json(bool binary) {
    const bool hasJson = m_mariaDb ? m_ctx.targetVersion.atLeast(10, 2, 7) : m_ctx.targetVersion.atLeast(5, 7, 8);
    type(hasJson ? "JSON" : "LONGTEXT");
    if (m_mariaDb || !hasJson) {
      if (!hasJson) {
        text("LONGTEXT");
        return;
      }
      // MariaDB JSON is LONGTEXT + json_valid: the text is kept verbatim, but json_valid
      // refuses documents nested deeper than 31 levels (measured on 10.11), PostgreSQL does not.
      find("PG2MY_JSON_DEPTH", Severity::Lossy,
           " is " + std::string(binary ? "jsonb" : "json") + ": MariaDB's JSON (LONGTEXT with CHECK json_valid) rejects "
           "documents nested deeper than 31 arrays/objects.",
           "Run the data scan; override with LONGTEXT (no json_valid check) if it finds deeper documents.");
      return;
    }
    find("PG2MY_JSON_NORMALISED", Severity::Review,
         " is " + std::string(binary ? "jsonb" : "json") + ": MySQL JSON reorders keys and reformats whitespace; JSON functions differ.",
         "Review JSON queries (->, ->>, @> become JSON_EXTRACT, JSON_CONTAINS).");
    find("PG2MY_JSON_NUMBER_PRECISION", Severity::Lossy,
         ": MySQL JSON stores numbers as 64-bit integers or doubles, so decimals with more than 15-17 significant digits change.",
         "Run the data scan or store the documents as LONGTEXT (override) if exact numbers matter.");
    if (!binary) {
      find("PG2MY_JSON_DUPLICATE_KEYS", Severity::Lossy,
           " is json, which may repeat a key; MySQL JSON keeps only the last occurrence.",
           "Run the data scan for documents with duplicate keys.");
    }
  }

  void array(const model::DataType& ty) {
    model::DataType element = ty;
    element.arrayDims = 0;
    const std::string& b = element.base;
    JsonElement kind = JsonElement::String;
    if (b == "smallint" || b == "integer" || b == "bigint" || b == "numeric" || b == "real" || b == "double precision") {
      kind = JsonElement::Number;
    } else if (b == "boolean") {
      kind = JsonElement::Boolean;
    }
    const bool hasJson = m_mariaDb ? m_ctx.targetVersion.atLeast(10, 2, 7) : m_ctx.targetVersion.atLeast(5, 7, 8);
    type(hasJson ? "JSON" : "LONGTEXT", ConversionId::PgArrayToJson);
    m_m.conversionContext.arrayElement = kind;
    find("PG2MY_ARRAY_JSON", Severity::Review,
         " is " + ty.declared + ", stored as a JSON array: element types and array operators (ANY, @>, []) are lost.",
         "Rewrite array queries with JSON_CONTAINS / JSON_TABLE.");
    if (kind == JsonElement::Number && b != "smallint" && b != "integer" && b != "bigint") {
      find("PG2MY_ARRAY_NUMBERS", Severity::Lossy,
           ": NaN and ±Infinity elements fail" + std::string(m_mariaDb ? "." : ", and MySQL JSON keeps decimals as doubles."),
           "Run the data scan; store as LONGTEXT (override) if exact numbers matter.");
    }
  }

  /// PostGIS geometry/geography → the MySQL/MariaDB spatial type of the same
  /// subtype and SRID (MariaDB REF_SYSTEM_ID, MySQL SRID). MySQL stores x and y only.
  void postgis(const spatial::PostgisType& pg) {
    static const char* kTypes[] = {"POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON",
                                   "GEOMETRYCOLLECTION"};
    const std::string sub = core::toUpper(pg.baseSubtype());
    const bool known = sub.empty() || std::find(std::begin(kTypes), std::end(kTypes), sub) != std::end(kTypes);
    if (!known || pg.hasZ() || pg.hasM()) {
      text("LONGTEXT");
      m_m.conversion = ConversionId::Unsupported;
      find("PG2MY_SPATIAL_UNSUPPORTED", Severity::Unsupported,
           " is " + m_c.type.declared + ": " +
               (known ? std::string("MySQL and MariaDB store only x and y, not Z or M coordinates")
                      : "MySQL and MariaDB have no " + pg.subtype + " type") + ".",
           "Override the target type (e.g. LONGTEXT holding ST_AsEWKT text) or drop the extra dimensions at the source.");
      return;
    }
    std::string t = sub.empty() ? std::string("GEOMETRY") : sub;
    if (pg.srid != 0) t += (m_mariaDb ? " REF_SYSTEM_ID=" : " SRID ") + std::to_string(pg.srid);
    type(t, ConversionId::PgGeometryToMySql);
    if (pg.geography) {
      find("PG2MY_GEOGRAPHY", Severity::Review,
           " is a PostGIS geography (coordinates on the WGS 84 spheroid): it becomes " + t +
               " with the same coordinates, but distances and areas are no longer computed on the spheroid.",
           "Check spatial queries that measure distance or area (ST_Distance_Sphere in MySQL).");
    }
    if (pg.subtype.empty()) {
      find("PG2MY_SPATIAL_3D", Severity::Lossy,
           " is a geometry of any type and dimension: values with Z or M coordinates fail (MySQL and MariaDB store x and "
           "y only).",
           "Run the data scan; drop the extra dimensions at the source (ST_Force2D) if it finds any.");
    }
  }

  void userType(const model::DataType& ty) {
    const model::UserType* ut = m_ctx.userTypes.find(ty.typeSchema, ty.base);
    if (ut == nullptr) {
      if (ty.base == "citext") {
        text("LONGTEXT");
        m_m.targetCollation = m_mariaDb ? "utf8mb4_unicode_520_ci" : "utf8mb4_0900_as_ci";
        find("PG2MY_CITEXT", Severity::Review, " is citext: it becomes LONGTEXT with the case-insensitive collation " +
             m_m.targetCollation + "; lower-casing rules may differ slightly.", "Check unique keys on the column.");
        return;
      }
      text("LONGTEXT");
      m_m.conversion = ConversionId::Unsupported;
      find("PG2MY_EXTENSION_TYPE", Severity::Unsupported,
           " has the type " + ty.typeSchema + "." + ty.base + " (an extension's or an unknown type).",
           "Override the target type; its text form can be copied into LONGTEXT.");
      return;
    }
    switch (ut->kind) {
      case model::UserTypeKind::Enum: {
        const bool trailing = std::any_of(ut->labels.begin(), ut->labels.end(),
                                          [](const std::string& l) { return !l.empty() && l.back() == ' '; });
        text("ENUM(" + ddl::literalList(ut->labels) + ")");  // binary collation: labels differing only in case stay distinct
        if (trailing) {
          find("PG2MY_ENUM_TRAILING_SPACE", Severity::Lossy,
               " uses the enum " + ut->schema + "." + ut->name + ", which has a label ending in spaces: MySQL strips "
               "trailing spaces from ENUM members, so 'x ' is stored as 'x'.",
               "Run the data scan; rename the label or override with VARCHAR.");
        }
        return;
      }
      case model::UserTypeKind::Domain: {
        mapType(parsePgTypeText(ut->baseType));
        if (ut->notNull) m_m.nullable = false;
        std::string checks;
        for (const auto& ck : ut->checks) {
          std::string e = ck.expression;
          if (core::startsWith(core::toUpper(e), "CHECK ")) e = core::trim(e.substr(6));
          e = core::replaceAll(e, "VALUE", quoteIdent(m_ctx.targetEngine, m_c.name));
          checks += (checks.empty() ? "" : " AND ") + e;
        }
        if (!checks.empty()) {
          m_m.checkExpression = checks;
          find("PG2MY_DOMAIN_CHECK", Severity::Review,
               " uses the domain " + ut->schema + "." + ut->name + ": its base type is used and its CHECK is copied as written in PostgreSQL syntax.",
               "Check that the copied CHECK expression is valid MySQL.");
        }
        return;
      }
      case model::UserTypeKind::Composite:
      case model::UserTypeKind::Range:
        text("LONGTEXT");
        fallback(std::string(ut->kind == model::UserTypeKind::Range ? "the range type " : "the composite type ") +
                 ut->schema + "." + ut->name);
        return;
    }
  }

  bool isKeyLead() const {
    if (m_t.primaryKey && !m_t.primaryKey->columns.empty() && m_t.primaryKey->columns[0] == m_c.name) return true;
    for (const auto& u : m_t.uniques) {
      if (!u.columns.empty() && u.columns[0] == m_c.name) return true;
    }
    for (const auto& ix : m_t.indexes) {
      if (!ix.keys.empty() && ix.keys[0].column == m_c.name) return true;
    }
    return false;
  }

  void identityAndDefault() {
    const SourceDefault d = m_c.defaultExpr ? parsePgDefault(*m_c.defaultExpr) : SourceDefault{};
    const bool generatedKey = m_c.identity != model::Identity::None || d.kind == SourceDefault::Kind::Sequence;
    if (generatedKey) {
      if (isKeyLead()) {
        m_m.identity = model::Identity::AutoIncrement;
        if (m_c.identity == model::Identity::Always) {
          find("PG2MY_IDENTITY_ALWAYS", Severity::Review,
               " is GENERATED ALWAYS AS IDENTITY; MySQL AUTO_INCREMENT also accepts explicit values.",
               "None, unless the application relied on PostgreSQL rejecting explicit values.");
        }
        return;
      }
      find("PG2MY_SEQUENCE_NOT_KEY", Severity::Review,
           " takes its values from a sequence but is not the first column of a key, so it cannot be AUTO_INCREMENT.",
           "Values are copied; new rows need a value from the application or a trigger.");
      return;
    }
    translateDefault(m_ctx, m_t, m_c, d, m_m);
  }

  const MappingContext& m_ctx;
  const model::Table& m_t;
  const model::Column& m_c;
  ColumnMapping& m_m;
  std::string m_who;
  bool m_mariaDb;
};

}  // namespace

void mapPgToMySql(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m) {
  PgToMySql(ctx, t, c, m).run();
}

}  // namespace ferry::typemap::detail

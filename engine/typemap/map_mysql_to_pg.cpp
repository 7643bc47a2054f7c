// MySQL/MariaDB → PostgreSQL column rules. Each branch states why its severity holds.

#include "core/text.h"
#include "typemap/mapper_internal.h"

namespace ferry::typemap::detail {
namespace {

constexpr model::Engine kPg = model::Engine::PostgreSQL;

bool isUtf8Charset(const std::string& cs) {
  return cs.empty() || cs == "utf8mb4" || cs == "utf8mb3" || cs == "utf8" || cs == "ascii";
}

bool isCaseInsensitive(const std::string& collation) {
  return core::endsWith(collation, "_ci") || core::endsWith(collation, "_ai_ci") || core::endsWith(collation, "_ai");
}

bool isSpatial(const std::string& b) {
  return b == "geometry" || b == "point" || b == "linestring" || b == "polygon" || b == "multipoint" ||
         b == "multilinestring" || b == "multipolygon" || b == "geometrycollection" || b == "geomcollection";
}

class MySqlToPg {
public:
  MySqlToPg(const MappingContext& ctx, const model::Table& t, const model::Column& c, const ColumnRole& role,
            ColumnMapping& m)
      : m_ctx(ctx), m_t(t), m_c(c), m_role(role), m_m(m), m_who(who(t, c)), m_decl(c.type.declared) {}

  void run() {
    const std::string& b = m_c.type.base;
    if (m_c.type.zerofill) {
      find("MY2PG_ZEROFILL", Severity::Review, " is ZEROFILL; PostgreSQL stores the number without the display padding.",
           "Format with lpad()/to_char() where the padded form is shown.");
    }
    if (b == "tinyint" && isTinyint1(m_c)) {
      tinyint1();
    } else if (isMySqlIntegerBase(b)) {
      integer();
    } else if (b == "decimal" || b == "numeric") {
      type("numeric(" + std::to_string(m_c.type.precision.value_or(10)) + "," + std::to_string(m_c.type.scale.value_or(0)) + ")");
    } else if (b == "float" || b == "double" || b == "real") {
      floating();
    } else if (b == "bit") {
      const auto n = m_c.type.length.value_or(1);
      m_m.conversionContext.bitLength = n;
      type("bit(" + std::to_string(n) + ")", ConversionId::MySqlBitToBitString);
    } else if (b == "date" || b == "datetime" || b == "timestamp") {
      temporal();
    } else if (b == "time") {
      time();
    } else if (b == "year") {
      year();
    } else if (b == "char" || b == "varchar" || b == "tinytext" || b == "text" || b == "mediumtext" || b == "longtext") {
      if (b == "longtext" && isMariaDbJsonColumn(m_t, m_c)) {
        json(true);
      } else {
        string();
      }
    } else if (b == "binary" || b == "varbinary" || b == "tinyblob" || b == "blob" || b == "mediumblob" || b == "longblob") {
      type("bytea", ConversionId::MySqlBytesToBytea);
      if (b == "binary") {
        find("MY2PG_BINARY_PADDING", Severity::Review,
             " is BINARY(" + std::to_string(m_c.type.length.value_or(1)) +
                 "): MySQL right-pads values with 0x00 bytes; bytea keeps the padded bytes but compares without padding.",
             "Compare with the padded value, or trim trailing 0x00 bytes in the application.");
      }
    } else if (b == "enum") {
      enumeration();
    } else if (b == "set") {
      set();
    } else if (b == "json") {
      json(false);
    } else if (isSpatial(b)) {
      unsupported("geometry", "MY2PG_SPATIAL", " is a spatial type (" + m_decl + "); Ferry maps spatial types only to PostGIS, which it does not install.",
                  "Install PostGIS and override the type with geometry, or override it with text and copy ST_AsText() values.");
    } else if (b == "uuid") {
      type("uuid");  // MariaDB 10.7 UUID prints the canonical form PostgreSQL reads
    } else if (b == "inet4" || b == "inet6") {
      type("inet");  // every address, IPv4-mapped included, has the same text in both
    } else if (b == "vector") {
      unsupported("text", "MY2PG_VECTOR", " is a VECTOR column; PostgreSQL needs the pgvector extension.",
                  "Install pgvector and override the type with vector(n).");
    } else {
      unsupported("text", "MAP_UNKNOWN_TYPE", " has the type " + m_decl + ", which Ferry does not know.",
                  "Override the column's target type.");
    }
    defaults();
  }

private:
  void type(std::string t, ConversionId conv = ConversionId::Identity) {
    m_m.targetType = std::move(t);
    m_m.conversion = conv;
  }
  void find(const char* code, Severity s, const std::string& tail, const std::string& action) {
    addFinding(m_m, code, s, m_who + tail, action);
  }
  void unsupported(const char* target, const char* code, const std::string& tail, const std::string& action) {
    type(target, ConversionId::Unsupported);
    find(code, Severity::Unsupported, tail, action);
  }

  static bool isTinyint1(const model::Column& c) {
    return c.type.base == "tinyint" && core::toLower(c.type.declared) == "tinyint(1)";
  }

  /// The referenced column when this column is a foreign key to a column of the
  /// same source type (it must then get that column's target type).
  const model::Column* referencedSameType() const {
    const model::Column* r = m_role.referencedColumn;
    if (r == nullptr || m_role.referencedTable == nullptr) return nullptr;
    return r->type.base == m_c.type.base && r->type.isUnsigned == m_c.type.isUnsigned &&
                   core::toLower(r->type.declared) == core::toLower(m_c.type.declared)
               ? r
               : nullptr;
  }

  /// The AUTO_INCREMENT column whose type this column takes: itself, or the key
  /// it references; nullptr when neither.
  const model::Column* identityKey() const {
    if (m_c.identity == model::Identity::AutoIncrement) return &m_c;
    const model::Column* r = referencedSameType();
    return r && r->identity == model::Identity::AutoIncrement ? r : nullptr;
  }

  void tinyint1() {
    // A key (or AUTO_INCREMENT) column cannot become boolean: 2 and 1 would both be
    // true and collide, and PostgreSQL identities must be integers. A foreign key
    // to such a column follows it.
    const model::Column* ref = referencedSameType();
    const bool key = isKeyColumn(m_t, m_c) || m_c.identity == model::Identity::AutoIncrement ||
                     (ref && (isKeyColumn(*m_role.referencedTable, *ref) || ref->identity == model::Identity::AutoIncrement));
    if (key) {
      type("smallint");
      find("MY2PG_TINYINT1_KEY", Severity::Widened,
           std::string(" is TINYINT(1) ") + (ref ? "referencing the key " + m_role.referencedTable->name + "." + ref->name
                                                 : std::string("in a key")) +
               ", mapped to smallint rather than boolean: as a key its values must stay distinct; every value fits.",
           "None.");
      return;
    }
    addOption(m_m, "tinyint1_as");
    if (m_ctx.options.tinyint1As == Tinyint1As::Boolean) {
      type("boolean", ConversionId::MySqlTinyintToBool);
      find("MY2PG_TINYINT1_BOOLEAN", Severity::Lossy,
           " is TINYINT(1), mapped to boolean: values other than 0 and 1 (e.g. 2, -1) all become true.",
           "Run the data scan; if it finds other values, set tinyint1_as to smallint or override this column.");
    } else {
      type("smallint");
      find("MY2PG_INT_WIDENED", Severity::Widened, " is TINYINT(1), mapped to smallint; every value fits.",
           "None; set tinyint1_as to boolean where the column is a flag.");
    }
  }

  /// BIGINT UNSIGNED AUTO_INCREMENT, or a foreign key to one: PostgreSQL
  /// identities must be smallint, integer or bigint, so numeric(20,0) cannot be one.
  void unsignedIdentity(const model::Column& key) {
    addOption(m_m, "unsigned_bigint_identity_as");
    const bool own = &key == &m_c;
    const model::Table& keyTable = own ? m_t : *m_role.referencedTable;
    const std::string what = own ? " is BIGINT UNSIGNED AUTO_INCREMENT"
                                 : " references the BIGINT UNSIGNED AUTO_INCREMENT key " + keyTable.name + "." + key.name +
                                       " and takes its type";
    if (m_ctx.options.unsignedIdentityAs == UnsignedIdentityAs::NumericSequence) {
      type("numeric(20,0)");
      m_m.sequenceDefault = own;
      find("MY2PG_UNSIGNED_IDENTITY_NUMERIC", Severity::Widened,
           what + ", mapped to numeric(20,0)" + (own ? " fed by a sequence" : "") +
               ": every value up to 18446744073709551615 fits; new keys come from a bigint sequence, which ends at "
               "9223372036854775807.",
           "None; a bigint key joins faster: set unsigned_bigint_identity_as=bigint when no value exceeds "
           "9223372036854775807.");
      return;
    }
    type("bigint", ConversionId::MySqlUnsignedBigintChecked);
    m_m.checkExpression = quoteIdent(kPg, m_c.name) + " >= 0";
    // InnoDB keeps the counter above every value inserted, explicit ones too, so
    // a counter at or below 2^63 means only an UPDATE could have stored a bigger
    // key; the data scan and the copy's converter catch that.
    const std::optional<std::int64_t> next = keyTable.autoIncrement;
    const std::string as = std::string(", mapped to bigint") + (own ? " identity" : "") + " with CHECK (>= 0)";
    if (next && *next < INT64_MAX) {
      find("MY2PG_UNSIGNED_IDENTITY_BIGINT", Severity::Review,
           what + as + ": its next AUTO_INCREMENT value is " + std::to_string(*next) +
               ", so the generated keys fit; bigint ends at 9223372036854775807 instead of 18446744073709551615, "
               "and a larger value is rejected by the copy, never changed.",
           "None for generated keys; the data scan counts values above 9223372036854775807. Set "
           "unsigned_bigint_identity_as=numeric_sequence to keep such values.");
    } else {
      find("MY2PG_UNSIGNED_OVERFLOW", Severity::Lossy,
           what + as + ": " +
               (next ? "its next AUTO_INCREMENT value is beyond 9223372036854775807"
                     : std::string("its AUTO_INCREMENT counter is unknown")) +
               ", so values above 9223372036854775807 may exist, and they fail.",
           "Run the data scan; if it finds such values use unsigned_bigint_identity_as=numeric_sequence.");
    }
  }

  void integer() {
    const std::string& b = m_c.type.base;
    const bool u = m_c.type.isUnsigned;
    if (b == "bigint" && u && identityKey() != nullptr) {
      unsignedIdentity(*identityKey());
      return;
    }
    if (b == "bigint" && u) {
      addOption(m_m, "unsigned_bigint_as");
      if (m_ctx.options.unsignedBigintAs == UnsignedBigintAs::Numeric) {
        type("numeric(20,0)");
        find("MY2PG_UNSIGNED_BIGINT_NUMERIC", Severity::Widened,
             " is BIGINT UNSIGNED, mapped to numeric(20,0): every value up to 18446744073709551615 fits, arithmetic is slower.",
             "None; choose bigint_check where no value exceeds 9223372036854775807 and speed matters.");
      } else {
        type("bigint", ConversionId::MySqlUnsignedBigintChecked);
        m_m.checkExpression = quoteIdent(kPg, m_c.name) + " >= 0";
        find("MY2PG_UNSIGNED_OVERFLOW", Severity::Lossy,
             " is BIGINT UNSIGNED, mapped to bigint with CHECK (>= 0): values above 9223372036854775807 fail.",
             "Run the data scan; if it finds such values use unsigned_bigint_as=numeric.");
      }
      return;
    }
    std::string target;
    bool widened = false;
    if (b == "tinyint") {
      target = "smallint";
      widened = true;  // PostgreSQL has no 1-byte integer
    } else if (b == "smallint") {
      target = u ? "integer" : "smallint";
      widened = u;
    } else if (b == "mediumint") {
      target = "integer";
      widened = true;
    } else if (b == "int" || b == "integer") {
      target = u ? "bigint" : "integer";
      widened = u;
    } else {
      target = "bigint";
    }
    type(target);
    if (widened) {
      find("MY2PG_INT_WIDENED", Severity::Widened, " is " + m_decl + ", mapped to " + target + ": every value fits in the larger type.",
           "None.");
    }
  }

  void floating() {
    const bool single = m_c.type.base == "float";
    type(single ? "real" : "double precision");  // both IEEE 754; MySQL stores no NaN or infinity
    if (m_c.identity == model::Identity::AutoIncrement) {
      m_m.sequenceDefault = true;
      find("MY2PG_FLOAT_AUTO_INCREMENT", Severity::Review,
           " is an AUTO_INCREMENT " + core::toUpper(m_c.type.base) +
               "; PostgreSQL identities must be integers, so new values come from a sequence default (nextval).",
           "Consider an integer key; the copied values are kept as they are.");
    }
    if (m_c.type.scale) {
      find("MY2PG_FLOAT_MD", Severity::Review,
           " is " + m_decl + ": MySQL rounds new values to the declared digits, PostgreSQL " + m_m.targetType + " does not.",
           "Round in the application or use numeric(M,D) if the rounding matters.");
    }
  }

  void zeroDates() {
    addOption(m_m, "zero_dates_as");
    const bool toNull = m_ctx.options.zeroDateAs == ZeroDateAs::Null;
    find("MY2PG_ZERO_DATE", Severity::Lossy,
         " may hold zero or partial dates ('0000-00-00', '2024-00-15'), which PostgreSQL rejects; they become " +
             std::string(toNull ? "NULL" : "the sentinel " + m_ctx.options.zeroDateSentinel) + "." +
             (toNull && !m_c.nullable ? " The column is NOT NULL, so such rows would fail." : ""),
         toNull && !m_c.nullable ? "Run the data scan; if it finds rows, set zero_dates_as=sentinel or allow NULL."
                                 : "Run the data scan; fix the rows at the source or accept the replacement.");
  }

  void temporal() {
    const std::string& b = m_c.type.base;
    const int p = m_c.type.precision.value_or(0);
    if (b == "date") {
      type("date", ConversionId::MySqlDate);
    } else if (b == "datetime") {
      addOption(m_m, "datetime_as");
      if (m_ctx.options.datetimeAs == DatetimeAs::Timestamp) {
        type("timestamp(" + std::to_string(p) + ") without time zone", ConversionId::MySqlDatetime);
      } else {
        addOption(m_m, "datetime_zone");
        type("timestamp(" + std::to_string(p) + ") with time zone", ConversionId::MySqlDatetimeToTimestamptz);
        find("MY2PG_DATETIME_ZONE", Severity::Review,
             " is DATETIME, mapped to timestamptz: its values are read as " + m_ctx.options.datetimeZone +
                 " time and PostgreSQL shows them in each session's zone.",
             "Confirm the application wrote these values in " + m_ctx.options.datetimeZone + ".");
      }
    } else {
      type("timestamp(" + std::to_string(p) + ") with time zone", ConversionId::MySqlTimestampToTimestamptz);
      find("MY2PG_TIMESTAMP_ZONE", Severity::Review,
           " is TIMESTAMP (UTC internally, shown in the session zone); timestamptz keeps the instant but PostgreSQL "
           "sessions show it in their own TimeZone setting.",
           "Set the PostgreSQL role's or database's TimeZone to the zone the application expects.");
    }
    zeroDates();
    if (m_c.onUpdate) {
      find("MY2PG_ON_UPDATE", Severity::Review,
           " has ON UPDATE " + *m_c.onUpdate + ", which PostgreSQL columns do not have.",
           "Add a BEFORE UPDATE trigger that sets the column, or set it in the application.");
    }
  }

  void time() {
    const int p = m_c.type.precision.value_or(0);
    addOption(m_m, "time_as");
    if (m_ctx.options.timeAs == TimeAs::Interval) {
      type(p > 0 ? "interval(" + std::to_string(p) + ")" : "interval", ConversionId::MySqlTimeToInterval);
      find("MY2PG_TIME_AS_INTERVAL", Severity::Review,
           " is TIME (a duration from -838:59:59 to 838:59:59), mapped to interval: every value fits, but it prints and "
           "compares as a duration, not a time of day.",
           "Cast to time where the application treats it as a time of day, or set time_as=time.");
    } else {
      type("time(" + std::to_string(p) + ") without time zone", ConversionId::MySqlTimeToTime);
      find("MY2PG_TIME_RANGE", Severity::Lossy,
           " is TIME, mapped to time: values below 00:00:00 or above 24:00:00 fail.",
           "Run the data scan; use time_as=interval if it finds such values.");
    }
  }

  void year() {
    type("smallint");
    if (m_c.type.length == 2 || core::toLower(m_decl) == "year(2)") {
      m_m.conversion = ConversionId::MySqlYear2ToYear;
      find("MY2PG_YEAR2", Severity::Review, " is YEAR(2): two-digit years become 1970..2069.",
           "Check the century of the values.");
    }
    find("MY2PG_YEAR_SMALLINT", Severity::Widened, " is YEAR, mapped to smallint: every year 1901..2155 (and 0) fits.",
         "Add a CHECK if the range matters.");
  }

  void string() {
    const std::string& b = m_c.type.base;
    const auto n = m_c.type.length.value_or(1);
    if (!isUtf8Charset(m_c.type.charset) && m_c.type.charset != "binary") {
      addOption(m_m, "transcode_charsets");
      if (!m_ctx.options.transcodeCharsets) {
        type("bytea", ConversionId::MySqlBytesToBytea);
        find("MY2PG_CHARSET_BYTES", Severity::Review,
             " uses the " + m_c.type.charset + " character set and transcode_charsets is off: its bytes are kept in bytea.",
             "Turn transcode_charsets on unless the column holds bytes that are not text in its declared charset.");
        return;
      }
    }
    if (b == "char") {
      type("character(" + std::to_string(n) + ")", ConversionId::MySqlTextToPgText);
      find("MY2PG_CHAR_PADDING", Severity::Review,
           " is CHAR(" + std::to_string(n) + "): MySQL strips trailing spaces when reading, PostgreSQL character(n) "
                                             "returns values padded to n.",
           "Use rtrim() where the padded value reaches the application, or override with varchar(n).");
    } else if (b == "varchar") {
      type("character varying(" + std::to_string(n) + ")", ConversionId::MySqlTextToPgText);
    } else {
      type("text", ConversionId::MySqlTextToPgText);
    }
    if (isCaseInsensitive(m_c.type.collation)) {
      find("MY2PG_CASE_INSENSITIVE", Severity::Review,
           " uses the collation " + m_c.type.collation + ": MySQL compares it case- (and accent-) insensitively and "
                                                         "ignores trailing spaces; PostgreSQL compares exactly.",
           "Check unique keys and WHERE clauses; use lower() indexes, citext or a nondeterministic ICU collation where needed.");
    }
  }

  void enumeration() {
    const auto& values = m_c.type.values;
    m_m.conversionContext.members = values;
    addOption(m_m, "enum_as");
    bool hasEmpty = false;
    for (const auto& v : values) hasEmpty = hasEmpty || v.empty();
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + quoteLiteral(kPg, v);
    // PostgreSQL enum labels hold at most 63 bytes; MySQL members up to 255 characters.
    bool longLabel = false;
    for (const auto& v : values) longLabel = longLabel || v.size() > 63;
    if (m_ctx.options.enumAs == EnumAs::EnumType && !longLabel) {
      const auto typeName = mapIdentifier(m_t.name + "_" + m_c.name, kPg).name;
      model::UserType ut;
      ut.schema = m_t.schema;
      ut.name = typeName;
      ut.kind = model::UserTypeKind::Enum;
      ut.labels = values;
      m_m.createType = ut;
      type(quoteQualified(kPg, m_t.schema, typeName), ConversionId::MySqlEnumChecked);
    } else {
      type("text", ConversionId::MySqlEnumChecked);
      m_m.checkExpression = quoteIdent(kPg, m_c.name) + " IN (" + list + ")";
      if (longLabel && m_ctx.options.enumAs == EnumAs::EnumType) {
        find("MY2PG_ENUM_LABEL_LENGTH", Severity::Review,
             " is an ENUM with a member longer than the 63 bytes a PostgreSQL enum label holds; it becomes text with a CHECK.",
             "Shorten the members and override with an enum type if declaration order matters.");
      }
      find("MY2PG_ENUM_ORDER", Severity::Review,
           " is an ENUM stored as text with a CHECK: ORDER BY sorts alphabetically instead of in declaration order.",
           "Order by array_position(ARRAY[…], col) where declaration order matters, or use enum_as=enum_type.");
    }
    if (!hasEmpty) {
      find("MY2PG_ENUM_EMPTY_VALUE", Severity::Lossy,
           " is an ENUM; without strict mode MySQL stores '' for invalid values, which is not a member and fails.",
           "Run the data scan; fix rows holding '' at the source or add '' as a member.");
    }
  }

  void set() {
    addOption(m_m, "set_as");
    m_m.conversionContext.members = m_c.type.values;
    std::string list;
    for (const auto& v : m_c.type.values) list += (list.empty() ? "" : ",") + quoteLiteral(kPg, v);
    if (m_ctx.options.setAs == SetAs::TextArray) {
      type("text[]", ConversionId::MySqlSetToTextArray);
      m_m.checkExpression = quoteIdent(kPg, m_c.name) + " <@ ARRAY[" + list + "]::text[]";
      find("MY2PG_SET_ARRAY", Severity::Review,
           " is a SET, mapped to text[] with a membership CHECK: FIND_IN_SET and bit arithmetic become array operators.",
           "Rewrite FIND_IN_SET(x, col) as x = ANY(col).");
    } else {
      type("text", ConversionId::MySqlTextToPgText);
      find("MY2PG_SET_TEXT", Severity::Review,
           " is a SET, mapped to text holding 'a,b': members are no longer checked.",
           "Add a CHECK or use set_as=text_array.");
    }
  }

  void json(bool mariaDb) {
    addOption(m_m, "json_as");
    if (m_ctx.options.jsonAs == JsonAs::Json) {
      type("json");  // json keeps the text as MySQL prints it
      return;
    }
    type("jsonb", ConversionId::MySqlJsonToJsonb);
    find("MY2PG_JSONB_NORMALISED", Severity::Review,
         " is JSON, mapped to jsonb: key order, whitespace and number formatting are normalised.",
         "Use json_as=json if documents must keep their exact text.");
    if (mariaDb) {
      find("MY2PG_JSON_DUPLICATE_KEYS", Severity::Lossy,
           " is MariaDB JSON (LONGTEXT with json_valid): a document may repeat a key, and jsonb keeps only the last.",
           "Run the data scan; use json_as=json to keep the documents verbatim.");
    }
  }

  void defaults() {
    if (m_c.identity == model::Identity::AutoIncrement) {
      // Explicit values stay allowed, as in MySQL.
      if (!m_m.sequenceDefault) m_m.identity = model::Identity::ByDefault;
      return;
    }
    const SourceDefault d = parseMySqlDefault(m_ctx.sourceEngine, m_c);
    translateDefault(m_ctx, m_t, m_c, d, m_m);
    if (d.kind == SourceDefault::Kind::String && isZeroDateText(d.text) && !m_m.defaultExpr && !m_c.nullable) {
      find("MY2PG_ZERO_DATE_DEFAULT", Severity::Review, " defaults to a zero date; the target column gets no default.",
           "Set zero_dates_as=sentinel or give the column a real default.");
    }
  }

  const MappingContext& m_ctx;
  const model::Table& m_t;
  const model::Column& m_c;
  const ColumnRole& m_role;
  ColumnMapping& m_m;
  std::string m_who;
  std::string m_decl;
};

}  // namespace

void mapMySqlToPg(const MappingContext& ctx, const model::Table& t, const model::Column& c, const ColumnRole& role,
                  ColumnMapping& m) {
  MySqlToPg(ctx, t, c, role, m).run();
}

}  // namespace ferry::typemap::detail

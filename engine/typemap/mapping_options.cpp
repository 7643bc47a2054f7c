#include "typemap/mapping_options.h"

#include <array>
#include <cctype>
#include <utility>

#include <nlohmann/json.hpp>

namespace ferry::typemap {
namespace {

template <typename E, std::size_t N>
using Names = std::array<std::pair<E, const char*>, N>;

constexpr Names<Tinyint1As, 2> kTinyint1{{{Tinyint1As::Boolean, "boolean"}, {Tinyint1As::Smallint, "smallint"}}};
constexpr Names<ZeroDateAs, 2> kZeroDate{{{ZeroDateAs::Null, "null"}, {ZeroDateAs::Sentinel, "sentinel"}}};
constexpr Names<UnsignedBigintAs, 2> kUnsigned{
    {{UnsignedBigintAs::Numeric, "numeric"}, {UnsignedBigintAs::BigintWithCheck, "bigint_check"}}};
constexpr Names<UnsignedIdentityAs, 2> kUnsignedIdentity{
    {{UnsignedIdentityAs::Bigint, "bigint"}, {UnsignedIdentityAs::NumericSequence, "numeric_sequence"}}};
constexpr Names<SpatialAs, 5> kSpatial{{{SpatialAs::Auto, "auto"},
                                         {SpatialAs::Postgis, "postgis"},
                                         {SpatialAs::Native, "native"},
                                         {SpatialAs::Wkb, "wkb"},
                                         {SpatialAs::Wkt, "wkt"}}};
constexpr Names<EnumAs, 2> kEnum{{{EnumAs::EnumType, "enum_type"}, {EnumAs::TextWithCheck, "text_check"}}};
constexpr Names<SetAs, 2> kSet{{{SetAs::TextArray, "text_array"}, {SetAs::Text, "text"}}};
constexpr Names<JsonAs, 2> kJson{{{JsonAs::Jsonb, "jsonb"}, {JsonAs::Json, "json"}}};
constexpr Names<DatetimeAs, 2> kDatetime{{{DatetimeAs::Timestamp, "timestamp"}, {DatetimeAs::Timestamptz, "timestamptz"}}};
constexpr Names<TimeAs, 2> kTime{{{TimeAs::Interval, "interval"}, {TimeAs::Time, "time"}}};
constexpr Names<PgTextAs, 2> kPgText{{{PgTextAs::LongText, "longtext"}, {PgTextAs::Varchar, "varchar"}}};
constexpr Names<IntervalAs, 2> kInterval{{{IntervalAs::Varchar, "varchar"}, {IntervalAs::Time, "time"}}};

template <typename E, std::size_t N>
const char* nameOf(const Names<E, N>& names, E value) {
  for (const auto& [e, n] : names) {
    if (e == value) return n;
  }
  return names[0].second;
}

core::Error badValue(const std::string& key, const std::string& why) {
  return core::Error(core::ErrorKind::Usage, "mapping option '" + key + "': " + why,
                     "See docs/typemap.md for the accepted values.");
}

template <typename E, std::size_t N>
core::Status readEnum(const nlohmann::json& j, const char* key, const Names<E, N>& names, E& out) {
  if (!j.contains(key)) return {};
  const auto& v = j.at(key);
  if (!v.is_string()) return badValue(key, "expected a string");
  const auto s = v.get<std::string>();
  for (const auto& [e, n] : names) {
    if (s == n) {
      out = e;
      return {};
    }
  }
  std::string accepted;
  for (const auto& [e, n] : names) accepted += std::string(accepted.empty() ? "" : ", ") + n;
  return badValue(key, "unknown value '" + s + "' (accepted: " + accepted + ")");
}

core::Status readString(const nlohmann::json& j, const char* key, std::string& out) {
  if (!j.contains(key)) return {};
  const auto& v = j.at(key);
  if (!v.is_string() || v.get<std::string>().empty()) return badValue(key, "expected a non-empty string");
  out = v.get<std::string>();
  return {};
}

bool isDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0U, 1U, 2U, 3U, 5U, 6U, 8U, 9U}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int month = (s[5] - '0') * 10 + (s[6] - '0');
  const int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && s.substr(0, 4) != "0000";
}

template <typename E, std::size_t N>
std::vector<std::string> namesOf(const Names<E, N>& names) {
  std::vector<std::string> out;
  for (const auto& [e, n] : names) out.emplace_back(n);
  return out;
}

/// "UTC", an offset ("+02", "+0200", "+02:00", up to ±15:59), or a zone name:
/// letters, digits, '_', '-', '+' in parts separated by '/', each part starting
/// with a letter ("Europe/Berlin", "America/Argentina/Buenos_Aires", "EST5EDT").
bool isZoneLike(const std::string& z) {
  if (z.empty()) return false;
  if (z[0] == '+' || z[0] == '-') {
    std::string digits;
    for (std::size_t i = 1; i < z.size(); ++i) {
      if (z[i] == ':' && i == 3) continue;
      if (!std::isdigit(static_cast<unsigned char>(z[i]))) return false;
      digits += z[i];
    }
    if (digits.size() != 2 && digits.size() != 4) return false;
    if (z.find(':') != std::string::npos && digits.size() != 4) return false;
    const int hours = std::stoi(digits.substr(0, 2));
    const int minutes = digits.size() == 4 ? std::stoi(digits.substr(2)) : 0;
    return hours <= 15 && minutes <= 59;
  }
  bool partStart = true;
  for (char c : z) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '/') {
      if (partStart) return false;  // "//" or a leading '/'
      partStart = true;
      continue;
    }
    if (partStart && !std::isalpha(u)) return false;
    if (!std::isalnum(u) && c != '_' && c != '-' && c != '+') return false;
    partStart = false;
  }
  return !partStart;  // no trailing '/'
}

std::vector<OptionInfo> buildOptionInfos() {
  const auto defaults = MappingOptions{}.toJson();
  auto text = [&](const char* key) {
    const auto& v = defaults.at(key);
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  auto choice = [&](const char* key, std::vector<std::string> values, OptionPair pair, const char* subject,
                    const char* description) {
    OptionInfo o;
    o.key = key;
    o.kind = OptionKind::Choice;
    o.pair = pair;
    o.values = std::move(values);
    o.defaultValue = text(key);
    o.subject = subject;
    o.description = description;
    return o;
  };
  const auto my2pg = OptionPair::MySqlToPostgres;
  const auto pg2my = OptionPair::PostgresToMySql;
  std::vector<OptionInfo> out;
  out.push_back(choice("tinyint1_as", namesOf(kTinyint1), my2pg, "MySQL TINYINT(1)",
                       "boolean is what applications mean by TINYINT(1); smallint keeps every value from -128 to 127."));
  out.push_back(choice("zero_dates_as", namesOf(kZeroDate), my2pg, "MySQL DATE, DATETIME, TIMESTAMP",
                       "What '0000-00-00' and partial dates such as '2024-00-15' become: NULL, or the sentinel date."));
  OptionInfo sentinel = choice("zero_date_sentinel", {}, my2pg, "MySQL zero dates",
                               "The date zero dates become (YYYY-MM-DD); DATETIME values get 00:00:00.");
  sentinel.kind = OptionKind::Text;
  sentinel.dependsOnKey = "zero_dates_as";
  sentinel.dependsOnValue = "sentinel";
  out.push_back(std::move(sentinel));
  out.push_back(choice("unsigned_bigint_as", namesOf(kUnsigned), my2pg, "MySQL BIGINT UNSIGNED",
                       "numeric(20,0) keeps every value; bigint with a CHECK (>= 0) is faster but fails above "
                       "2^63-1."));
  out.push_back(choice("unsigned_bigint_identity_as", namesOf(kUnsignedIdentity), my2pg,
                       "MySQL BIGINT UNSIGNED AUTO_INCREMENT",
                       "bigint identity with a CHECK (>= 0), as PostgreSQL identities must be; numeric_sequence: "
                       "numeric(20,0) fed by a sequence, which keeps keys above 2^63-1. Also the columns whose "
                       "foreign keys reference such a key."));
  out.push_back(choice("spatial_as", namesOf(kSpatial), my2pg, "MySQL spatial types",
                       "auto: PostGIS geometry when the target has it or this user may create it, else native; "
                       "native: PostgreSQL's point/path/polygon where they hold the values, WKB otherwise; wkb: the "
                       "bytes in bytea; wkt: EWKT text."));
  out.push_back(choice("enum_as", namesOf(kEnum), my2pg, "MySQL ENUM",
                       "A PostgreSQL enum type keeps the order of the labels; text with a CHECK is easier to alter."));
  out.push_back(choice("set_as", namesOf(kSet), my2pg, "MySQL SET",
                       "text[] with a membership CHECK keeps the members queryable; text keeps the 'a,b' form."));
  out.push_back(choice("json_as", namesOf(kJson), my2pg, "MySQL/MariaDB JSON",
                       "jsonb is indexable and normalised; json keeps the text verbatim (key order, spaces)."));
  out.push_back(choice("datetime_as", namesOf(kDatetime), my2pg, "MySQL DATETIME",
                       "timestamp stays zone-less; timestamptz reads each value as a time in datetime_zone."));
  OptionInfo zone = choice("datetime_zone", {}, my2pg, "MySQL DATETIME as timestamptz",
                           "The zone DATETIME values were written in: UTC, an offset such as +02:00, or a zone "
                           "name such as Europe/Berlin.");
  zone.kind = OptionKind::Text;
  zone.dependsOnKey = "datetime_as";
  zone.dependsOnValue = "timestamptz";
  out.push_back(std::move(zone));
  out.push_back(choice("time_as", namesOf(kTime), my2pg, "MySQL TIME",
                       "interval holds MySQL's whole -838:59:59..838:59:59; time holds only 00:00..24:00."));
  OptionInfo transcode = choice("transcode_charsets", {"true", "false"}, my2pg, "MySQL non-UTF-8 strings",
                                "true: the server transcodes latin1, cp1251… to UTF-8; false: the bytes are kept "
                                "in bytea.");
  transcode.kind = OptionKind::Boolean;
  out.push_back(std::move(transcode));
  out.push_back(choice("pg_text_as", namesOf(kPgText), pg2my, "PostgreSQL text, varchar without a length",
                       "LONGTEXT keeps every value; VARCHAR(n) can be indexed whole."));
  OptionInfo length = choice("pg_text_varchar_length", {}, pg2my, "PostgreSQL text as VARCHAR",
                             "The n of VARCHAR(n) in characters; 255 keeps a full index key.");
  length.kind = OptionKind::Integer;
  length.minimum = 1;
  length.maximum = 16383;  // the most a utf8mb4 VARCHAR can declare, as fromJson checks
  length.dependsOnKey = "pg_text_as";
  length.dependsOnValue = "varchar";
  out.push_back(std::move(length));
  out.push_back(choice("interval_as", namesOf(kInterval), pg2my, "PostgreSQL interval",
                       "Its text keeps every value; TIME holds only ±838:59:59 and no months."));
  return out;
}

}  // namespace

bool OptionInfo::appliesTo(model::Engine source, model::Engine target) const {
  const bool mySqlSource = model::isMySqlFamily(source);
  const bool mySqlTarget = model::isMySqlFamily(target);
  return pair == OptionPair::MySqlToPostgres ? mySqlSource && !mySqlTarget : !mySqlSource && mySqlTarget;
}

const std::vector<OptionInfo>& optionInfos() {
  static const std::vector<OptionInfo> infos = buildOptionInfos();
  return infos;
}

const OptionInfo* findOptionInfo(std::string_view key) {
  for (const auto& o : optionInfos()) {
    if (o.key == key) return &o;
  }
  return nullptr;
}

core::Status checkOption(const std::string& key, const nlohmann::json& value) {
  if (!findOptionInfo(key)) return badValue(key, "unknown option");
  auto parsed = MappingOptions::fromJson(nlohmann::json{{key, value}});
  if (!parsed) return std::move(parsed).error();
  if (key == "datetime_zone" && !isZoneLike(parsed->datetimeZone)) {
    return badValue(key, "'" + parsed->datetimeZone + "' is not UTC, an offset such as +02:00 or a zone name such as "
                         "Europe/Berlin");
  }
  return {};
}

nlohmann::json MappingOptions::toJson() const {
  return nlohmann::json{
      {"tinyint1_as", nameOf(kTinyint1, tinyint1As)},
      {"zero_dates_as", nameOf(kZeroDate, zeroDateAs)},
      {"zero_date_sentinel", zeroDateSentinel},
      {"unsigned_bigint_as", nameOf(kUnsigned, unsignedBigintAs)},
      {"unsigned_bigint_identity_as", nameOf(kUnsignedIdentity, unsignedIdentityAs)},
      {"spatial_as", nameOf(kSpatial, spatialAs)},
      {"enum_as", nameOf(kEnum, enumAs)},
      {"set_as", nameOf(kSet, setAs)},
      {"json_as", nameOf(kJson, jsonAs)},
      {"datetime_as", nameOf(kDatetime, datetimeAs)},
      {"datetime_zone", datetimeZone},
      {"time_as", nameOf(kTime, timeAs)},
      {"transcode_charsets", transcodeCharsets},
      {"pg_text_as", nameOf(kPgText, pgTextAs)},
      {"pg_text_varchar_length", pgTextVarcharLength},
      {"interval_as", nameOf(kInterval, intervalAs)},
  };
}

core::Result<MappingOptions> MappingOptions::fromJson(const nlohmann::json& j) {
  MappingOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) return badValue("mapping", "expected an object");
  FERRY_TRY(readEnum(j, "tinyint1_as", kTinyint1, o.tinyint1As));
  FERRY_TRY(readEnum(j, "zero_dates_as", kZeroDate, o.zeroDateAs));
  FERRY_TRY(readString(j, "zero_date_sentinel", o.zeroDateSentinel));
  if (!isDate(o.zeroDateSentinel)) return badValue("zero_date_sentinel", "expected a valid date YYYY-MM-DD");
  FERRY_TRY(readEnum(j, "unsigned_bigint_as", kUnsigned, o.unsignedBigintAs));
  FERRY_TRY(readEnum(j, "unsigned_bigint_identity_as", kUnsignedIdentity, o.unsignedIdentityAs));
  FERRY_TRY(readEnum(j, "spatial_as", kSpatial, o.spatialAs));
  FERRY_TRY(readEnum(j, "enum_as", kEnum, o.enumAs));
  FERRY_TRY(readEnum(j, "set_as", kSet, o.setAs));
  FERRY_TRY(readEnum(j, "json_as", kJson, o.jsonAs));
  FERRY_TRY(readEnum(j, "datetime_as", kDatetime, o.datetimeAs));
  FERRY_TRY(readString(j, "datetime_zone", o.datetimeZone));
  FERRY_TRY(readEnum(j, "time_as", kTime, o.timeAs));
  if (j.contains("transcode_charsets")) {
    if (!j.at("transcode_charsets").is_boolean()) return badValue("transcode_charsets", "expected true or false");
    o.transcodeCharsets = j.at("transcode_charsets").get<bool>();
  }
  FERRY_TRY(readEnum(j, "pg_text_as", kPgText, o.pgTextAs));
  if (j.contains("pg_text_varchar_length")) {
    const auto& v = j.at("pg_text_varchar_length");
    // 16383 characters is the most a utf8mb4 VARCHAR can declare (65535-byte row limit / 4).
    if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > 16383) {
      return badValue("pg_text_varchar_length", "expected an integer from 1 to 16383");
    }
    o.pgTextVarcharLength = v.get<int>();
  }
  FERRY_TRY(readEnum(j, "interval_as", kInterval, o.intervalAs));
  return o;
}

}  // namespace ferry::typemap

#include "typemap/mapping_options.h"

#include <array>
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

}  // namespace

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

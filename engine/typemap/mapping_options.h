#pragma once
/// MappingOptions: the choices a DBA makes once per project about how types map
/// where more than one answer is reasonable. Persisted in the project file under
/// snake_case keys (docs/typemap.md lists them); every default keeps every value.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "model/catalog.h"

namespace ferry::typemap {

/// MySQL TINYINT(1): the conventional boolean, but it can hold -128..127.
enum class Tinyint1As { Boolean, Smallint };
/// MySQL zero and partial dates ('0000-00-00', '2024-00-15') have no PostgreSQL form.
enum class ZeroDateAs { Null, Sentinel };
/// MySQL BIGINT UNSIGNED reaches 2^64-1, beyond PostgreSQL bigint.
enum class UnsignedBigintAs { Numeric, BigintWithCheck };
/// MySQL BIGINT UNSIGNED AUTO_INCREMENT (the usual key of Laravel and most frameworks):
/// a bigint identity (PostgreSQL identities must be smallint, integer or bigint), or
/// numeric(20,0) fed by a sequence, which keeps values above 2^63-1 already written.
enum class UnsignedIdentityAs { Bigint, NumericSequence };
/// MySQL spatial types on PostgreSQL: PostGIS geometry (when the target has it or
/// can create it), the built-in point/path/polygon where exact (else WKB), WKB
/// bytes, or EWKT text. Auto: PostGIS unless the target cannot have it, then native.
enum class SpatialAs { Auto, Postgis, Native, Wkb, Wkt };
/// MySQL ENUM: a PostgreSQL enum type keeps the order; text + CHECK is easier to alter.
enum class EnumAs { EnumType, TextWithCheck };
/// MySQL SET: an array keeps membership queryable; text keeps the 'a,b' form.
enum class SetAs { TextArray, Text };
/// MySQL JSON to PostgreSQL: jsonb (indexable, normalised) or json (text kept verbatim).
enum class JsonAs { Jsonb, Json };
/// MySQL DATETIME: a zone-less timestamp, or timestamptz read in a stated zone.
enum class DatetimeAs { Timestamp, Timestamptz };
/// MySQL TIME is a duration (-838:59:59..838:59:59): interval holds it all, time does not.
enum class TimeAs { Interval, Time };
/// PostgreSQL text (and varchar without a length) on MySQL targets.
enum class PgTextAs { LongText, Varchar };
/// PostgreSQL interval on MySQL targets: its text, or TIME (only ±838:59:59, no months).
enum class IntervalAs { Varchar, Time };

struct MappingOptions {
  // MySQL/MariaDB → PostgreSQL
  Tinyint1As tinyint1As = Tinyint1As::Boolean;               ///< key "tinyint1_as": "boolean" | "smallint"
  ZeroDateAs zeroDateAs = ZeroDateAs::Null;                  ///< key "zero_dates_as": "null" | "sentinel"
  std::string zeroDateSentinel = "0001-01-01";               ///< key "zero_date_sentinel" (a date, YYYY-MM-DD)
  UnsignedBigintAs unsignedBigintAs = UnsignedBigintAs::Numeric;  ///< key "unsigned_bigint_as": "numeric" | "bigint_check"
  /// key "unsigned_bigint_identity_as": "bigint" | "numeric_sequence"; also the columns
  /// whose foreign keys reference such a key
  UnsignedIdentityAs unsignedIdentityAs = UnsignedIdentityAs::Bigint;
  SpatialAs spatialAs = SpatialAs::Auto;  ///< key "spatial_as": "auto" | "postgis" | "native" | "wkb" | "wkt"
  EnumAs enumAs = EnumAs::EnumType;                          ///< key "enum_as": "enum_type" | "text_check"
  SetAs setAs = SetAs::TextArray;                            ///< key "set_as": "text_array" | "text"
  JsonAs jsonAs = JsonAs::Jsonb;                             ///< key "json_as": "jsonb" | "json"
  DatetimeAs datetimeAs = DatetimeAs::Timestamp;             ///< key "datetime_as": "timestamp" | "timestamptz"
  /// Zone DATETIME values are read in when datetimeAs is Timestamptz: "UTC", "+02:00" or an IANA name.
  std::string datetimeZone = "UTC";                          ///< key "datetime_zone"
  TimeAs timeAs = TimeAs::Interval;                          ///< key "time_as": "interval" | "time"
  /// Non-UTF-8 MySQL strings are transcoded by the server to UTF-8; off keeps their bytes in bytea.
  bool transcodeCharsets = true;                             ///< key "transcode_charsets"

  // PostgreSQL → MySQL/MariaDB
  PgTextAs pgTextAs = PgTextAs::LongText;                    ///< key "pg_text_as": "longtext" | "varchar"
  /// Length used when pgTextAs is Varchar (characters; 255 keeps a full index key).
  int pgTextVarcharLength = 255;                             ///< key "pg_text_varchar_length"
  IntervalAs intervalAs = IntervalAs::Varchar;               ///< key "interval_as": "varchar" | "time"

  nlohmann::json toJson() const;
  /// Reads the keys above; unknown keys are ignored (newer project files), a bad
  /// value is a Usage error naming the key.
  static core::Result<MappingOptions> fromJson(const nlohmann::json& j);

  bool operator==(const MappingOptions&) const = default;
};

/// How an option's value is written: one of a few names, true/false, free
/// text checked by the engine, or a whole number in a range.
enum class OptionKind { Choice, Boolean, Text, Integer };

/// The engine pair whose mapping reads an option (the others ignore it).
enum class OptionPair { MySqlToPostgres, PostgresToMySql };

/// One mapping option as a user sees it: the key of the project file, the
/// values it accepts, its default and what it is for. The list is the one
/// place the workbench takes keys, values and descriptions from.
struct OptionInfo {
  std::string key;
  OptionKind kind = OptionKind::Choice;
  OptionPair pair = OptionPair::MySqlToPostgres;
  std::vector<std::string> values;  ///< Choice: accepted names, default first; Boolean: "true", "false"
  std::string defaultValue;         ///< as text: "boolean", "true", "UTC", "255"
  int minimum = 0;                  ///< Integer only
  int maximum = 0;                  ///< Integer only
  std::string subject;              ///< the source type it decides about, e.g. "MySQL TINYINT(1)"
  std::string description;          ///< one or two sentences: the choice and what each value means
  /// Set when the option matters only under another's value, e.g. {"zero_dates_as", "sentinel"}.
  std::string dependsOnKey;
  std::string dependsOnValue;

  /// True when mapping `source` to `target` reads this option.
  bool appliesTo(model::Engine source, model::Engine target) const;
};

/// Every option of MappingOptions, in the order docs/typemap.md lists them.
const std::vector<OptionInfo>& optionInfos();
/// The option named `key`; null for an unknown key.
const OptionInfo* findOptionInfo(std::string_view key);

/// Checks one value for one option the way a project file is read (the same
/// Usage error naming the key), and also rejects a `datetime_zone` that can be
/// neither "UTC", an offset (+02:00) nor a zone name (Europe/Berlin): the copy
/// would only fail on it later, on the target server.
core::Status checkOption(const std::string& key, const nlohmann::json& value);

}  // namespace ferry::typemap

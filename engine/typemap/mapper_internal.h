#pragma once
// Helpers shared by the per-engine-pair mapping files. Not installed, not public.

#include <optional>
#include <string>
#include <string_view>

#include "typemap/type_mapper.h"

namespace ferry::typemap::detail {

/// Adds a finding to the mapping (severity is recomputed by finish()).
void addFinding(ColumnMapping& m, std::string code, Severity severity, std::string message, std::string action);
/// Records that a MappingOptions key shaped the mapping (once).
void addOption(ColumnMapping& m, const char* key);

/// "orders.status": how messages name a column.
std::string who(const model::Table& t, const model::Column& c);

std::string quoteIdent(model::Engine target, std::string_view name);
/// A string literal for the target ('' doubled; MySQL also doubles backslashes).
std::string quoteLiteral(model::Engine target, std::string_view value);
std::string quoteQualified(model::Engine target, std::string_view schema, std::string_view name);

/// A source column default, classified so that each target can render it.
struct SourceDefault {
  enum class Kind { None, Null, String, Number, Boolean, Bit, CurrentTimestamp, CurrentDate, CurrentTime,
                    Sequence, Uuid, Expression };
  Kind kind = Kind::None;
  std::string text;              ///< unquoted string, number text, "true"/"false", bits, sequence name or raw expression
  std::optional<int> precision;  ///< CURRENT_TIMESTAMP(n)
};
SourceDefault parseMySqlDefault(model::Engine source, const model::Column& c);
SourceDefault parsePgDefault(std::string_view expr);

/// Facets of a PostgreSQL type text such as a domain's base type "numeric(10,2)".
model::DataType parsePgTypeText(const std::string& text);

bool isMySqlIntegerBase(const std::string& base);
bool isZeroDateText(std::string_view s);

void mapMySqlToPg(const MappingContext& ctx, const model::Table& t, const model::Column& c, const ColumnRole& role,
                  ColumnMapping& m);
void mapPgToMySql(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m);
void mapPgToPg(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m);
void mapMySqlToMySql(const MappingContext& ctx, const model::Table& t, const model::Column& c, ColumnMapping& m);


}  // namespace ferry::typemap::detail

namespace ferry::typemap::detail {

/// Renders the source default for the target into m.defaultExpr, running literals
/// through the column's value converter; adds DEFAULT_* findings where it cannot.
void translateDefault(const MappingContext& ctx, const model::Table& t, const model::Column& c,
                      const SourceDefault& d, ColumnMapping& m);

}  // namespace ferry::typemap::detail

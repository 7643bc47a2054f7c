#pragma once
/// Value converters: turn one value's TEXT form as the source prints it (MySQL text
/// protocol, PostgreSQL text output) into the text the target accepts as input.
/// Copy and CDC call convertValue() for every value of a column whose mapping names
/// a converter other than Identity. A value that cannot be represented is an error,
/// never silently changed.

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "typemap/conversion.h"

namespace ferry::typemap {

/// NULL (nullopt) stays NULL. A value that cannot be converted is an Error of kind
/// Data with a one-line reason ("value 18446744073709551615 exceeds bigint"). The
/// result may be NULL for a non-NULL source (zero dates under zero_dates_as=null).
core::Result<std::optional<std::string>> convertValue(ConversionId id, std::optional<std::string_view> sourceText,
                                                      const ConversionContext& ctx);

}  // namespace ferry::typemap

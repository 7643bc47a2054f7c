#pragma once
// Converters shared between value_converter.cpp and value_converter_temporal.cpp.

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "typemap/conversion.h"

namespace ferry::typemap::detail {

using Converted = core::Result<std::optional<std::string>>;

core::Error dataError(std::string message);

Converted convertTemporal(ConversionId id, std::string_view s, const ConversionContext& ctx);

}  // namespace ferry::typemap::detail

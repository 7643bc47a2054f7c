#pragma once
// Private to engine/cutover: the fences behind makeFence().

#include "cutover/fence.h"

namespace ferry::cutover {

core::Result<std::unique_ptr<Fence>> makePgBouncerFence(const FenceOptions& options, const FenceScope& scope,
                                                        const nlohmann::json& record);
core::Result<std::unique_ptr<Fence>> makePgReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                         const nlohmann::json& record);
core::Result<std::unique_ptr<Fence>> makeMariaDbReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                              const nlohmann::json& record);

}  // namespace ferry::cutover

#pragma once
// Private to engine/cutover: the fences behind makeFence().

#include "cutover/fence.h"

namespace ferry::connect {
class PgConnection;
class MySqlConnection;
}  // namespace ferry::connect

namespace ferry::cutover {

/// openWriters() on a connection the fence keeps (no login inside the pause).
core::Result<std::vector<std::string>> openWriters(connect::PgConnection& c, bool end);
core::Result<std::vector<std::string>> openWriters(connect::MySqlConnection& c, bool end);

core::Result<std::unique_ptr<Fence>> makePgBouncerFence(const FenceOptions& options, const FenceScope& scope,
                                                        const nlohmann::json& record);
core::Result<std::unique_ptr<Fence>> makePgReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                         const nlohmann::json& record);
core::Result<std::unique_ptr<Fence>> makeMariaDbReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                              const nlohmann::json& record);

}  // namespace ferry::cutover

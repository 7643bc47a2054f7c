#pragma once
// Private to engine/cutover: the fences behind makeFence().

#include "cutover/fence.h"

namespace ferry::connect {
class PgConnection;
class MySqlConnection;
}  // namespace ferry::connect

namespace ferry::cutover {

/// Sessions other than Ferry's own (its user) that hold a write transaction
/// now ("pid 123 (app@10.0.0.5, in a transaction for 3 s)"), and with `end`
/// ends them (their writes roll back: never acknowledged, nothing lost). On a
/// connection the fence keeps (no login inside the pause).
core::Result<std::vector<std::string>> openWriters(connect::PgConnection& c, bool end);
core::Result<std::vector<std::string>> openWriters(connect::MySqlConnection& c, bool end);
/// Ends the sessions holding a write transaction (openWriters(c, true)), each
/// logged; `passes` times, 5 ms apart (a statement that passed its privilege
/// check just before the fence takes its transaction id a moment later).
core::Status endWriters(connect::PgConnection& c, int passes = 2);
core::Status endWriters(connect::MySqlConnection& c, int passes = 2);

core::Result<std::unique_ptr<Fence>> makePgBouncerFence(const FenceOptions& options, const FenceScope& scope,
                                                        const nlohmann::json& record);
core::Result<std::unique_ptr<Fence>> makePgReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                         const nlohmann::json& record);
core::Result<std::unique_ptr<Fence>> makeMariaDbReadOnlyFence(const FenceOptions& options, const FenceScope& scope,
                                                              const nlohmann::json& record);

}  // namespace ferry::cutover

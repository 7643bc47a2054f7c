#pragma once
// Private to engine/cdc: the per-engine constructors behind openApplyTarget().

#include "cdc/apply_target.h"

namespace ferry::cdc {

core::Result<std::unique_ptr<ApplyTarget>> openPgApplyTarget(const connect::ConnectionSpec& target,
                                                             const ApplyTargetOptions& options);
core::Result<std::unique_ptr<ApplyTarget>> openMySqlApplyTarget(const connect::ConnectionSpec& target,
                                                                const ApplyTargetOptions& options);

}  // namespace ferry::cdc

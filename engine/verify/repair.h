#pragma once
/// Repair: makes the target's differing rows equal to the source's again, and
/// nothing else. Rows extra on the target are deleted, missing rows are read
/// from the source, converted exactly as the copy converts them and inserted,
/// changed rows are deleted and inserted again — one transaction per batch of
/// keys. A chunk with more differences than were listed is re-copied whole;
/// a keyless table is re-copied whole (its rows cannot be addressed one by one).

#include <cstdint>
#include <vector>

#include "verify/chunk_compare.h"

namespace ferry::verify {

struct RepairCounts {
  std::int64_t deleted = 0;
  std::int64_t inserted = 0;
  std::int64_t rejected = 0;  ///< source values the converter refuses (as in the copy)
};

/// Session settings for repairing: no FK checks while a changed parent row is
/// deleted and inserted again (the end state is the source's, which satisfied them).
core::Status prepareRepairSession(const SideConnection& target);

core::Result<RepairCounts> repairRows(const VerifyJob& job, const std::vector<Difference>& differences,
                                      CompareContext& ctx);
/// Deletes the chunk's key range on the target and copies it again from the source.
core::Result<RepairCounts> repairChunk(const VerifyJob& job, const plan::Chunk& chunk, CompareContext& ctx);
/// Keyless table: every target row deleted, every source row copied again.
core::Result<RepairCounts> repairWholeTable(const VerifyJob& job, CompareContext& ctx);

}  // namespace ferry::verify

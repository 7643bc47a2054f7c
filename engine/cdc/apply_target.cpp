#include "cdc/apply_target.h"

#include <algorithm>

namespace ferry::cdc {

bool batchableByKey(const RowOp& op) {
  if (op.wholeRowIdentity || op.whereColumns.empty()) return false;
  for (std::size_t i = 0; i < op.whereColumns.size(); ++i) {
    if (!op.whereValues[i]) return false;
    for (std::size_t k = 0; k < op.setColumns.size(); ++k) {
      if (op.setColumns[k] == op.whereColumns[i] && op.setValues[k] != op.whereValues[i]) return false;  // a key change
    }
  }
  return true;
}

bool RowOp::goesAlone() const {
  if (std::find(setBytes.begin(), setBytes.end(), true) != setBytes.end()) return true;
  const auto huge = [](const std::optional<std::string>& v) { return v && v->size() >= copy::kHugeValueBytes; };
  return std::any_of(setValues.begin(), setValues.end(), huge) ||
         std::any_of(whereValues.begin(), whereValues.end(), huge);
}

std::vector<std::size_t> nonKeySets(const RowOp& op) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < op.setColumns.size(); ++k) {
    if (std::find(op.whereColumns.begin(), op.whereColumns.end(), op.setColumns[k]) == op.whereColumns.end()) {
      out.push_back(k);
    }
  }
  return out;
}

std::string applyOrigin(const std::string& runId) { return "ferry_" + runId.substr(0, 12); }

std::uint32_t migrationServerId(const std::string& migrationId) {
  std::uint32_t h = 2166136261u;  // FNV-1a
  for (unsigned char c : migrationId) h = (h ^ c) * 16777619u;
  return 0x50000000u | (h & 0x0fffffffu);
}

bool isFerryOrigin(const std::string& originName) { return originName.rfind("ferry_", 0) == 0; }

}  // namespace ferry::cdc

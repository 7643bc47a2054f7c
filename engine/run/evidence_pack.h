#pragma once
/// The evidence pack (`ferry report`, the workbench's Report page): one
/// self-contained HTML page a consultant can send for sign-off — source and
/// target (no credentials), the assessment's summary with every finding that
/// needed a decision and every override, the copy, the last verification and
/// the position it holds for, the lag history as a chart, every rehearsal and
/// cutover with step timings, pauses and the canary verdict, and the state of
/// the way back. Read from the run state; the assessment needs the source.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "connect/connection_spec.h"
#include "core/result.h"
#include "plan/project.h"

namespace ferry::run {

struct EvidenceRequest {
  std::string statePath;
  /// For the assessment (read again from the source's catalog); none: the
  /// pack says the assessment was not available.
  std::optional<connect::ConnectionSpec> source;
  std::optional<connect::ConnectionSpec> target;
  plan::Project project;
  std::string toolVersion = "ferry";
};

core::Result<std::string> evidencePackHtml(const EvidenceRequest& request);

/// What the Plan page shows of a run, from the same run state: the copy
/// (tables, rows, bytes, from and to), the sync's last saved progress, the last
/// verification, the cutover record, the rehearsal history (and its pauses'
/// p50 and max), the cutovers and rollbacks.
core::Result<nlohmann::json> planSummary(const std::string& statePath);

}  // namespace ferry::run

#pragma once
/// Runs an assessment against live servers: reads the source catalog, learns the
/// target's version when a target URL is given, and maps everything.

#include <optional>

#include "assess/assessment.h"
#include "assess/data_scan.h"
#include "assess/schema_diff.h"
#include "connect/connection_spec.h"
#include "core/result.h"
#include "plan/project.h"
#include "run/session.h"

namespace ferry::run {

struct AssessRequest {
  connect::ConnectionSpec source;
  std::optional<connect::ConnectionSpec> target;  ///< a real target server…
  model::Engine targetEngine = model::Engine::PostgreSQL;  ///< …or just its engine
  plan::Project project;
  std::vector<std::string> schemas;  ///< source schemas (empty: the project's, else all)
  /// Count the rows each lossy finding affects (`--scan-data`); costs a pass over the source tables.
  bool scanData = false;
  assess::ScanOptions scan;  ///< sample threshold of the data scan
};

core::Result<assess::Assessment> runAssessment(const AssessRequest& request, const OpenOptions& options = {});

/// The source catalog and its assessment, read once: what the copy and the
/// verifier both plan from.
struct AssessedSource {
  model::Catalog catalog;
  assess::Assessment assessment;
  std::optional<ServerInfo> sourceServer;  ///< read when request.target is given
  std::optional<ServerInfo> targetServer;  ///< likewise
};
core::Result<AssessedSource> assessSource(const AssessRequest& request, const OpenOptions& options = {});

/// What the assessment needs to know of a target server: engine, version, the
/// database its URL names.
assess::TargetSpec targetSpecOf(const ServerInfo& target);

/// Refuses a run that would write into what it reads: the same server (by
/// identity, not URL) and a target schema/database that is one of the source
/// schemas being copied (on PostgreSQL, in the same database).
core::Status refuseCopyOntoSource(const AssessedSource& assessed);

/// True when `patterns` is empty or one of its globs matches `label` ("schema.table").
bool tableSelected(const std::vector<std::string>& patterns, const std::string& label);
/// The workers of a run: `requested`, or the number of cores when it is 0.
int workerCount(int requested);

struct SchemaDiffResult {
  assess::Assessment assessment;
  assess::SchemaDiff diff;
};

/// Assesses, then reads the target's catalog and compares; needs request.target.
core::Result<SchemaDiffResult> runSchemaDiff(const AssessRequest& request, const OpenOptions& options = {});

}  // namespace ferry::run

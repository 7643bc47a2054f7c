#pragma once
/// Runs the data scan (`--scan-data`): executes the queries engine/assess/data_scan
/// builds on one source connection inside one read-only snapshot, so every count
/// refers to the same moment, and fills ColumnAssessment::scan.

#include "assess/assessment.h"
#include "assess/data_scan.h"
#include "connect/connection_spec.h"
#include "core/result.h"
#include "model/catalog.h"
#include "run/session.h"

namespace ferry::run {

/// Scans the source tables of `catalog` that have lossy columns in `assessment`,
/// sets each scanned column's `scan` and `assessment.scanned`. Errors carry the
/// table they happened on.
core::Status scanSourceData(const connect::ConnectionSpec& source, const model::Catalog& catalog,
                            assess::Assessment& assessment, const assess::ScanOptions& scanOptions = {},
                            const OpenOptions& options = {});

}  // namespace ferry::run

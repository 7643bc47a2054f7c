// Inside the cutover's pause, after the drain: the rows whose keys the stream
// changed since the last verification, compared on both sides (docs/cutover.md).

#include <algorithm>

#include "core/log.h"
#include "cutover/canary.h"
#include "run/assessment_run.h"
#include "run/cutover_support.h"
#include "run/verify_run.h"
#include "run/verify_support.h"
#include "verify/verify_job.h"

namespace ferry::run {

using core::Error;
using core::ErrorKind;
using Clock = std::chrono::steady_clock;

struct ChangedRowsChecker::Impl {
  std::map<std::string, verify::VerifyJob> jobs;  // by source schema.table
  VerifyWorker worker;
  std::string verifiedAt;  // the last verification's position ("" none)
};

ChangedRowsChecker::ChangedRowsChecker() : m_impl(std::make_unique<Impl>()) {}
ChangedRowsChecker::~ChangedRowsChecker() = default;

const std::string& ChangedRowsChecker::verifiedAt() const { return m_impl->verifiedAt; }

core::Result<std::unique_ptr<ChangedRowsChecker>> ChangedRowsChecker::open(const CutoverRequest& req) {
  auto checker = std::unique_ptr<ChangedRowsChecker>(new ChangedRowsChecker());
  Impl& im = *checker->m_impl;
  AssessRequest areq;
  areq.source = req.source;
  areq.target = req.target;
  areq.project = req.project;
  auto assessed = assessSource(areq);
  if (!assessed) return std::move(assessed).error().context("reading the tables to check after the drain");
  auto built = verify::buildVerifyJobs(assessed->catalog, assessed->assessment);
  if (!built) return std::move(built).error();
  for (auto& job : *built) {
    const std::string label = job.label();
    im.jobs.emplace(label, std::move(job));
  }
  FERRY_TRY(openWorker(req.source, req.target, im.worker));
  auto last = lastVerification(req.options.statePath);
  if (last && *last) {
    im.verifiedAt = (*last)->asOf;
  }
  return checker;
}

core::Result<ChangedRowsCheck> ChangedRowsChecker::check(const ChangedKeySet& keys, Clock::time_point deadline,
                                                         std::stop_token stop) {
  Impl& im = *m_impl;
  ChangedRowsCheck r;
  r.since = keys.since;
  r.complete = keys.complete;
  r.note = keys.reason;
  r.changed = keys.count();
  verify::CompareContext ctx = im.worker.context(verify::HashMode::Client, nullptr, stop);
  ctx.maxDifferences = 20;
  // Small batches: the time box is looked at between them (under load one can take a while).
  constexpr std::size_t kBatch = 100;
  bool timeBoxed = false;
  // Each query may take only what is left of the time box: a server that
  // stalls (seen under load) cancels it instead of stretching the pause.
  auto boxQueries = [&](std::int64_t ms) -> core::Status {  // 0: no limit
    for (const verify::SideConnection& side : {ctx.source, ctx.target}) {
      if (side.pg) FERRY_TRY(side.pg->exec("SET statement_timeout = " + std::to_string(ms)));
      if (side.my) FERRY_TRY(side.my->exec("SET SESSION max_statement_time = " + std::to_string(static_cast<double>(ms) / 1000.0)));
    }
    return {};
  };
  auto cancelledByBox = [](const core::Error& e) {
    return e.sqlState() == "57014" || e.vendorCode() == 1969 || e.vendorCode() == 3024;
  };
  // The canary's rows are Ferry's own; its verdict (every acknowledged write
  // on the new primary) covers them, and the box's time goes to the
  // application's rows.
  const std::string canarySuffix = std::string(".") + cutover::kCanaryTable;
  for (const auto& [table, list] : keys.keys) {
    if (timeBoxed) break;
    const auto job = im.jobs.find(table);
    if (job == im.jobs.end() || job->second.keyless() || table.ends_with(canarySuffix)) {
      r.notCompared += static_cast<std::int64_t>(list.size());
      continue;
    }
    for (std::size_t at = 0; at < list.size() && !timeBoxed; at += kBatch) {
      if (Clock::now() >= deadline) {
        timeBoxed = true;
        break;
      }
      const std::vector<std::vector<std::string>> batch(
          list.begin() + static_cast<std::ptrdiff_t>(at),
          list.begin() + static_cast<std::ptrdiff_t>(std::min(list.size(), at + kBatch)));
      FERRY_TRY(boxQueries(std::max<std::int64_t>(
          1, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count())));
      auto out = verify::compareKeys(job->second, batch, ctx);
      if (!out && cancelledByBox(out.error())) {
        timeBoxed = true;
        break;
      }
      if (!out) return std::move(out).error().context("comparing the changed rows of " + table);
      r.checked += static_cast<std::int64_t>(batch.size());
      for (const auto& d : out->differences) {
        r.differences.push_back(table + " " + d.key + ": " + verify::diffKindName(d.kind) + " on the target");
      }
      r.differenceCount += static_cast<std::int64_t>(out->differences.size()) + out->moreDifferences;
    }
  }
  (void)boxQueries(0);  // a connection a cancel broke is not used again
  if (timeBoxed) {
    r.note = (r.note.empty() ? "" : r.note + "; ") + "the time box ended the check after " +
             std::to_string(r.checked) + " of " + std::to_string(r.changed) + " key(s) (the newest first)";
  }
  return r;
}

nlohmann::json changedRowsCheckJson(const ChangedRowsCheck& c) {
  return {{"since", c.since},         {"complete", c.complete},       {"changed", c.changed},
          {"checked", c.checked},     {"not_compared", c.notCompared}, {"differences", c.differenceCount},
          {"listed", c.differences}, {"note", c.note}};
}

}  // namespace ferry::run

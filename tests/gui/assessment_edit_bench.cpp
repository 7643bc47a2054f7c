// Benchmark, not a test (bench/assess-edit runs it; nothing here is asserted):
// how long one re-evaluation of the Assessment page takes on the 2,000-table
// catalog that bench/introspect creates (database ferry_bench_catalog on both
// sandbox servers), and how long the GUI thread is blocked while an edit is
// re-evaluated. Both directions, each with the other server's copy of the
// catalog as the existing target, so the schema diff is part of the work.
//
// Printed per direction:
//   evaluate   best of 3 of evaluateAssessment (mapping + DDL + diff) alone
//   edit       per column override: the time until the new evaluation is shown,
//              and the longest gap a 10 ms timer saw meanwhile (the GUI thread
//              blocked for that long at least once)

#include <QApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QTimer>

#include <cstdio>
#include <memory>

#include "gui_test_support.h"
#include "app/assessment/assessment_evaluation.h"
#include "app/assessment/assessment_page.h"
#include "app/bridge/engine_bridge.h"
#include "app/connections/connection_editor.h"
#include "app/main_window.h"
#include "connect/connection_spec.h"

using ferry::app::AssessmentPage;
using ferry::app::MainWindow;

namespace {

constexpr const char* kDatabase = "ferry_bench_catalog";
// Reading 2,000 tables twice (source and target) takes seconds; 10 minutes only guards a hung server.
constexpr int kTimeoutMs = 600000;

struct Direction {
  const char* name;
  QString sourceUrl;
  QString targetUrl;
  const char* sourceSchema;  ///< the catalog's schema on the source
  const char* targetSchema;  ///< where the same tables are on the target
};

ferry::connect::ConnectionSpec specOf(const QString& url) {
  auto spec = ferry::connect::ConnectionSpec::parse(url.toStdString());
  if (!spec) qFatal("bad URL %s", qPrintable(url));
  spec->database = kDatabase;
  return *spec;
}

/// Runs `trigger`, then the event loop until `done()`, with a 10 ms timer
/// ticking; returns the longest gap between two ticks (including a trigger or
/// a slot that blocks: one more tick is awaited after `done()`).
qint64 waitMeasuringGaps(const std::function<void()>& trigger, const std::function<bool()>& done, qint64* elapsedMs) {
  QElapsedTimer clock;
  qint64 last = 0;
  qint64 maxGap = 0;
  QTimer ticker;
  ticker.setInterval(10);
  QObject::connect(&ticker, &QTimer::timeout, [&] {
    const qint64 now = clock.elapsed();
    maxGap = qMax(maxGap, now - last);
    last = now;
  });
  clock.start();
  ticker.start();
  if (trigger) trigger();
  while (!done() && clock.elapsed() < kTimeoutMs) QTest::qWait(5);
  if (elapsedMs) *elapsedMs = clock.elapsed();
  QTest::qWait(30);  // the tick after a blocking slot records its gap
  return maxGap;
}

void benchDirection(const Direction& d) {
  std::printf("== %s (%s.* → existing %s.*)\n", d.name, d.sourceSchema, d.targetSchema);
  ferry::plan::Project project;
  project.schemaMap[d.sourceSchema] = d.targetSchema;

  // 1. evaluateAssessment alone, on catalogs read once through the bridge.
  ferry::app::EngineBridge bridge;
  ferry::app::AssessmentRequest request;
  request.source = specOf(d.sourceUrl);
  request.target = specOf(d.targetUrl);
  request.project = project;
  std::optional<ferry::app::AssessmentOutcome> outcome;
  QObject::connect(&bridge, &ferry::app::EngineBridge::assessmentFinished, &bridge,
                   [&](quint64, const ferry::app::AssessmentOutcome& o) { outcome = o; });
  bridge.runAssessment(request);
  QElapsedTimer clock;
  clock.start();
  while (!outcome && clock.elapsed() < kTimeoutMs) QTest::qWait(20);
  if (!outcome || outcome->error) qFatal("assessment failed: %s", outcome ? outcome->error->oneLine().c_str() : "timeout");
  const auto& eval = *outcome->evaluation;
  std::printf("catalog: %zu columns, %zu target tables, %zu diff entries\n", eval.assessment.columns.size(),
              eval.assessment.target.tables.size(), eval.diff ? eval.diff->entries.size() : 0U);
  qint64 best = -1;
  for (int i = 0; i < 3; ++i) {
    clock.restart();
    auto again = ferry::app::evaluateAssessment(*outcome->source, outcome->targetSpec, project, outcome->target.get());
    const qint64 ms = clock.elapsed();
    if (!again) qFatal("evaluation failed");
    if (best < 0 || ms < best) best = ms;
  }
  std::printf("evaluate: %lld ms (best of 3; mapping, DDL and diff)\n", static_cast<long long>(best));

  // 2. The page: run once, then edit column overrides and watch the event loop.
  MainWindow window;
  window.resize(1400, 900);
  window.show();
  if (!QTest::qWaitForWindowExposed(&window)) qFatal("window not exposed");
  window.sourceEditor()->setSpec(specOf(d.sourceUrl));
  window.targetEditor()->setSpec(specOf(d.targetUrl));
  window.showPage(QStringLiteral("assessment"));
  AssessmentPage* page = window.assessmentPage();
  page->setProject(project);
  qint64 runMs = 0;
  const qint64 runGap = waitMeasuringGaps([&] { page->runAssessment(); }, [&] { return !page->isRunning(); }, &runMs);
  if (!page->evaluation()) qFatal("the page's assessment failed");
  std::printf("page run: %lld ms, longest event-loop gap %lld ms\n", static_cast<long long>(runMs),
              static_cast<long long>(runGap));

  for (int i = 1; i <= 4; ++i) {
    ferry::plan::ColumnOverride o;
    o.schema = d.sourceSchema;
    o.table = "t" + std::to_string(i);
    o.column = "c1";
    o.targetType = i % 2 ? "bigint" : "smallint";
    const auto before = page->evaluation();
    qint64 callMs = 0;
    qint64 shownMs = 0;
    const qint64 gap = waitMeasuringGaps(
        [&] {
          QElapsedTimer call;
          call.start();
          QString error;
          if (!page->applyOverride(o, &error)) qFatal("override refused: %s", qPrintable(error));
          callMs = call.elapsed();
        },
        [&] { return page->evaluation() != before && !page->isRunning(); }, &shownMs);
    std::printf("edit %d: shown after %lld ms; applyOverride() returned after %lld ms; longest event-loop gap %lld ms\n",
                i, static_cast<long long>(shownMs), static_cast<long long>(callMs), static_cast<long long>(gap));
  }
  window.newProject();  // nothing to save on close
}

}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  const auto sandbox = ferry::guitest::loadSandbox();
  if (sandbox.mysqlUrl.isEmpty() || sandbox.pgUrl.isEmpty()) {
    std::fprintf(stderr, "%s\n", ferry::guitest::sandboxHint());
    return 2;
  }
  benchDirection({"MariaDB → PostgreSQL", sandbox.mysqlUrl, sandbox.pgUrl, kDatabase, "public"});
  benchDirection({"PostgreSQL → MariaDB", sandbox.pgUrl, sandbox.mysqlUrl, "public", kDatabase});
  return 0;
}

#pragma once
// The change-stream suite's fixture (sync_test.cpp, sync_schema_test.cpp): a
// PostgreSQL source with a parent/child pair (cascades, a trigger), a keyless
// REPLICA IDENTITY FULL table, and the helpers that copy it keeping the slot,
// sync it until caught up and verify it.

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "core/text.h"
#include "run/copy_run.h"
#include "run/sync_run.h"
#include "support/test_support.h"
#include "sync_test_support.h"

namespace ferry::synctest {

inline constexpr const char* kSource = "ferry_t_sync_src";
inline constexpr const char* kPgTarget = "ferry_t_sync_dst";
inline constexpr const char* kMyTarget = "ferry_t_sync_dst";

inline std::string statePath(const std::string& name) { return test::freshStatePath("ferry-sync-test-" + name); }

inline std::string src(const std::string& sql) { return core::trim(test::psql(kSource, sql)); }

inline core::Result<run::CopySummary> copyKeepingSlot(const connect::ConnectionSpec& target, const std::string& state) {
  run::CopyRequest req;
  req.source = test::pgSpec(kSource);
  req.target = target;
  req.options.statePath = state;
  req.options.jobs = 2;
  req.options.keepSlot = true;
  run::CopyRun run(req);
  return run.run({});
}

/// `ferry sync --until caught-up` from the source to `target`, with `adjust`
/// changing the options (the DDL and TRUNCATE policies, …); why it stopped goes to `reason`.
inline core::Result<run::SyncSummary> syncUntilCaughtUp(const connect::ConnectionSpec& target, const std::string& state,
                                                        const std::function<void(run::SyncOptions&)>& adjust,
                                                        run::SyncRun::StopReason* reason = nullptr) {
  run::SyncRequest req;
  req.source = test::pgSpec(kSource);
  req.target = target;
  req.options.statePath = state;
  req.options.untilCaughtUp = true;
  req.options.heartbeatMs = 50;
  if (adjust) adjust(req.options);
  run::SyncRun sync(req);
  auto r = sync.run({});
  if (reason) *reason = sync.stopReason();
  return r;
}

inline core::Result<run::SyncSummary> syncUntilCaughtUp(const connect::ConnectionSpec& target, const std::string& state,
                                                        run::OnConflict onConflict = run::OnConflict::Stop,
                                                        run::SyncRun::StopReason* reason = nullptr) {
  return syncUntilCaughtUp(target, state, [&](run::SyncOptions& o) { o.onConflict = onConflict; }, reason);
}

inline std::string differencesOf(const connect::ConnectionSpec& target) { return test::verifyDifferences(kSource, target); }

class Sync : public ::testing::Test {
public:
  void SetUp() override {
    test::recreatePgDatabase(kSource);
    test::psql(kSource, R"SQL(
      CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL, score numeric(10,2), at timestamptz,
                           tags text[], doc jsonb, data bytea, big text);
      CREATE TABLE child (id bigint PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id) ON DELETE CASCADE ON UPDATE CASCADE,
                          note text);
      CREATE TABLE audit (id bigserial PRIMARY KEY, parent_id int, what text);
      CREATE FUNCTION log_parent() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO audit (parent_id, what) VALUES (NEW.id, TG_OP); RETURN NEW; END $$;
      CREATE TRIGGER parent_audit AFTER INSERT OR UPDATE ON parent FOR EACH ROW EXECUTE FUNCTION log_parent();
      CREATE TABLE keyless (a int, b text);
      ALTER TABLE keyless REPLICA IDENTITY FULL;
      INSERT INTO parent SELECT g, 'p' || g, g * 1.5, '2024-01-01 00:00:00+00'::timestamptz + g * interval '1 hour',
                                ARRAY['a', 'b' || g], jsonb_build_object('k', g), decode(md5(g::text), 'hex'), NULL
                         FROM generate_series(1, 2000) g;
      INSERT INTO child SELECT g, 1 + g % 2000, 'c' || g FROM generate_series(1, 4000) g;
      INSERT INTO keyless VALUES (1, 'x'), (1, 'x'), (2, 'y');
    )SQL");
  }

  // The kept slot holds WAL and trips other suites' "no slot left" checks: gone at the end.
  void TearDown() override {
    test::psql("postgres", std::string("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                                       "WHERE database = '") + kSource + "' AND NOT active");
  }

  /// Writes of every kind after the snapshot.
  static void writeAfterSnapshot() {
    test::psql(kSource, R"SQL(
      INSERT INTO parent (id, name, score, at, tags, doc, data, big)
        SELECT g, 'new' || g, -g, now(), ARRAY[g::text], '{"n": [1, 2]}', '\x00ff', NULL FROM generate_series(2001, 2500) g;
      UPDATE parent SET big = repeat('x', 1048576) WHERE id = 7;
      UPDATE parent SET name = 'renamed' WHERE id = 7;
      UPDATE parent SET id = 9007 WHERE id = 9;
      DELETE FROM parent WHERE id BETWEEN 100 AND 120;
      BEGIN; INSERT INTO parent (id, name) VALUES (5000, 'tx'); INSERT INTO child VALUES (90000, 5000, 'in tx');
             UPDATE child SET note = NULL WHERE id = 1; COMMIT;
      UPDATE keyless SET b = 'z' WHERE a = 2;
      DELETE FROM keyless WHERE ctid = (SELECT ctid FROM keyless WHERE a = 1 LIMIT 1);
      UPDATE parent SET score = score + 1 WHERE id BETWEEN 1 AND 300;
    )SQL");
  }
};

}  // namespace ferry::synctest

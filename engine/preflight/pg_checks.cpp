// Pre-flight checks for PostgreSQL sources and targets.

#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "preflight/check_builder.h"
#include "preflight/preflight.h"

namespace ferry::preflight {

using detail::Checks;
using detail::countNoun;
using detail::listSome;

namespace {

// The settings and counts logical replication depends on, in one round trip.
constexpr const char* kPgReplicationState = R"sql(
SELECT current_setting('wal_level') AS wal_level,
       current_setting('max_replication_slots')::int AS max_slots,
       (SELECT count(*) FROM pg_replication_slots) AS used_slots,
       current_setting('max_wal_senders')::int AS max_senders,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender') AS used_senders,
       r.rolname AS role_name, r.rolreplication AS can_replicate, r.rolsuper AS is_super
FROM pg_roles r WHERE r.rolname = current_user
)sql";

// User tables that logical replication cannot identify rows of (no primary key
// and replica identity DEFAULT with no key, or NOTHING).
constexpr const char* kPgTablesWithoutIdentity = R"sql(
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'
  AND (c.relreplident = 'n'
       OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
ORDER BY 1
)sql";

// What the change stream needs beyond the snapshot: the sender timeout, and the
// WAL that slots already hold (an abandoned slot keeps WAL until the disk fills).
constexpr const char* kPgStreamState = R"sql(
SELECT current_setting('wal_sender_timeout') AS sender_timeout,
       (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_sender_timeout') AS sender_timeout_ms,
       current_setting('max_slot_wal_keep_size') AS keep_size,
       coalesce((SELECT sum(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn))::bigint FROM pg_replication_slots
                 WHERE restart_lsn IS NOT NULL), 0) AS held_bytes,
       coalesce((SELECT sum(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn))::bigint FROM pg_replication_slots
                 WHERE restart_lsn IS NOT NULL AND NOT active), 0) AS inactive_held_bytes,
       (SELECT string_agg(slot_name, ', ' ORDER BY slot_name) FROM pg_replication_slots WHERE NOT active) AS inactive,
       has_function_privilege('pg_logical_emit_message(boolean, text, text)', 'EXECUTE') AS can_emit
)sql";

constexpr const char* kPgUnreadableTables = R"sql(
SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'
  AND NOT has_table_privilege(c.oid, 'SELECT')
ORDER BY 1
)sql";

constexpr const char* kPgPublicationRights = R"sql(
SELECT r.rolsuper AS is_super,
       has_database_privilege(current_database(), 'CREATE') AS can_create_in_db,
       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname !~ '^pg_' AND NOT pg_has_role(c.relowner, 'USAGE')) AS foreign_owned
FROM pg_roles r WHERE r.rolname = current_user
)sql";

constexpr const char* kPgTargetRights = R"sql(
SELECT has_database_privilege(current_database(), 'CREATE') AS can_create_schema,
       has_database_privilege(current_database(), 'TEMP') AS can_temp,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS is_super,
       current_database() AS db,
       current_user AS role_name
)sql";

std::vector<std::string> names(const connect::QueryResult& r) {
  std::vector<std::string> out;
  for (auto row : r) out.push_back(row.str("name"));
  return out;
}

}  // namespace

core::Result<std::vector<CheckResult>> checkPgSource(connect::PgConnection& conn) {
  Checks checks(Role::Source);
  checks.pass("server_version", "PostgreSQL version is supported", "PostgreSQL " + conn.serverVersion().text);

  auto state = conn.query(kPgReplicationState);
  if (!state) return std::move(state).error().context("reading replication settings");
  auto s = state->row(0);
  const std::string walLevel = s.str("wal_level");
  checks.expect(walLevel == "logical", "wal_level", "wal_level is logical", "wal_level = " + walLevel,
                "Set wal_level = logical in postgresql.conf (ALTER SYSTEM SET wal_level = logical) and restart the server.");
  const auto freeSlots = s.i64("max_slots") - s.i64("used_slots");
  checks.expect(freeSlots >= 1, "replication_slots", "a replication slot is free",
                std::to_string(freeSlots) + " of " + std::to_string(s.i64("max_slots")) + " slots free",
                "Raise max_replication_slots (e.g. to " + std::to_string(s.i64("max_slots") + 2) +
                    ") and restart, or drop unused slots (pg_drop_replication_slot).");
  const auto freeSenders = s.i64("max_senders") - s.i64("used_senders");
  checks.expect(freeSenders >= 1, "wal_senders", "a WAL sender is free",
                std::to_string(freeSenders) + " of " + std::to_string(s.i64("max_senders")) + " WAL senders free",
                "Raise max_wal_senders (e.g. to " + std::to_string(s.i64("max_senders") + 2) + ") and restart the server.");
  const bool canReplicate = s.boolean("can_replicate") || s.boolean("is_super");
  checks.expect(canReplicate, "replication_role", "the role may start replication",
                "role " + s.str("role_name") + (canReplicate ? " has REPLICATION" : " lacks REPLICATION"),
                "Run ALTER ROLE " + connect::PgConnection::quoteIdent(s.str("role_name")) + " REPLICATION as a superuser.");

  // The change stream (pgoutput with messages) needs PostgreSQL 14; copy and verify do not.
  const int major = conn.serverVersion().major;
  checks.expect(major >= 14, "stream_version", "the change stream is supported (PostgreSQL 14 or later)",
                "PostgreSQL " + conn.serverVersion().text,
                "Copy and verify work; ferry sync and migrate need PostgreSQL 14+ on the source (pgoutput's "
                "messages option carries the heartbeat that measures lag). Upgrade the source, or migrate without "
                "the stream in a maintenance window.",
                CheckStatus::Warn);
  auto stream = conn.query(kPgStreamState);
  if (!stream) return std::move(stream).error().context("reading the stream's settings");
  auto w = stream->row(0);
  const auto timeoutMs = w.i64("sender_timeout_ms");
  checks.expect(timeoutMs == 0 || timeoutMs >= 20000, "wal_sender_timeout",
                "wal_sender_timeout leaves room for the stream's status updates (every 10 s)",
                "wal_sender_timeout = " + w.str("sender_timeout") +
                    (timeoutMs == 0 ? " (off: a dead link keeps the slot busy until TCP gives up)" : ""),
                "Set wal_sender_timeout to 60s (the default) or more: below 20 s a busy apply may be cut off.",
                CheckStatus::Warn);
  const auto inactiveHeld = w.i64("inactive_held_bytes");
  const std::string keep = w.str("keep_size");
  checks.expect(inactiveHeld < (std::int64_t{1} << 30), "slot_wal",
                "replication slots do not hold much WAL",
                "slots hold " + core::humanBytes(w.i64("held_bytes")) + " of WAL (" +
                    core::humanBytes(inactiveHeld) + " by inactive slots" +
                    (w.isNull("inactive") ? std::string() : ": " + w.str("inactive")) + "); max_slot_wal_keep_size = " +
                    keep + (keep == "-1" ? " (unlimited: a stalled slot can fill the disk)" : ""),
                "Drop slots nobody uses (SELECT pg_drop_replication_slot(name)); an abandoned Ferry run's slot goes "
                "with ferry copy --abandon.",
                CheckStatus::Warn);
  checks.expect(w.boolean("can_emit"), "heartbeat", "the role may emit the stream's heartbeat",
                w.boolean("can_emit") ? "EXECUTE on pg_logical_emit_message" : "no EXECUTE on pg_logical_emit_message",
                "GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) TO " + s.str("role_name") +
                    "; without it lag is measured from commit times only and --until caught-up uses the WAL position.",
                CheckStatus::Warn);

  auto unreadable = conn.query(kPgUnreadableTables);
  if (!unreadable) return std::move(unreadable).error().context("checking table privileges");
  const auto noSelect = names(*unreadable);
  checks.expect(noSelect.empty(), "select_privilege", "every table is readable",
                noSelect.empty() ? "SELECT granted on all tables"
                                 : countNoun(noSelect.size(), "table") + " not readable: " + listSome(noSelect),
                "GRANT SELECT ON ALL TABLES IN SCHEMA <schema> TO " + s.str("role_name") + ".");

  auto noKey = conn.query(kPgTablesWithoutIdentity);
  if (!noKey) return std::move(noKey).error().context("looking for tables without a key");
  const auto keyless = names(*noKey);
  checks.expect(keyless.empty(), "replica_identity", "every table has a primary key or replica identity",
                keyless.empty() ? "all tables identify their rows"
                                : countNoun(keyless.size(), "table") + " without key: " + listSome(keyless),
                "Add a primary key, or run ALTER TABLE <table> REPLICA IDENTITY FULL so updates and deletes "
                "can be replicated.",
                CheckStatus::Warn);

  auto pub = conn.query(kPgPublicationRights);
  if (!pub) return std::move(pub).error().context("checking publication rights");
  auto p = pub->row(0);
  const bool canPublish = p.boolean("is_super") || (p.boolean("can_create_in_db") && p.i64("foreign_owned") == 0);
  checks.expect(canPublish, "publication", "the role may create a publication for the tables",
                canPublish ? "superuser or owner of every table"
                           : countNoun(static_cast<size_t>(p.i64("foreign_owned")), "table") + " owned by other roles",
                "Run the migration as the tables' owner or a superuser, or have one run "
                "CREATE PUBLICATION ferry_pub FOR ALL TABLES beforehand.");
  return checks.take();
}

core::Result<std::vector<CheckResult>> checkPgTarget(connect::PgConnection& conn) {
  Checks checks(Role::Target);
  checks.pass("server_version", "PostgreSQL version is supported", "PostgreSQL " + conn.serverVersion().text);
  auto r = conn.query(kPgTargetRights);
  if (!r) return std::move(r).error().context("checking target privileges");
  auto row = r->row(0);
  // Without CREATE on the database the copy still works into target schemas that
  // exist and that the role may create tables in; the chunk marks then go there too.
  const bool createSchema = row.boolean("can_create_schema");
  checks.expect(createSchema, "create_schema", "the role may create schemas and tables",
                "CREATE on database " + row.str("db") + (createSchema ? " granted" : " not granted"),
                "Run GRANT CREATE ON DATABASE " + connect::PgConnection::quoteIdent(row.str("db")) + " TO " +
                    connect::PgConnection::quoteIdent(row.str("role_name")) +
                    ", or create the target schemas beforehand and GRANT CREATE ON SCHEMA … to it.",
                CheckStatus::Warn);
  checks.pass("chunk_marks", "Ferry's chunk marks have a place",
              createSchema ? std::string("schema ferry_state (created by the copy, dropped when it ends)")
                           : std::string("this role may not create the schema ferry_state: the marks go into the "
                                         "target schema's table ferry_chunk_marks, dropped when the copy ends"));
  checks.expect(row.boolean("is_super"), "disable_triggers", "triggers can be disabled during the load",
                row.boolean("is_super") ? "superuser" : "not a superuser",
                "Without superuser, user triggers on the target fire during the load; create triggers after "
                "the copy (the default) or run as a superuser.",
                CheckStatus::Warn);
  // PostgreSQL 15 can grant SET on a superuser parameter; before, only a superuser sets it.
  bool replicaRole = row.boolean("is_super");
  if (!replicaRole && conn.serverVersion().major >= 15) {
    auto granted = conn.query("SELECT has_parameter_privilege('session_replication_role', 'SET') AS ok");
    if (!granted) return std::move(granted).error().context("checking session_replication_role");
    replicaRole = granted->row(0).boolean("ok");
  }
  checks.expect(replicaRole, "replica_role", "the stream can apply without firing target triggers and FK actions",
                replicaRole ? "may SET session_replication_role = replica"
                            : "may not SET session_replication_role (superuser, or on PostgreSQL 15 GRANT SET ON "
                              "PARAMETER)",
                "Without it the target's triggers and ON DELETE/UPDATE actions fire again on rows the source's own "
                "already changed: apply as a superuser, or GRANT SET ON PARAMETER session_replication_role TO " +
                    connect::PgConnection::quoteIdent(row.str("role_name")) + " (PostgreSQL 15+).",
                CheckStatus::Warn);
  return checks.take();
}

}  // namespace ferry::preflight

#include "run/session.h"

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/log.h"

namespace ferry::run {

using connect::ConnectionSpec;
using connect::MySqlConnection;
using connect::PgConnection;

namespace {

core::Result<std::unique_ptr<PgConnection>> openPg(const ConnectionSpec& spec, const OpenOptions& o) {
  connect::PgOpenOptions po;
  po.allowPrompt = o.allowPrompt;
  auto c = PgConnection::open(spec, po);
  if (c) core::log(core::LogLevel::Debug, "connected to " + spec.display() + " (PostgreSQL " + (*c)->serverVersion().text + ")");
  return c;
}

core::Result<std::unique_ptr<MySqlConnection>> openMySql(const ConnectionSpec& spec, const OpenOptions& o) {
  connect::MySqlOpenOptions mo;
  mo.allowPrompt = o.allowPrompt;
  auto c = MySqlConnection::open(spec, mo);
  if (c) {
    core::log(core::LogLevel::Debug, "connected to " + spec.display() + " (" + model::engineDisplayName((*c)->flavour()) +
                                         " " + (*c)->serverVersion().text + ")");
  }
  return c;
}

bool isPg(const ConnectionSpec& spec) { return spec.engine == model::Engine::PostgreSQL; }

}  // namespace

core::Result<ServerInfo> testConnection(const ConnectionSpec& spec, const OpenOptions& options) {
  ServerInfo info;
  info.user = spec.user;
  if (isPg(spec)) {
    auto c = openPg(spec, options);
    if (!c) return std::move(c).error();
    info.engine = model::Engine::PostgreSQL;
    info.version = (*c)->serverVersion();
    auto db = (*c)->query("SELECT current_database() AS db, current_user AS u");
    if (!db) return std::move(db).error();
    info.database = db->row(0).str("db");
    info.user = db->row(0).str("u");
    // pg_control_system() is executable by every role on PostgreSQL 15.
    auto id = (*c)->query(
        "SELECT (SELECT system_identifier::text FROM pg_control_system()) AS id, "
        "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser");
    if (!id) return std::move(id).error();
    info.identity = "postgresql:" + id->row(0).str("id");
    info.superuser = id->row(0).str("superuser") == "t";
    return info;
  }
  auto c = openMySql(spec, options);
  if (!c) return std::move(c).error();
  info.engine = (*c)->flavour();
  info.version = (*c)->serverVersion();
  info.database = spec.database;
  if (info.engine == model::Engine::MySQL) {
    auto id = (*c)->query("SELECT @@server_uuid AS id");  // MySQL 5.6+; untested here (no MySQL server)
    if (!id) return std::move(id).error();
    info.identity = "mysql:" + id->row(0).str("id");
  } else {
    auto id = (*c)->query("SELECT @@hostname AS h, @@port AS p, @@datadir AS d, @@server_id AS s");
    if (!id) return std::move(id).error();
    const auto r = id->row(0);
    info.identity = "mariadb:" + r.str("h") + ":" + r.str("p") + ":" + r.str("d") + ":" + r.str("s");
  }
  return info;
}

std::string serverKey(const ServerInfo& info) { return info.identity + "/" + info.database; }

core::Result<model::Catalog> inspect(const ConnectionSpec& spec, const introspect::IntrospectOptions& what,
                                     const OpenOptions& options) {
  if (isPg(spec)) {
    auto c = openPg(spec, options);
    if (!c) return std::move(c).error();
    return introspect::introspectPostgres(**c, what);
  }
  auto c = openMySql(spec, options);
  if (!c) return std::move(c).error();
  introspect::IntrospectOptions opts = what;
  // A MySQL URL naming a database means "that database" unless --schema says otherwise.
  if (opts.schemas.empty() && !spec.database.empty()) opts.schemas.push_back(spec.database);
  return introspect::introspectMySql(**c, opts);
}

core::Result<preflight::Report> runPreflight(const ConnectionSpec* source, const ConnectionSpec* target,
                                             const OpenOptions& options) {
  preflight::Report report;
  // A MySQL/MariaDB target: every value must fit its max_allowed_packet — the
  // largest one the source shows within 10 s, read on the same sessions.
  const bool packetCheck = source && target && !isPg(*target);
  constexpr int kTimeoutMs = 10'000;
  std::optional<preflight::LargestValue> largest;
  std::optional<std::int64_t> packet;
  auto run = [&](const ConnectionSpec& spec, bool asSource) -> core::Status {
    const char* side = asSource ? "source" : "target";
    if (isPg(spec)) {
      auto c = openPg(spec, options);
      if (!c) return std::move(c).error().context(side);
      auto r = asSource ? preflight::checkPgSource(**c) : preflight::checkPgTarget(**c);
      if (!r) return std::move(r).error();
      report.append(std::move(*r));
      if (asSource && packetCheck) {
        auto l = preflight::largestPgValue(**c, kTimeoutMs);
        if (!l) return std::move(l).error().context(side);
        largest = *l;
      }
      return {};
    }
    auto c = openMySql(spec, options);
    if (!c) return std::move(c).error().context(side);
    // A MySQL URL naming a database migrates that database: check its tables only.
    std::vector<std::string> schemas;
    if (!spec.database.empty()) schemas.push_back(spec.database);
    auto r = asSource ? preflight::checkMySqlSource(**c, schemas) : preflight::checkMySqlTarget(**c, spec.database);
    if (!r) return std::move(r).error();
    report.append(std::move(*r));
    if (asSource && packetCheck) {
      auto l = preflight::largestMySqlValue(**c, schemas, kTimeoutMs);
      if (!l) return std::move(l).error().context(side);
      largest = *l;
    } else if (!asSource && packetCheck) {
      auto p = (*c)->query("SELECT @@max_allowed_packet AS p");
      if (!p) return std::move(p).error().context(side);
      packet = p->row(0).i64("p");
    }
    return {};
  };
  if (source) FERRY_TRY(run(*source, true));
  if (target) FERRY_TRY(run(*target, false));
  if (largest && packet) report.append({preflight::checkValuesFitPacket(*largest, *packet)});
  return report;
}

}  // namespace ferry::run

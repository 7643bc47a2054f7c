#include "connect/pg/pg_replication.h"

#include <charconv>
#include <cstdio>

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

namespace {

/// NAMEDATALEN - 1: the longest name PostgreSQL stores for a slot.
constexpr std::size_t kMaxSlotNameBytes = 63;
/// PostgreSQL 15 introduced the parenthesised option list of CREATE_REPLICATION_SLOT.
constexpr int kSlotOptionListMajor = 15;

bool parseHex32(std::string_view text, std::uint32_t* out) {
  if (text.empty() || text.size() > 8) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, 16);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

core::Result<Lsn> parseLsn(std::string_view text) {
  const auto slash = text.find('/');
  std::uint32_t hi = 0;
  std::uint32_t lo = 0;
  if (slash == std::string_view::npos || !parseHex32(text.substr(0, slash), &hi) ||
      !parseHex32(text.substr(slash + 1), &lo)) {
    return Error(ErrorKind::Data, "'" + std::string(text) + "' is not a PostgreSQL LSN (X/Y in hex)");
  }
  return (static_cast<Lsn>(hi) << 32) | lo;
}

std::string formatLsn(Lsn lsn) {
  char buf[32];  // two 8-digit hex numbers, a slash and the terminator fit with room to spare
  std::snprintf(buf, sizeof buf, "%X/%X", static_cast<unsigned>(lsn >> 32), static_cast<unsigned>(lsn & 0xFFFFFFFFu));
  return buf;
}

core::Status validateSlotName(std::string_view name) {
  if (name.empty() || name.size() > kMaxSlotNameBytes) {
    return Error(ErrorKind::Usage, "replication slot name '" + std::string(name) + "' must have 1 to 63 characters");
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return Error(ErrorKind::Usage, "replication slot name '" + std::string(name) +
                                         "' may contain only lower-case letters, digits and underscores");
    }
  }
  return {};
}

std::string createSlotCommand(std::string_view slotName, std::string_view plugin,
                              const model::ServerVersion& version, bool temporary) {
  // The name and plugin are validated identifiers ([a-z0-9_]), which the replication
  // grammar takes unquoted.
  std::string cmd = "CREATE_REPLICATION_SLOT " + std::string(slotName) + (temporary ? " TEMPORARY" : "") +
                    " LOGICAL " + std::string(plugin);
  if (version.major >= kSlotOptionListMajor) {
    cmd += " (SNAPSHOT 'export')";
  } else {
    cmd += " EXPORT_SNAPSHOT";
  }
  return cmd;
}

core::Result<std::unique_ptr<ExportedSnapshot>> ExportedSnapshot::create(const ConnectionSpec& spec,
                                                                         const ExportedSnapshotOptions& options) {
  FERRY_TRY(validateSlotName(options.slotName));
  FERRY_TRY(validateSlotName(options.plugin));
  PgOpenOptions open;
  open.replication = true;
  auto conn = PgConnection::open(spec, open);
  if (!conn) return std::move(conn).error();
  const std::string cmd = createSlotCommand(options.slotName, options.plugin, (*conn)->serverVersion(), options.temporary);
  auto res = (*conn)->simpleQuery(cmd);
  if (!res) {
    Error err = std::move(res).error();
    if (err.sqlState() == "42710") {
      err.withHint("A slot of that name exists already: drop it (pg_drop_replication_slot) or choose another name.");
    } else if (err.kind() == ErrorKind::Privilege) {
      err.withHint("The user needs the REPLICATION attribute (ALTER ROLE … REPLICATION).");
    } else if (err.sqlState() == "55000") {
      err.withHint("Set wal_level = logical on the source and restart it.");
    }
    return err.context("creating the replication slot");
  }
  if (res->size() != 1 || res->columnIndex("consistent_point") < 0 || res->columnIndex("snapshot_name") < 0) {
    return Error(ErrorKind::Internal, "CREATE_REPLICATION_SLOT answered in an unknown shape").withStatement(cmd);
  }
  ReplicationSlotInfo slot;
  const RowView row = res->row(0);
  slot.slotName = row.str("slot_name");
  slot.consistentPoint = row.str("consistent_point");
  slot.snapshotName = row.str("snapshot_name");
  slot.outputPlugin = row.str("output_plugin");
  auto lsn = parseLsn(slot.consistentPoint);
  if (!lsn || slot.snapshotName.empty()) {
    // Do not leave a slot nobody knows about: it would hold WAL forever.
    (void)(*conn)->exec("SELECT pg_drop_replication_slot(" + PgConnection::quoteLiteral(slot.slotName) + ")");
    return Error(ErrorKind::Internal, "CREATE_REPLICATION_SLOT returned no usable snapshot or LSN")
        .withStatement(cmd);
  }
  slot.consistentLsn = *lsn;
  return std::unique_ptr<ExportedSnapshot>(new ExportedSnapshot(std::move(conn).value(), std::move(slot)));
}

ExportedSnapshot::~ExportedSnapshot() = default;

void ExportedSnapshot::release() { m_conn.reset(); }

core::Status dropReplicationSlot(PgConnection& conn, std::string_view slotName) {
  auto r = conn.query("SELECT pg_drop_replication_slot($1)", {std::string(slotName)});
  if (!r) return std::move(r).error().context("dropping replication slot " + std::string(slotName));
  return {};
}

core::Status PgConnection::importSnapshot(std::string_view snapshotName) {
  FERRY_TRY(exec("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
  auto st = exec("SET TRANSACTION SNAPSHOT " + quoteLiteral(snapshotName));
  if (!st) {
    (void)exec("ROLLBACK");
    Error err = std::move(st).error();
    if (err.sqlState() == "22023") {
      err.withHint("The exporting connection has ended (or the name is wrong): take a new snapshot.");
    }
    return err.context("importing snapshot " + std::string(snapshotName));
  }
  return {};
}

}  // namespace ferry::connect

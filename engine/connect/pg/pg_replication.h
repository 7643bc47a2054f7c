#pragma once
/// The PostgreSQL side of "one consistent snapshot, ready for CDC": a logical
/// replication slot created with an exported snapshot. Copy workers import the
/// snapshot (PgConnection::importSnapshot); the change stream later starts at the
/// slot's consistent point, so no change falls between the copy and the stream.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "connect/connection_spec.h"
#include "connect/pg/pg_connection.h"
#include "core/result.h"
#include "model/catalog.h"

namespace ferry::connect {

/// A WAL position as PostgreSQL prints it ("16/B374D848"): high and low 32 bits in hex.
using Lsn = std::uint64_t;
/// Parses "X/Y"; an Error of kind Data for anything else.
core::Result<Lsn> parseLsn(std::string_view text);
std::string formatLsn(Lsn lsn);

/// What CREATE_REPLICATION_SLOT answered. The run state records slot name and
/// consistent point for the stream; the snapshot name lives only as long as the
/// ExportedSnapshot that created it.
struct ReplicationSlotInfo {
  std::string slotName;
  std::string consistentPoint;  ///< as the server printed it ("0/1A2B3C8")
  Lsn consistentLsn = 0;
  std::string snapshotName;     ///< for SET TRANSACTION SNAPSHOT
  std::string outputPlugin;
};

struct ExportedSnapshotOptions {
  /// Slot names allow only [a-z0-9_] and 63 bytes (NAMEDATALEN - 1); others are refused.
  std::string slotName;
  /// pgoutput is built in (PostgreSQL 10+), so the source needs no extension.
  std::string plugin = "pgoutput";
  /// A TEMPORARY slot is dropped by the server when its connection ends (a
  /// verification's point in time: it needs the snapshot and its position, never
  /// the changes after it).
  bool temporary = false;
};

/// The replication command that creates a logical slot and exports its snapshot.
/// PostgreSQL 15 takes an option list (`(SNAPSHOT 'export')`); 10–14 only the
/// keyword form (`EXPORT_SNAPSHOT`), which 15+ still accept but may drop.
std::string createSlotCommand(std::string_view slotName, std::string_view plugin,
                              const model::ServerVersion& version, bool temporary = false);
/// Checks a slot name against PostgreSQL's rule (ReplicationSlotValidateName).
core::Status validateSlotName(std::string_view name);

/// Owns the replication connection that created a slot and exported its
/// snapshot. The snapshot stays importable only while that connection is open and
/// runs nothing else, so this object keeps it idle; destroying it (or release())
/// ends the export. The slot itself outlives it: drop it with dropReplicationSlot()
/// when the run is abandoned, since a forgotten slot holds WAL on the source forever.
class ExportedSnapshot {
public:
  /// Opens a `replication=database` connection to `spec`'s database and creates the slot.
  static core::Result<std::unique_ptr<ExportedSnapshot>> create(const ConnectionSpec& spec,
                                                                const ExportedSnapshotOptions& options);
  ~ExportedSnapshot();
  ExportedSnapshot(const ExportedSnapshot&) = delete;
  ExportedSnapshot& operator=(const ExportedSnapshot&) = delete;

  const ReplicationSlotInfo& slot() const { return m_slot; }
  const std::string& snapshotName() const { return m_slot.snapshotName; }
  /// True until release(): the snapshot can still be imported.
  bool exporting() const { return m_conn != nullptr; }
  /// The server process of the exporting connection (its walsender).
  int backendPid() const { return m_pid; }
  /// Ends the export now (closes the connection) once every worker has imported it.
  /// The server notices asynchronously: the walsender (backendPid()) may live, and the
  /// snapshot stay importable, for a few milliseconds more.
  void release();

private:
  ExportedSnapshot(std::unique_ptr<PgConnection> conn, ReplicationSlotInfo slot)
      : m_conn(std::move(conn)), m_slot(std::move(slot)), m_pid(m_conn->backendPid()) {}
  std::unique_ptr<PgConnection> m_conn;
  ReplicationSlotInfo m_slot;
  int m_pid = 0;
};

/// Drops a replication slot through SQL (`pg_drop_replication_slot`), from an
/// ordinary connection to the slot's server. A missing slot is an Error of kind NotFound; a
/// slot still in use by a connection is refused by the server (SQLSTATE 55006).
core::Status dropReplicationSlot(PgConnection& conn, std::string_view slotName);

}  // namespace ferry::connect

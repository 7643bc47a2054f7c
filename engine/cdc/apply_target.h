#pragma once
/// The apply-target seam: one implementation per target engine
/// (PostgreSQL through libpq pipeline mode, MySQL/MariaDB through batched
/// statements on one connection). The applier (applier.h) decides what to write;
/// a target only knows how, in one open transaction at a time, and stores the
/// stream's position in the same transaction as the changes it applies.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connect/connection_spec.h"
#include "copy/chunk_copier.h"
#include "core/result.h"
#include "model/catalog.h"

namespace ferry::cdc {

/// A migrated table as the target has it.
struct TargetTable {
  std::string schema;
  std::string name;
  std::vector<std::string> columns;  ///< target column names
  std::vector<bool> binary;          ///< MySQL targets: written as hex literals
  std::string label;                 ///< the source's schema.table, for messages
};

/// One row change in target terms: values already converted.
struct RowOp {
  enum class Kind : std::uint8_t { Insert, Update, Delete };
  Kind kind = Kind::Insert;
  const TargetTable* table = nullptr;
  std::vector<int> setColumns;  ///< Insert: the columns given; Update: the columns changed
  std::vector<std::optional<std::string>> setValues;
  /// Per set value: it holds a bytea's bytes, not its text form (a large
  /// PostgreSQL bytea, or a large binary string into bytea); a PostgreSQL target
  /// sends it as a binary parameter. Shorter than setValues: the rest are false.
  std::vector<bool> setBytes;
  std::vector<int> whereColumns;  ///< Update/Delete: the identity (key, or every column for FULL)
  std::vector<std::optional<std::string>> whereValues;
  bool wholeRowIdentity = false;  ///< no key (REPLICA IDENTITY FULL): change exactly one matching row
  /// Insert: the identity's columns and values (converted), to tell which rows of
  /// a multi-row INSERT met an existing one.
  std::vector<int> keyColumns;
  std::vector<std::optional<std::string>> keyValues;
  std::string keyText;            ///< "id=17", for messages

  bool bytesAt(std::size_t k) const { return k < setBytes.size() && setBytes[k]; }
  /// Whether the change goes alone, its values as parameters (a PostgreSQL
  /// binary parameter, MySQL long data) rather than in a batch, a COPY or LOAD
  /// DATA, or SQL text: it holds bytes (setBytes) or a value of copy::kHugeValueBytes.
  bool goesAlone() const;
};

/// A change the target could not apply as the source did: an UPDATE or DELETE that
/// found no row, an INSERT that met an existing key.
struct Divergence {
  std::string table;  ///< source schema.table
  std::string key;
  std::string what;   ///< "UPDATE found no row", …
  RowOp::Kind kind = RowOp::Kind::Insert;
};

/// What the stream has applied, stored in the target with the changes.
struct StoredPosition {
  std::string position;  ///< the source position after the last applied transaction
  std::int64_t transactions = 0;
  std::int64_t rows = 0;
};

class ApplyTarget {
public:
  virtual ~ApplyTarget() = default;
  /// Creates the position table when missing (where the run's chunk marks are).
  virtual core::Status prepare(const copy::MarksTable& where, const std::string& runId) = 0;
  virtual core::Result<std::optional<StoredPosition>> storedPosition() = 0;
  virtual core::Status begin() = 0;
  /// Queues one change of the open transaction (written at the latest by flush()).
  virtual core::Status apply(RowOp op) = 0;
  virtual core::Status truncate(const std::vector<const TargetTable*>& tables, bool restartIdentity) = 0;
  /// Writes what is queued; the changes that did not find or create exactly one
  /// row come back, in order (the transaction stays open).
  virtual core::Result<std::vector<Divergence>> flush() = 0;
  /// Stores `position` and commits. Returns a token for durable(): the target's
  /// WAL position of the commit (PostgreSQL), 0 when a commit is durable at once.
  virtual core::Result<std::uint64_t> commit(const StoredPosition& position) = 0;
  virtual core::Status rollback() = 0;
  /// The largest commit token the target has made durable (flushed to disk).
  virtual core::Result<std::uint64_t> durable() = 0;
  /// Statements a flush() sends in one round trip at most.
  virtual std::size_t batchLimit() const = 0;
  /// From another thread: make a call blocked on the target fail at once (its
  /// link hangs without breaking); the target is unusable afterwards. MySQL/
  /// MariaDB targets rely on ApplyTargetOptions::ioTimeoutSeconds instead.
  virtual void abortIo() {}
  /// Whether a long run of inserts into one table may be loaded in bulk
  /// (PostgreSQL: COPY, ~5x cheaper for the target than multi-row INSERTs). A
  /// bulk load that meets an existing row fails as a whole and rolls the group
  /// back: takeBulkConflict() then says so, and the caller applies the group
  /// again with bulk loads off, which names the row as a divergence.
  virtual void setBulkInserts(bool allowed) { (void)allowed; }
  /// True once after a failure that was a bulk load meeting an existing row.
  virtual bool takeBulkConflict() { return false; }
};

/// Whether `op` (an UPDATE or DELETE) can go in a batch that finds its rows by
/// key: it has a key, no NULL in it, and does not change it (both targets batch
/// such runs; anything else goes row by row).
bool batchableByKey(const RowOp& op);
/// The indexes into op.setColumns a batched UPDATE writes: every set column but
/// the key's own (which the batch matches on and does not change).
std::vector<std::size_t> nonKeySets(const RowOp& op);

struct ApplyTargetOptions {
  /// Keep the target's triggers and foreign-key actions from firing on applied
  /// rows (the source's own cascades and trigger effects are in the stream).
  bool replicaRole = true;
  /// MySQL/MariaDB: a read or write on the apply session that waits longer than
  /// this fails as a lost connection (the connector's read/write timeouts); 0 = none.
  int ioTimeoutSeconds = 0;
  /// PostgreSQL: a run of at least this many inserts into one table is loaded
  /// by COPY (setBulkInserts()); shorter runs go as multi-row INSERTs.
  std::size_t bulkInsertMinRows = 1000;
  /// Loop prevention (docs/cutover.md): PostgreSQL — the replication origin
  /// the apply session runs under (created when missing), so a decoder on this
  /// server tells Ferry's writes by their Origin message; "" none.
  std::string replicationOrigin;
  /// MySQL/MariaDB — the server_id the apply session's binlog events carry, so
  /// a binlog reader of this server tells Ferry's writes by it; 0 none.
  std::uint32_t tagServerId = 0;
};

/// What Ferry's apply sessions are tagged with. PostgreSQL: a replication
/// origin per run ("ferry_<12 hex of the run id>"; origins are cluster-wide and
/// one session at a time may use one, so the two directions of a migration
/// whose databases share a cluster need their own); a decoder leaves out every
/// "ferry_" origin. MariaDB: one session server_id per migration (the forward
/// run's id, 0x50000000 | …), left out by the readers of both directions.
std::string applyOrigin(const std::string& runId);
std::uint32_t migrationServerId(const std::string& migrationId);
/// Whether a PostgreSQL replication origin is one of Ferry's apply sessions'.
bool isFerryOrigin(const std::string& originName);

/// Opens the apply session on `target`.
core::Result<std::unique_ptr<ApplyTarget>> openApplyTarget(const connect::ConnectionSpec& target,
                                                           const ApplyTargetOptions& options);

}  // namespace ferry::cdc

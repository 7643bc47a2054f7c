#pragma once
/// Comparing one chunk of a table on both sides. Two ways:
///  - server hash: each server sums a 60-bit slice of an MD5 per row over the
///    chunk (same engine, columns copied unchanged: the same SQL prints the same
///    row text on both sides); only a count and a sum cross the network;
///  - row digests: both sides stream the chunk, each value is brought to its
///    canonical form (source values through the copy's converter first) and
///    hashed; rows are matched by canonical key, so a mismatch names its keys
///    and columns at once.
/// A chunk whose server hashes differ is drilled down with row digests.

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "copy/flow_control.h"
#include "verify/verify_job.h"

namespace ferry::verify {

enum class DiffKind { Missing, Extra, Changed };
const char* diffKindName(DiffKind k);

struct Difference {
  DiffKind kind = DiffKind::Changed;
  std::string key;                   ///< "id=17", "a=1,b=x"; keyless tables: "row(…)"
  std::vector<std::string> columns;  ///< target names of the differing columns (changed)
  std::vector<std::string> sourceKey;  ///< the key as the source prints it (missing, changed)
  std::vector<std::string> targetKey;  ///< the key as the target prints it (extra, changed)
  // For matching across chunks (text keys collate differently on the two engines).
  std::string matchKey;
  std::vector<std::uint64_t> digest;
};

struct SideConnection {
  connect::PgConnection* pg = nullptr;
  connect::MySqlConnection* my = nullptr;
};

enum class HashMode { Auto, Server, Client };

struct CompareContext {
  SideConnection source;
  SideConnection target;
  HashMode mode = HashMode::Auto;
  copy::FlowControl* flow = nullptr;
  std::stop_token stop;
  std::size_t maxDifferences = 1000;  ///< per chunk; more are counted, not listed
  std::function<void(std::int64_t rows)> onRows;  ///< rows read on the source, for live progress
};

struct ChunkOutcome {
  std::int64_t sourceRows = 0;
  std::int64_t targetRows = 0;
  std::int64_t convertedValues = 0;  ///< non-NULL source values the copy's converter turned into NULL
  bool serverHashed = false;         ///< decided by the servers' hashes (no row streamed)
  bool drilled = false;              ///< server hashes differed and rows were compared
  std::vector<Difference> differences;
  std::int64_t moreDifferences = 0;  ///< beyond maxDifferences
};

/// Compares one key-range chunk (or a keyless table whole).
core::Result<ChunkOutcome> compareChunk(const VerifyJob& job, const plan::Chunk& chunk, CompareContext& ctx);

/// Compares the rows of these keys (the source's values, in the copy's
/// key-column order) on both sides: a key on neither side is no difference.
core::Result<ChunkOutcome> compareKeys(const VerifyJob& job, const std::vector<std::vector<std::string>>& keys,
                                       CompareContext& ctx);

/// Differences left unmatched in their chunk: a "missing" and an "extra" with
/// the same canonical key become one "changed" (or nothing, when their digests
/// agree). Needed where the two engines order text keys differently.
void reconcile(const VerifyJob& job, std::vector<Difference>& differences);

/// Both sides' values of one row, canonical, for a side-by-side view.
struct RowPair {
  std::vector<std::string> columns;  ///< target column names
  std::vector<std::optional<std::string>> source;  ///< converted + canonical; nullopt = NULL
  std::vector<std::optional<std::string>> target;
  bool sourceFound = false;
  bool targetFound = false;
};
core::Result<RowPair> fetchRowPair(const VerifyJob& job, const Difference& d, CompareContext& ctx);

/// Streams rows of `sql` on one side as text values (MySQL streaming read,
/// PostgreSQL COPY text), like the copy's reader.
using TextValues = std::vector<std::optional<std::string_view>>;
core::Status streamRows(const SideConnection& side, const std::string& sql,
                        const std::function<core::Status(const TextValues&)>& onRow);

}  // namespace ferry::verify

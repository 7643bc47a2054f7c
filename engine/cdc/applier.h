#pragma once
/// From source events to target row changes: maps each source relation onto the
/// table the copy made of it (copy::TableJob: target names, converters), and turns
/// Insert/Update/Delete into RowOps whose values went through the same converters
/// as the copy's — so a value that arrives by the stream is what the copy would
/// have written.

#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cdc/apply_target.h"
#include "cdc/change_event.h"
#include "copy/table_job.h"
#include "core/result.h"

namespace ferry::cdc {

class RowMapper {
public:
  explicit RowMapper(std::vector<copy::TableJob> jobs);

  /// A Relation message. An Error of kind Unsupported when it has a column the
  /// mapping does not know (added on the source: the stream stops before the
  /// first change in the new shape; addedColumns() names them). A mapped column
  /// the relation lacks (added later in the source's history, or dropped there)
  /// is simply not written.
  ///
  /// A column whose type differs from the source's catalog when the mapping was
  /// made (setSourceTypes()) was changed on the source: refused the same way
  /// when `afterMapping` (the relation's transaction committed after the catalog
  /// was read — a change the target may not have yet); before it, the relation
  /// is history the catalog (and so the target) already moved past, and is taken.
  core::Status relation(const Relation& rel, bool afterMapping = true);
  /// The source's column types (PostgreSQL type OID, typmod) by "schema.table"
  /// and column, read when the mapping was made.
  using SourceTypes = std::map<std::string, std::map<std::string, std::pair<std::uint32_t, std::int32_t>>>;
  void setSourceTypes(SourceTypes types) { m_sourceTypes = std::move(types); }
  /// The columns of the last relation refused by relation() (a retyped one as
  /// "name (type changed)").
  const std::vector<std::string>& addedColumns() const { return m_added; }
  const std::string& addedTable() const { return m_addedTable; }
  /// The row change of an Insert/Update/Delete event; nullopt for a table that
  /// is not migrated. The values of columns outside the identity move from `e`
  /// into the RowOp (a 256 MB value is not copied); its keys stay for changedKeys().
  core::Result<std::optional<RowOp>> rowOp(ChangeEvent& e);
  /// The keys (source values, in the copy's key-column order) an Insert/Update/
  /// Delete event touches: the old identity and, when the key changed, the new
  /// one. None for a table that is not migrated, has no key of the copy's in
  /// its identity (REPLICA IDENTITY FULL, keyless), or whose key value is not
  /// in the event.
  std::vector<std::vector<std::string>> changedKeys(const ChangeEvent& e) const;
  /// The target table of a relation, nullptr when it is not migrated.
  const TargetTable* target(std::uint32_t relationId) const;
  /// The target table of a source "schema.table", nullptr when it is not migrated.
  const TargetTable* targetOf(const std::string& label) const {
    const auto it = m_bySource.find(label);
    return it == m_bySource.end() ? nullptr : m_targets[it->second].get();
  }
  /// The source "schema.table" of a relation ("" when unknown).
  std::string label(std::uint32_t relationId) const;

private:
  struct Mapped {
    const copy::TableJob* job = nullptr;
    TargetTable* target = nullptr;
    std::vector<int> jobColumn;  ///< per relation column: index in job->columns, -1 when not copied
    std::vector<bool> key;       ///< per relation column: part of the replica identity
    bool wholeRow = false;       ///< REPLICA IDENTITY FULL
    std::vector<int> keyOrder;   ///< per key column of the copy's: its relation column (empty: not all sent)
    std::string label;
  };
  /// One value of `tuple` converted into `out`; `bytes` says it holds a bytea's
  /// bytes (RowOp::setBytes). With `take`, the value may be moved out of the tuple.
  core::Status convert(const Mapped& m, Tuple& tuple, std::size_t relCol, std::optional<std::string>& out,
                       bool& bytes, bool take, const std::string& keyText) const;
  std::string keyText(const Mapped& m, const Tuple& tuple) const;

  std::vector<copy::TableJob> m_jobs;
  std::vector<std::unique_ptr<TargetTable>> m_targets;  ///< parallel to m_jobs
  std::map<std::string, std::size_t> m_bySource;        ///< "schema.table" → index
  std::map<std::uint32_t, Mapped> m_relations;
  std::set<std::uint32_t> m_notStreamed;  // described, and outside the run
  SourceTypes m_sourceTypes;
  std::vector<std::string> m_added;
  std::string m_addedTable;
};

}  // namespace ferry::cdc

#pragma once
/// The change stream's one event model, whatever the source engine: a source
/// transaction arrives as Begin, its row changes (and messages), Commit — one
/// event at a time, so a transaction of millions of rows is never held whole.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cdc/position.h"

namespace ferry::cdc {

/// One column value of a row image.
struct Field {
  enum class Kind : std::uint8_t {
    Null,
    Text,       ///< the value in the source's text form
    Unchanged,  ///< PostgreSQL: a TOASTed value the update did not touch; keep the target's
    /// PostgreSQL: the bytes of a large bytea (kBytesInline or more), decoded from
    /// the hex text pgoutput sends: half the memory, and a PostgreSQL target takes
    /// them as a binary parameter (docs/copy.md, huge values). Never a key column.
    Bytes,
  };
  Kind kind = Kind::Null;
  std::string text;

  bool operator==(const Field&) const = default;
};
using Tuple = std::vector<Field>;

/// From this size a PostgreSQL bytea arrives as Field::Kind::Bytes.
inline constexpr std::size_t kBytesInline = 1u << 20;

/// The shape of a source table as the stream describes it (pgoutput Relation;
/// MySQL TABLE_MAP in part 2). Columns are in the order row images use.
struct RelationColumn {
  std::string name;
  std::uint32_t typeOid = 0;  ///< PostgreSQL type OID (0 elsewhere)
  std::int32_t typmod = -1;
  bool key = false;  ///< part of the replica identity: what UPDATE and DELETE find rows by
  bool operator==(const RelationColumn&) const = default;
};

struct Relation {
  std::uint32_t id = 0;
  std::string schema;
  std::string name;
  /// 'd' default (primary key), 'n' nothing, 'f' full (every column), 'i' index.
  char replicaIdentity = 'd';
  std::vector<RelationColumn> columns;
  std::string label() const { return schema + "." + name; }
};

struct ChangeEvent {
  enum class Kind : std::uint8_t { Begin, Commit, Relation, Insert, Update, Delete, Truncate, Message, Ddl };
  Kind kind = Kind::Begin;

  /// Begin/Commit: where the transaction's commit record is (PostgreSQL
  /// final_lsn), and Commit: the end of it — the position the stream resumes after.
  LogPosition commitLsn;
  LogPosition endLsn;
  std::int64_t commitTimeUs = 0;  ///< source commit time, microseconds since 2000-01-01 UTC
  std::uint32_t xid = 0;
  /// MariaDB: the transaction's GTID (Begin and Commit); the stream resumes after it.
  std::optional<Gtid> gtid;
  /// Commit: the position to store for a restart when it is more than
  /// endLsn.text() (MariaDB: "<GTID position> <binlog file>:<offset>").
  std::string resumeText;

  /// Row changes: the relation, the new image (Insert, Update) and the old one
  /// (Update when the key changed or the identity is FULL; Delete).
  std::uint32_t relationId = 0;
  Tuple newTuple;
  std::optional<Tuple> oldTuple;
  bool oldIsKey = false;  ///< the old image holds only the identity columns ('K')

  /// Relation: the new or changed shape.
  std::optional<cdc::Relation> relation;

  /// Truncate: the relations, and whether CASCADE / RESTART IDENTITY were given.
  std::vector<std::uint32_t> truncated;
  bool truncateCascade = false;
  bool truncateRestartIdentity = false;

  /// Message (pg_logical_emit_message): prefix and content; transactional or not.
  /// Ddl (MariaDB: a statement the binlog carries as a QUERY event): the SQL in
  /// content, the database it ran in as prefix (cdc/ddl_statement.h reads it).
  std::string prefix;
  std::string content;
  bool transactional = false;
  LogPosition messageLsn;
};

}  // namespace ferry::cdc

#pragma once
/// The DDL a MariaDB binlog carries as QUERY events, read far enough to know
/// which tables changed and how: ALTER TABLE's column operations (ADD, DROP,
/// MODIFY, CHANGE, RENAME COLUMN, ALTER … DEFAULT), RENAME TABLE, CREATE and
/// DROP TABLE, TRUNCATE. The stream decides from it (run/sync_run.cpp); what
/// this cannot read is `understood = false`, and the stream stops showing it.

#include <string>
#include <string_view>
#include <vector>

namespace ferry::cdc {

struct DdlStatement {
  enum class Kind { AlterTable, RenameTable, CreateTable, DropTable, Truncate, NotTable };
  Kind kind = Kind::NotTable;
  /// Every table it names, "schema.table" (RENAME: each old name, then its new one).
  std::vector<std::string> tables;
  struct Column {
    enum class Op { Add, Drop, Modify, Change, Rename, Default };
    Op op = Op::Add;
    std::string name;
    std::string newName;  ///< CHANGE and RENAME COLUMN
  };
  std::vector<Column> columns;
  /// ALTER TABLE … RENAME TO, or CONVERT TO CHARACTER SET (every text column retyped).
  bool renamesTable = false;
  bool convertsCharset = false;
  /// Clauses that change no column (indexes, constraints, ENGINE=, …).
  bool otherClauses = false;
  bool understood = true;
};

/// `sql` as the binlog has it; `defaultSchema` is the QUERY event's database.
DdlStatement parseDdl(std::string_view sql, const std::string& defaultSchema);

}  // namespace ferry::cdc

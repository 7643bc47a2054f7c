#pragma once
/// Whether changing a target column from one type to another only widens it:
/// every value the old type holds, the new one holds with the same text. The
/// sync's `--ddl auto-additive` applies such a change by itself (a source column
/// widened during the stream); any other change waits for the DBA's decision.

#include <string>

#include "model/catalog.h"

namespace ferry::ddl {

/// `from` and `to` as the target server prints a column's type: PostgreSQL's
/// format_type() ("character varying(10)", "timestamp(3) without time zone"),
/// MySQL/MariaDB's SHOW COLUMNS ("int(11) unsigned", "varchar(10)").
bool isWidening(model::Engine engine, const std::string& from, const std::string& to);

}  // namespace ferry::ddl

#pragma once
// Private to engine/connect: the Connector/C++ side of MySqlConnection, shared by
// mysql_connection.cpp and mysql_stream.cpp. Never include it outside connect/
// (it needs the connector's headers, which only this library sees).

#include <cppconn/connection.h>
#include <cppconn/exception.h>

#include <memory>
#include <string_view>

#include "connect/mysql/mysql_connection.h"
#include "core/error.h"

namespace ferry::connect {

struct MySqlConnection::Impl {
  std::unique_ptr<sql::Connection> conn;
  /// The session's net_write_timeout as last set by stream() (0: server default).
  int netWriteTimeoutSeconds = 0;
};

/// A connector exception of a statement as an Error (kind from the error number).
core::Error mysqlStatementError(const sql::SQLException& e, std::string_view statement);

}  // namespace ferry::connect

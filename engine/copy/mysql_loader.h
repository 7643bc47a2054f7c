#pragma once
/// MySQL/MariaDB bulk load from memory: `LOAD DATA LOCAL INFILE` reading a named
/// pipe that this process writes rows into as they are converted. No row touches
/// the disk and the load streams like PostgreSQL's COPY: the statement runs on a
/// loader thread, the caller writes lines in the COPY text format (which is
/// LOAD DATA's default format: tab-separated, \N for NULL, backslash escapes).
///
/// Connector/C++ 1.1 has no in-memory infile handler; the client library opens
/// the path the server asks for, and a FIFO is a path whose bytes come from
/// memory. The target connection must be opened with MySqlOpenOptions::localInfile.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "connect/mysql/mysql_connection.h"
#include "core/result.h"

namespace ferry::copy {

class MySqlPipeLoad {
public:
  /// Starts `LOAD DATA LOCAL INFILE` into `qualifiedTable` (`columnList`: "`a`, `b`")
  /// on `conn`, which the load owns until finish() or abort().
  static core::Result<std::unique_ptr<MySqlPipeLoad>> begin(connect::MySqlConnection& conn,
                                                            const std::string& qualifiedTable,
                                                            const std::string& columnList);
  ~MySqlPipeLoad();
  MySqlPipeLoad(const MySqlPipeLoad&) = delete;
  MySqlPipeLoad& operator=(const MySqlPipeLoad&) = delete;

  /// Writes bytes (whole lines). Fails when the server stopped the load (its
  /// error is returned; finish() returns it too).
  core::Status write(std::string_view data);
  /// Ends the data and waits for the statement: its error, if any.
  core::Status finish();
  /// Ends the data early; the caller rolls the transaction back.
  void abort();
  /// The rows the statement loaded (after finish()). LOAD DATA LOCAL skips a
  /// row that meets an existing key with a warning (the server cannot stop the
  /// client's file midway), so a count short of the rows written says so.
  std::int64_t loaded() const { return m_loaded; }

  /// True for the errors that mean "this server or client does not allow LOAD
  /// DATA LOCAL" (local_infile off): fall back to INSERT, do not retry.
  static bool refused(const core::Error& e);

private:
  MySqlPipeLoad() = default;
  core::Status openWriter();
  void closeWriter();

  std::string m_path;
  int m_fd = -1;
  std::jthread m_loader;
  std::atomic<bool> m_done{false};
  std::optional<core::Error> m_error;  ///< written by the loader before m_done
  std::int64_t m_loaded = 0;            ///< likewise
};

}  // namespace ferry::copy

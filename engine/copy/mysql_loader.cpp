#include "copy/mysql_loader.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "ddl/quoting.h"

namespace ferry::copy {

namespace {

std::atomic<unsigned> g_counter{0};

/// A write to a pipe whose reader went away raises SIGPIPE, which would end the
/// process; the write's EPIPE is handled instead.
void ignoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

core::Error ioError(const std::string& what) {
  return core::Error(core::ErrorKind::Io, what + ": " + std::strerror(errno),
                     "Check that the temporary folder ($TMPDIR or /tmp) is writable.");
}

}  // namespace

core::Result<std::unique_ptr<MySqlPipeLoad>> MySqlPipeLoad::begin(connect::MySqlConnection& conn,
                                                                  const std::string& qualifiedTable,
                                                                  const std::string& columnList) {
  ignoreSigpipe();
  std::unique_ptr<MySqlPipeLoad> load(new MySqlPipeLoad());
  load->m_path = (std::filesystem::temp_directory_path() /
                  ("ferry-load-" + std::to_string(getpid()) + "-" + std::to_string(g_counter++) + ".pipe"))
                     .string();
  if (mkfifo(load->m_path.c_str(), 0600) != 0) return ioError("cannot create the pipe " + load->m_path);
  // The format is COPY text: tab, newline, backslash escapes, \N. Spelled out
  // in hex because NO_BACKSLASH_ESCAPES (the loading session's mode) empties the
  // default ESCAPED BY — measured: "\t" then arrives as two characters. Bytes
  // are taken as they are (CHARACTER SET binary): the values are already UTF-8
  // text or raw bytes for binary columns, and a multi-byte reading of a BLOB's
  // bytes could swallow a separator.
  const std::string sql = "LOAD DATA LOCAL INFILE " + ddl::quoteLiteral(load->m_path) + " INTO TABLE " +
                          qualifiedTable +
                          " CHARACTER SET binary FIELDS TERMINATED BY 0x09 ESCAPED BY 0x5C LINES TERMINATED BY 0x0A (" +
                          columnList + ")";
  MySqlPipeLoad* self = load.get();
  load->m_loader = std::jthread([self, &conn, sql] {
    auto n = conn.execCount(sql);
    if (n) {
      self->m_loaded = *n;
    } else {
      self->m_error = n.error();
    }
    self->m_done.store(true);
  });
  if (auto st = load->openWriter(); !st) {
    load->abort();
    return st.error();
  }
  return load;
}

MySqlPipeLoad::~MySqlPipeLoad() {
  abort();
  if (!m_path.empty()) ::unlink(m_path.c_str());
}

core::Status MySqlPipeLoad::openWriter() {
  // The client library opens the pipe only once the server asks for the file:
  // poll, and give up when the statement already ended (refused, or failed).
  for (;;) {
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (m_fd >= 0) break;
    if (errno != ENXIO) return ioError("cannot open the pipe " + m_path);
    if (m_done.load()) {
      if (m_loader.joinable()) m_loader.join();
      if (m_error) return *m_error;
      return core::Error(core::ErrorKind::Server, "LOAD DATA LOCAL ended without reading the data");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

core::Status MySqlPipeLoad::write(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(m_fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EPIPE) return ioError("writing to the load pipe");
    // Full pipe (the server is busy) or a closed one (the statement failed):
    // wait for room, and stop once the loader has ended.
    if (m_done.load() || (n < 0 && errno == EPIPE)) {
      closeWriter();
      if (m_loader.joinable()) m_loader.join();
      if (m_error) return *m_error;
      return core::Error(core::ErrorKind::Server, "LOAD DATA LOCAL stopped reading before the end of the data");
    }
    pollfd p{m_fd, POLLOUT, 0};
    ::poll(&p, 1, 100);
  }
  return {};
}

void MySqlPipeLoad::closeWriter() {
  if (m_fd >= 0) {
    ::close(m_fd);
    m_fd = -1;
  }
}

core::Status MySqlPipeLoad::finish() {
  closeWriter();  // end of file for the client library
  if (m_loader.joinable()) m_loader.join();
  if (m_error) return *m_error;
  return {};
}

void MySqlPipeLoad::abort() {
  closeWriter();
  if (m_loader.joinable()) m_loader.join();
}

bool MySqlPipeLoad::refused(const core::Error& e) {
  // 4166 ER_LOAD_INFILE_CAPABILITY_DISABLED (MariaDB 10.5+, measured on 10.11 with
  // local_infile = OFF), 1148 ER_NOT_ALLOWED_COMMAND (older MariaDB, MySQL 5.7),
  // 3948 ER_CLIENT_LOCAL_FILES_DISABLED and 3950 (MySQL 8), 2068
  // CR_LOAD_DATA_LOCAL_INFILE_REJECTED (client side).
  const int c = e.vendorCode();
  return c == 4166 || c == 1148 || c == 3948 || c == 3950 || c == 2068;
}

}  // namespace ferry::copy

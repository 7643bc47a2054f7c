#include "connect/network_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace ferry::connect {

using core::Error;
using core::ErrorKind;

core::Status probeTcp(const std::string& host, int port, int timeoutSeconds, const std::string& what) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string portText = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), portText.c_str(), &hints, &res);
  if (rc != 0) {
    if (rc == EAI_NONAME || rc == EAI_NODATA || rc == EAI_FAIL || rc == EAI_AGAIN) {
      return Error(ErrorKind::NameNotResolved,
                   "cannot resolve host name '" + host + "' of the " + what,
                   "Check the spelling of the host, or use its IP address.");
    }
    return Error(ErrorKind::NameNotResolved,
                 "cannot resolve host name '" + host + "' of the " + what + ": " + gai_strerror(rc),
                 "Check the host name and this machine's DNS settings.");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeoutSeconds);
  int lastErrno = 0;
  bool timedOut = false;
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    const int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      lastErrno = errno;
      continue;
    }
    int r = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
    if (r != 0 && errno == EINPROGRESS) {
      pollfd pfd{fd, POLLOUT, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      const int pr = poll(&pfd, 1, static_cast<int>(std::max<long long>(0, left.count())));
      if (pr == 0) {
        timedOut = true;
        ::close(fd);
        continue;
      }
      int soErr = 0;
      socklen_t len = sizeof soErr;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &soErr, &len);
      r = soErr == 0 ? 0 : -1;
      errno = soErr;
    }
    lastErrno = r == 0 ? 0 : errno;
    ::close(fd);
    if (r == 0) {
      freeaddrinfo(res);
      return {};
    }
  }
  freeaddrinfo(res);
  const std::string where = host + ":" + portText;
  if (timedOut && lastErrno == 0) {
    return Error(ErrorKind::Timeout,
                 "no answer from " + where + " (" + what + ") within " + std::to_string(timeoutSeconds) + " s",
                 "Check that the host is up and that no firewall drops the port; raise the timeout with "
                 "connect_timeout= (PostgreSQL) or connect-timeout= (MySQL) for slow links.");
  }
  if (lastErrno == ECONNREFUSED) {
    return Error(ErrorKind::ConnectionRefused,
                 "connection refused by " + where + " (" + what + ")",
                 "Check that the server is running and listens on that address and port.");
  }
  return Error(ErrorKind::ConnectionRefused,
               "cannot reach " + where + " (" + what + "): " + std::strerror(lastErrno),
               "Check the host, the port and the network route to the server.");
}

}  // namespace ferry::connect

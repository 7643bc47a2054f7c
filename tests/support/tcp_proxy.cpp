#include "support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace ferry::test {

struct TcpProxy::Link {
  int client = -1;
  int server = -1;
  std::atomic<bool> open{true};
  void cut() {
    if (open.exchange(false)) {
      ::shutdown(client, SHUT_RDWR);
      ::shutdown(server, SHUT_RDWR);
    }
  }
};

TcpProxy::TcpProxy(std::string upstreamHost, int upstreamPort)
    : m_host(std::move(upstreamHost)), m_upstreamPort(upstreamPort) {
  m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(m_listen, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(m_listen, 64) != 0) {
    throw std::runtime_error(std::string("proxy: bind/listen: ") + std::strerror(errno));
  }
  socklen_t len = sizeof a;
  ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&a), &len);
  m_port = ntohs(a.sin_port);
  if (::pipe(m_wake) != 0) throw std::runtime_error("proxy: pipe");
  m_acceptor = std::thread([this] { acceptLoop(); });
}

TcpProxy::~TcpProxy() {
  (void)!::write(m_wake[1], "x", 1);
  m_acceptor.join();
  cutAll();
  for (auto& t : m_pumps) t.join();
  for (auto& l : m_links) {
    ::close(l->client);
    ::close(l->server);
  }
  ::close(m_listen);
  ::close(m_wake[0]);
  ::close(m_wake[1]);
}

int TcpProxy::cutAll() {
  std::lock_guard lock(m_mutex);
  int n = 0;
  for (auto& l : m_links) {
    if (l->open) ++n;
    l->cut();
  }
  return n;
}

void TcpProxy::acceptLoop() {
  while (true) {
    pollfd fds[2] = {{m_listen, POLLIN, 0}, {m_wake[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents) return;
    const int client = ::accept(m_listen, nullptr, nullptr);
    if (client < 0) continue;
    if (m_refusing) {
      ::close(client);
      continue;
    }
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    const int server = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::getaddrinfo(m_host.c_str(), std::to_string(m_upstreamPort).c_str(), &hints, &res) != 0 ||
        ::connect(server, res->ai_addr, res->ai_addrlen) != 0) {
      if (res) ::freeaddrinfo(res);
      ::close(server);
      ::close(client);
      continue;
    }
    ::freeaddrinfo(res);
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto link = std::make_shared<Link>();
    link->client = client;
    link->server = server;
    ++m_accepted;
    std::lock_guard lock(m_mutex);
    m_links.push_back(link);
    m_pumps.emplace_back([this, link] { pump(link, &m_frozen); });
  }
}

void TcpProxy::pump(std::shared_ptr<Link> link, const std::atomic<bool>* frozen) {
  char buf[65536];
  while (link->open) {
    if (frozen->load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    pollfd fds[2] = {{link->client, POLLIN, 0}, {link->server, POLLIN, 0}};
    if (::poll(fds, 2, 200) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const int from = i == 0 ? link->client : link->server;
      const int to = i == 0 ? link->server : link->client;
      const ssize_t n = ::recv(from, buf, sizeof buf, 0);
      if (n <= 0) {
        link->cut();
        return;
      }
      for (ssize_t done = 0; done < n;) {
        const ssize_t w = ::send(to, buf + done, static_cast<std::size_t>(n - done), MSG_NOSIGNAL);
        if (w <= 0) {
          link->cut();
          return;
        }
        done += w;
      }
    }
  }
}

void restartSandboxServer(const std::string& which, bool immediate) {
  std::string out;
  const int rc = runCommand(std::string(FERRY_SOURCE_DIR) + "/scripts/sandbox restart " + which +
                                (immediate ? " immediate" : ""),
                            &out);
  ASSERT_EQ(rc, 0) << out;
}

}  // namespace ferry::test

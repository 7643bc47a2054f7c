#pragma once
// A loopback TCP proxy for fault tests: Ferry connects to the proxy's port, the
// proxy forwards to the real server. cutAll() breaks every open connection at
// once (as a failed link or a restarted middlebox would); new connections are
// forwarded again right after, unless refuse(true) closes them on accept.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ferry::test {

class TcpProxy {
public:
  TcpProxy(std::string upstreamHost, int upstreamPort);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return m_port; }
  /// Closes both ends of every open connection; returns how many were cut.
  int cutAll();
  /// While refusing, a new connection is closed as soon as it is accepted.
  void refuse(bool on) { m_refusing = on; }
  /// While frozen, nothing is forwarded either way and nothing is closed: a link
  /// that hangs without breaking (the kernel still acknowledges what is sent).
  void freeze(bool on) { m_frozen = on; }
  int accepted() const { return m_accepted.load(); }

private:
  struct Link;
  void acceptLoop();
  static void pump(std::shared_ptr<Link> link, const std::atomic<bool>* frozen);

  std::string m_host;
  int m_upstreamPort;
  int m_listen = -1;
  int m_port = 0;
  int m_wake[2] = {-1, -1};
  std::atomic<bool> m_refusing{false};
  std::atomic<bool> m_frozen{false};  // read by the pumps, which the destructor joins first
  std::atomic<int> m_accepted{0};
  std::mutex m_mutex;
  std::vector<std::shared_ptr<Link>> m_links;
  std::vector<std::thread> m_pumps;
  std::thread m_acceptor;
};

/// `scripts/sandbox restart pg|mariadb [immediate]` on the sandbox the tests use.
void restartSandboxServer(const std::string& which, bool immediate);

}  // namespace ferry::test

#pragma once
/// PasswordStore: where the workbench finds a password the form did not give,
/// and where it keeps one the user typed. Order: the form field, what the user
/// typed earlier in this session, the engine's lookup (PGPASSWORD / MYSQL_PWD,
/// ~/.pgpass, ~/.my.cnf), then the OS keychain (QtKeychain, service "ferry",
/// key = the URL without password). Passwords never go to the project file.

#include <functional>
#include <optional>
#include <string>

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include "connect/connection_spec.h"

namespace ferry::app {

class PasswordStore : public QObject {
  Q_OBJECT
public:
  explicit PasswordStore(QObject* parent = nullptr);

  /// The keychain key of a connection: its URL without password.
  static QString keyFor(const connect::ConnectionSpec& spec);

  /// True when this build has QtKeychain and a keychain service can be reached
  /// (on Linux: a D-Bus session bus exists; FERRY_KEYCHAIN=off disables it).
  static bool keychainAvailable();

  /// Fills spec.password from the sources above when it has none, then calls
  /// `done` on the GUI thread. The keychain is asked asynchronously and given
  /// at most a few seconds, so a hung secret service cannot stall a test.
  void resolve(connect::ConnectionSpec spec, std::function<void(connect::ConnectionSpec)> done);
  /// The same for a source and a target, one after the other (a keychain
  /// prompt at a time); `done` gets both on the GUI thread.
  void resolvePair(connect::ConnectionSpec source, connect::ConnectionSpec target,
                   std::function<void(connect::ConnectionSpec, connect::ConnectionSpec)> done);
  /// The passwords of a request's source and target (a copy, verify or sync
  /// request), then `then(request)` on the GUI thread — unless `owner`, the page
  /// that asked, is gone by then.
  template <typename Request>
  void resolveRequest(QObject* owner, Request request, std::function<void(Request)> then) {
    QPointer<QObject> alive(owner);
    const connect::ConnectionSpec source = request.source;
    const connect::ConnectionSpec target = request.target;
    resolvePair(source, target,
                [alive, request = std::move(request), then = std::move(then)](connect::ConnectionSpec resolvedSource,
                                                                               connect::ConnectionSpec resolvedTarget) mutable {
                  if (alive.isNull()) return;
                  request.source = std::move(resolvedSource);
                  request.target = std::move(resolvedTarget);
                  then(std::move(request));
                });
  }

  /// Remembers a password for this session only (in memory).
  void rememberForSession(const QString& key, const std::string& password);
  std::optional<std::string> sessionPassword(const QString& key) const;

  /// "Ask once per session": true the first time it is called for `key`.
  bool shouldPrompt(const QString& key);

  /// Stores a password in the keychain; silently does nothing without one.
  void storeInKeychain(const QString& key, const std::string& password);

private:
  QHash<QString, QString> m_session;
  QSet<QString> m_prompted;
};

}  // namespace ferry::app

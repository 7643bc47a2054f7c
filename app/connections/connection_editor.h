#pragma once
/// ConnectionEditor: the form for one end of the migration (Source or Target):
/// engine, host, port, user, password, database, TLS, a "Paste URL" shortcut,
/// and "Test connection", which runs on the bridge's threads and shows the
/// server's flavour and version and that role's pre-flight checks.

#include <optional>

#include <QGroupBox>

#include "app/bridge/engine_bridge.h"
#include "connect/connection_spec.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace ferry::widgets {
class BusySpinner;
}

namespace ferry::app {

class PasswordStore;
class PreflightTable;

class ConnectionEditor : public QGroupBox {
  Q_OBJECT
public:
  ConnectionEditor(preflight::Role role, EngineBridge* bridge, PasswordStore* passwords, QWidget* parent = nullptr);

  preflight::Role role() const { return m_role; }

  /// The spec the fields describe; the password only when the field has one.
  connect::ConnectionSpec spec() const;
  /// Fills every field from `spec` (the password field only when it has one).
  void setSpec(const connect::ConnectionSpec& spec);
  /// True when no host/socket has been entered yet.
  bool isBlank() const;
  /// Resets every field to the defaults of a new project.
  void clear();

  /// Parses `url` with ConnectionSpec::parse and fills the fields; on error shows
  /// the reason inline (red) and returns false.
  bool applyUrl(const QString& url);

  /// Starts "Test connection" (no-op while one runs).
  void testConnection();
  bool isTesting() const { return m_requestId != 0 || m_resolving; }
  /// The outcome of the last finished test.
  const std::optional<ConnectionTestOutcome>& lastOutcome() const { return m_lastOutcome; }
  /// Where the password of the last test came from (form, prompt, keychain…).
  connect::PasswordSource passwordSource() const { return m_running.passwordSource; }

  PreflightTable* preflightTable() const { return m_table; }

signals:
  /// A field was edited by the user (the project is modified).
  void changed();
  /// A test finished (ok: connected, whatever the checks said).
  void testFinished(bool ok);

private:
  void buildUi();
  void onEngineChanged();
  void fillTlsModes(model::Engine engine, connect::TlsMode keep);
  void startTest(connect::ConnectionSpec spec);
  void onTested(quint64 requestId, const ConnectionTestOutcome& outcome);
  void finishTest(const ConnectionTestOutcome& outcome);
  void showError(const QString& message);
  QString scrub(QString text) const;
  model::Engine currentEngine() const;

  preflight::Role m_role;
  EngineBridge* m_bridge;
  PasswordStore* m_passwords;

  QLineEdit* m_paste = nullptr;
  QLabel* m_pasteError = nullptr;
  QComboBox* m_engine = nullptr;
  QLineEdit* m_host = nullptr;
  QSpinBox* m_port = nullptr;
  QLineEdit* m_user = nullptr;
  QLineEdit* m_password = nullptr;
  QLineEdit* m_database = nullptr;
  QComboBox* m_tls = nullptr;
  QLineEdit* m_caFile = nullptr;
  QPushButton* m_testButton = nullptr;
  widgets::BusySpinner* m_spinner = nullptr;
  QLabel* m_version = nullptr;
  QLabel* m_error = nullptr;
  QLabel* m_summary = nullptr;
  PreflightTable* m_table = nullptr;

  model::Engine m_lastEngine = model::Engine::PostgreSQL;
  connect::ConnectionSpec m_hidden;  ///< socket, client cert/key, timeout from a pasted URL: no fields of their own
  bool m_resolving = false;
  quint64 m_requestId = 0;
  connect::ConnectionSpec m_running;  ///< the spec of the running test (with its password)
  std::optional<ConnectionTestOutcome> m_lastOutcome;
};

}  // namespace ferry::app

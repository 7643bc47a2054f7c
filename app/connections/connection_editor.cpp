#include "app/connections/connection_editor.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include "app/connections/password_store.h"
#include "app/connections/preflight_table.h"
#include "widgets/busy_spinner.h"
#include "widgets/status_icon.h"

namespace ferry::app {

using connect::ConnectionSpec;
using connect::TlsMode;

namespace {

int defaultPort(model::Engine e) { return e == model::Engine::PostgreSQL ? 5432 : 3306; }

QString errorStyle() { return QStringLiteral("color: %1;").arg(widgets::StatusIcon::color(widgets::StatusKind::Fail).name()); }

}  // namespace

ConnectionEditor::ConnectionEditor(preflight::Role role, EngineBridge* bridge, PasswordStore* passwords, QWidget* parent)
    : QGroupBox(role == preflight::Role::Source ? tr("Source") : tr("Target"), parent),
      m_role(role),
      m_bridge(bridge),
      m_passwords(passwords) {
  setObjectName(role == preflight::Role::Source ? QStringLiteral("sourceEditor") : QStringLiteral("targetEditor"));
  buildUi();
  connect(m_bridge, &EngineBridge::connectionTested, this, &ConnectionEditor::onTested);
}

void ConnectionEditor::buildUi() {
  auto* outer = new QVBoxLayout(this);

  auto* pasteRow = new QHBoxLayout;
  m_paste = new QLineEdit;
  m_paste->setObjectName(QStringLiteral("pasteUrl"));
  m_paste->setPlaceholderText(tr("Paste a URL: postgresql://user@host:5432/db, mariadb://user@host/db …"));
  m_paste->setClearButtonEnabled(true);
  auto* fill = new QPushButton(tr("Fill"));
  fill->setObjectName(QStringLiteral("fillFromUrl"));
  pasteRow->addWidget(new QLabel(tr("URL:")));
  pasteRow->addWidget(m_paste, 1);
  pasteRow->addWidget(fill);
  outer->addLayout(pasteRow);
  m_pasteError = new QLabel;
  m_pasteError->setObjectName(QStringLiteral("pasteError"));
  m_pasteError->setStyleSheet(errorStyle());
  m_pasteError->setWordWrap(true);
  m_pasteError->hide();
  outer->addWidget(m_pasteError);
  auto apply = [this] {
    if (!m_paste->text().trimmed().isEmpty()) applyUrl(m_paste->text().trimmed());
  };
  connect(m_paste, &QLineEdit::returnPressed, this, apply);
  connect(fill, &QPushButton::clicked, this, apply);

  auto* form = new QFormLayout;
  form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
  m_engine = new QComboBox;
  m_engine->setObjectName(QStringLiteral("engine"));
  m_engine->setMinimumContentsLength(12);
  for (auto e : {model::Engine::PostgreSQL, model::Engine::MySQL, model::Engine::MariaDB})
    m_engine->addItem(QString::fromLatin1(model::engineDisplayName(e)), static_cast<int>(e));
  form->addRow(tr("Engine:"), m_engine);

  auto* hostRow = new QHBoxLayout;
  m_host = new QLineEdit;
  m_host->setObjectName(QStringLiteral("host"));
  m_host->setPlaceholderText(QStringLiteral("db.example.com"));
  m_port = new QSpinBox;
  m_port->setObjectName(QStringLiteral("port"));
  m_port->setRange(1, 65535);
  m_port->setValue(defaultPort(model::Engine::PostgreSQL));
  hostRow->addWidget(m_host, 1);
  hostRow->addWidget(new QLabel(tr("Port:")));
  hostRow->addWidget(m_port);
  form->addRow(tr("Host:"), hostRow);

  m_user = new QLineEdit;
  m_user->setObjectName(QStringLiteral("user"));
  form->addRow(tr("User:"), m_user);
  m_password = new QLineEdit;
  m_password->setObjectName(QStringLiteral("password"));
  m_password->setEchoMode(QLineEdit::Password);
  m_password->setPlaceholderText(tr("empty: environment, ~/.pgpass / ~/.my.cnf, keychain"));
  form->addRow(tr("Password:"), m_password);
  m_database = new QLineEdit;
  m_database->setObjectName(QStringLiteral("database"));
  form->addRow(tr("Database:"), m_database);

  m_tls = new QComboBox;
  m_tls->setObjectName(QStringLiteral("tlsMode"));
  m_tls->setSizeAdjustPolicy(QComboBox::AdjustToContents);
  m_tls->setMinimumContentsLength(16);  // "VERIFY_IDENTITY" fits without eliding
  form->addRow(tr("TLS mode:"), m_tls);
  auto* caRow = new QHBoxLayout;
  m_caFile = new QLineEdit;
  m_caFile->setObjectName(QStringLiteral("caFile"));
  m_caFile->setPlaceholderText(tr("CA certificate (PEM) for verify-ca / verify-full"));
  auto* browse = new QPushButton(tr("Browse…"));
  connect(browse, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("CA certificate"), m_caFile->text(),
                                                   tr("Certificates (*.pem *.crt *.cer);;All files (*)"));
    if (!f.isEmpty()) {
      m_caFile->setText(f);
      emit changed();
    }
  });
  caRow->addWidget(m_caFile, 1);
  caRow->addWidget(browse);
  form->addRow(tr("CA file:"), caRow);
  outer->addLayout(form);

  auto* testRow = new QHBoxLayout;
  m_testButton = new QPushButton(tr("Test connection"));
  m_testButton->setObjectName(QStringLiteral("testButton"));
  m_spinner = new widgets::BusySpinner;
  m_version = new QLabel;
  m_version->setObjectName(QStringLiteral("versionLabel"));
  m_version->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_version->setWordWrap(true);  // a long server banner wraps instead of widening the form
  testRow->addWidget(m_testButton);
  testRow->addWidget(m_spinner);
  testRow->addWidget(m_version, 1);
  outer->addLayout(testRow);
  connect(m_testButton, &QPushButton::clicked, this, &ConnectionEditor::testConnection);

  m_error = new QLabel;
  m_error->setObjectName(QStringLiteral("errorLabel"));
  m_error->setStyleSheet(errorStyle());
  m_error->setWordWrap(true);
  m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
  m_error->hide();
  outer->addWidget(m_error);
  m_summary = new QLabel;
  m_summary->setObjectName(QStringLiteral("preflightSummary"));
  outer->addWidget(m_summary);
  m_table = new PreflightTable;
  m_table->setObjectName(QStringLiteral("preflightTable"));
  outer->addWidget(m_table, 1);

  fillTlsModes(model::Engine::PostgreSQL, TlsMode::Prefer);
  connect(m_engine, &QComboBox::currentIndexChanged, this, &ConnectionEditor::onEngineChanged);
  for (auto* edit : {m_host, m_user, m_password, m_database, m_caFile})
    connect(edit, &QLineEdit::textEdited, this, &ConnectionEditor::changed);
  connect(m_port, &QSpinBox::valueChanged, this, &ConnectionEditor::changed);
  connect(m_tls, &QComboBox::activated, this, &ConnectionEditor::changed);
}

model::Engine ConnectionEditor::currentEngine() const { return static_cast<model::Engine>(m_engine->currentData().toInt()); }

void ConnectionEditor::fillTlsModes(model::Engine engine, TlsMode keep) {
  const bool pg = engine == model::Engine::PostgreSQL;
  if (!pg && keep == TlsMode::Allow) keep = TlsMode::Prefer;  // MySQL has no "allow"
  QSignalBlocker block(m_tls);
  m_tls->clear();
  for (auto m : {TlsMode::Disable, TlsMode::Allow, TlsMode::Prefer, TlsMode::Require, TlsMode::VerifyCa, TlsMode::VerifyFull}) {
    if (!pg && m == TlsMode::Allow) continue;
    m_tls->addItem(QString::fromLatin1(pg ? connect::tlsModeName(m) : connect::mysqlSslModeName(m)), static_cast<int>(m));
  }
  m_tls->setCurrentIndex(m_tls->findData(static_cast<int>(keep)));
}

void ConnectionEditor::onEngineChanged() {
  const model::Engine e = currentEngine();
  if (m_port->value() == defaultPort(m_lastEngine)) m_port->setValue(defaultPort(e));
  fillTlsModes(e, static_cast<TlsMode>(m_tls->currentData().toInt()));
  m_lastEngine = e;
  emit changed();
}

ConnectionSpec ConnectionEditor::spec() const {
  ConnectionSpec s = m_hidden;
  s.engine = currentEngine();
  s.host = m_host->text().trimmed().toStdString();
  s.port = m_port->value();
  s.user = m_user->text().trimmed().toStdString();
  s.password.reset();
  s.passwordSource = connect::PasswordSource::None;
  if (!m_password->text().isEmpty()) {
    s.password = m_password->text().toStdString();
    s.passwordSource = connect::PasswordSource::Field;
  }
  s.database = m_database->text().trimmed().toStdString();
  s.tls.mode = static_cast<TlsMode>(m_tls->currentData().toInt());
  s.tls.rootCert = m_caFile->text().trimmed().toStdString();
  return s;
}

void ConnectionEditor::setSpec(const ConnectionSpec& s) {
  m_hidden = s;
  m_engine->setCurrentIndex(m_engine->findData(static_cast<int>(s.engine)));  // adjusts port and TLS names
  m_host->setText(QString::fromStdString(s.host));
  m_port->setValue(s.effectivePort());
  m_user->setText(QString::fromStdString(s.user));
  m_password->setText(s.password ? QString::fromStdString(*s.password) : QString());
  m_database->setText(QString::fromStdString(s.database));
  fillTlsModes(s.engine, s.tls.mode);
  m_caFile->setText(QString::fromStdString(s.tls.rootCert));
  m_lastEngine = s.engine;
}

bool ConnectionEditor::isBlank() const { return m_host->text().trimmed().isEmpty() && m_hidden.socket.empty(); }

void ConnectionEditor::clear() {
  ConnectionSpec blank;
  blank.host.clear();
  setSpec(blank);
  m_pasteError->hide();
  m_error->hide();
  m_version->clear();
  m_summary->clear();
  m_table->clearReport();
  m_lastOutcome.reset();
}

bool ConnectionEditor::applyUrl(const QString& url) {
  auto parsed = ConnectionSpec::parse(url.toStdString());
  if (!parsed) {
    m_pasteError->setText(scrub(QString::fromStdString(connect::redactUrls(parsed.error().oneLine()))));
    m_pasteError->show();
    return false;
  }
  m_pasteError->hide();
  setSpec(*parsed);
  m_paste->clear();  // it may hold a password in clear text
  emit changed();
  return true;
}

void ConnectionEditor::testConnection() {
  if (isTesting()) return;
  m_error->hide();
  m_version->setText(tr("Connecting…"));
  m_summary->clear();
  m_table->clearReport();
  m_testButton->setEnabled(false);
  m_spinner->start();
  m_resolving = true;
  QPointer<ConnectionEditor> self(this);
  m_passwords->resolve(spec(), [self](ConnectionSpec resolved) {
    ConnectionEditor* editor = self.data();  // a plain pointer: the compiler sees the null check
    if (editor == nullptr) return;
    editor->m_resolving = false;
    editor->startTest(std::move(resolved));
  });
}

void ConnectionEditor::startTest(ConnectionSpec s) {
  m_running = std::move(s);
  m_requestId = m_bridge->testConnection(m_running, m_role);
}

void ConnectionEditor::onTested(quint64 requestId, const ConnectionTestOutcome& outcome) {
  if (requestId != m_requestId) return;
  m_requestId = 0;
  const QString key = PasswordStore::keyFor(m_running);
  const bool typed = m_running.passwordSource == connect::PasswordSource::Field;
  if (outcome.error && outcome.error->kind() == core::ErrorKind::AuthFailed && !typed && m_passwords->shouldPrompt(key)) {
    // Nothing the user typed was refused: ask once per session, then retry.
    bool ok = false;
    const QString pw = QInputDialog::getText(
        this, tr("Password"),
        tr("%1 refused the login without a valid password.\nPassword for %2:")
            .arg(QString::fromLatin1(model::engineDisplayName(m_running.engine)), key),
        QLineEdit::Password, QString(), &ok);
    if (ok && !pw.isEmpty()) {
      m_running.password = pw.toStdString();
      m_running.passwordSource = connect::PasswordSource::Prompt;
      m_passwords->rememberForSession(key, *m_running.password);
      startTest(m_running);
      return;
    }
  }
  finishTest(outcome);
}

void ConnectionEditor::finishTest(const ConnectionTestOutcome& outcome) {
  m_spinner->stop();
  m_testButton->setEnabled(true);
  m_lastOutcome = outcome;
  if (outcome.error) {
    m_version->clear();
    showError(QString::fromStdString(outcome.error->oneLine()));
    emit testFinished(false);
    return;
  }
  const auto& v = outcome.version;
  // Say where a password the form did not hold came from: a stale keychain or
  // ~/.pgpass entry is otherwise invisible.
  const auto from = m_running.passwordSource;
  const QString passwordFrom = from == connect::PasswordSource::None || from == connect::PasswordSource::Field
                                   ? QString()
                                   : tr(", password from %1").arg(QString::fromLatin1(connect::passwordSourceName(from)));
  m_version->setText(tr("<b>%1 %2.%3.%4</b> — %5, user %6%7%8")
                         .arg(QString::fromLatin1(model::engineDisplayName(outcome.engine)))
                         .arg(v.major)
                         .arg(v.minor)
                         .arg(v.patch)
                         .arg(QString::fromStdString(v.text).toHtmlEscaped(), QString::fromStdString(outcome.user).toHtmlEscaped(),
                              outcome.database.empty() ? QString()
                                                       : tr(", database %1").arg(QString::fromStdString(outcome.database).toHtmlEscaped()),
                              passwordFrom.toHtmlEscaped()));
  if (outcome.report) {
    const auto& r = *outcome.report;
    m_table->setReport(r);
    m_summary->setText(tr("%1 %2 checks: %3 pass, %4 warn, %5 fail")
                           .arg(m_role == preflight::Role::Source ? tr("Source") : tr("Target"))
                           .arg(r.checks.size())
                           .arg(r.count(preflight::CheckStatus::Pass))
                           .arg(r.count(preflight::CheckStatus::Warn))
                           .arg(r.count(preflight::CheckStatus::Fail)));
  } else if (outcome.preflightError) {
    showError(tr("Pre-flight checks could not run: %1").arg(QString::fromStdString(outcome.preflightError->oneLine())));
  }
  if (m_running.password && (m_running.passwordSource == connect::PasswordSource::Field ||
                             m_running.passwordSource == connect::PasswordSource::Prompt)) {
    const QString key = PasswordStore::keyFor(m_running);
    m_passwords->rememberForSession(key, *m_running.password);
    m_passwords->storeInKeychain(key, *m_running.password);
  }
  emit testFinished(true);
}

void ConnectionEditor::showError(const QString& message) {
  m_error->setText(scrub(message));
  m_error->show();
}

QString ConnectionEditor::scrub(QString text) const {
  // The engine redacts secrets already; this is the belt to its braces.
  const QString typed = m_password->text();
  if (!typed.isEmpty()) text.replace(typed, QStringLiteral("****"));
  if (m_running.password && !m_running.password->empty())
    text.replace(QString::fromStdString(*m_running.password), QStringLiteral("****"));
  return text;
}

}  // namespace ferry::app

#include "app/connections/password_store.h"

#include <memory>

#include <QTimer>

#ifdef FERRY_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

namespace ferry::app {

namespace {
const QString kService = QStringLiteral("ferry");
// QtKeychain's jobs have no parent here: libsecret calls the job back when its
// D-Bus call ends and QtKeychain (0.13, 0.14) cannot cancel that, so a job
// deleted before (with a closed window's store) is called through a dangling
// pointer — the keychain test crashed so. A job deletes itself once finished
// (autoDelete); its answer reaches the store only while the store lives.
// A secret service answers in milliseconds; 3 s covers a slow first unlock
// prompt being skipped without leaving "Test connection" hanging.
constexpr int kKeychainTimeoutMs = 3000;
}  // namespace

PasswordStore::PasswordStore(QObject* parent) : QObject(parent) {}

QString PasswordStore::keyFor(const connect::ConnectionSpec& spec) {
  return QString::fromStdString(spec.toUrlWithoutPassword());
}

bool PasswordStore::keychainAvailable() {
#ifdef FERRY_HAVE_QTKEYCHAIN
  if (qEnvironmentVariable("FERRY_KEYCHAIN") == QLatin1String("off")) return false;
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
  // libsecret/KWallet live on the session bus; without one QtKeychain can only fail.
  return qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS");
#else
  return true;
#endif
#else
  return false;
#endif
}

void PasswordStore::resolvePair(connect::ConnectionSpec source, connect::ConnectionSpec target,
                                std::function<void(connect::ConnectionSpec, connect::ConnectionSpec)> done) {
  // The first answer comes from a job or timer owned by this store, so `this`
  // is alive when it arrives.
  resolve(std::move(source), [this, target = std::move(target), done = std::move(done)](
                                 connect::ConnectionSpec resolvedSource) mutable {
    resolve(std::move(target), [source = std::move(resolvedSource), done = std::move(done)](
                                   connect::ConnectionSpec resolvedTarget) mutable {
      done(std::move(source), std::move(resolvedTarget));
    });
  });
}

void PasswordStore::resolve(connect::ConnectionSpec spec, std::function<void(connect::ConnectionSpec)> done) {
  if (spec.password && !spec.password->empty()) {
    done(std::move(spec));
    return;
  }
  spec.password.reset();
  if (auto remembered = sessionPassword(keyFor(spec))) {
    spec.password = *remembered;
    spec.passwordSource = connect::PasswordSource::Prompt;
    done(std::move(spec));
    return;
  }
  connect::resolvePassword(spec);  // environment and password files: local reads only
  if ((spec.password && !spec.password->empty()) || !keychainAvailable()) {
    done(std::move(spec));
    return;
  }
#ifdef FERRY_HAVE_QTKEYCHAIN
  auto* job = new QKeychain::ReadPasswordJob(kService);
  job->setAutoDelete(true);
  job->setKey(keyFor(spec));
  // Whichever comes first — the job or the timeout — answers; the other is ignored.
  auto answered = std::make_shared<bool>(false);
  auto finish = [answered, done, spec](std::optional<std::string> pw) mutable {
    if (*answered) return;
    *answered = true;
    if (pw && !pw->empty()) {
      spec.password = std::move(*pw);
      spec.passwordSource = connect::PasswordSource::Keychain;
    }
    done(std::move(spec));
  };
  connect(job, &QKeychain::Job::finished, this, [job, finish]() mutable {
    if (job->error() == QKeychain::NoError) {
      finish(job->textData().toStdString());
    } else {
      finish(std::nullopt);
    }
  });
  QTimer::singleShot(kKeychainTimeoutMs, this, [finish]() mutable { finish(std::nullopt); });
  job->start();
#else
  done(std::move(spec));
#endif
}

void PasswordStore::rememberForSession(const QString& key, const std::string& password) {
  m_session.insert(key, QString::fromStdString(password));
}

std::optional<std::string> PasswordStore::sessionPassword(const QString& key) const {
  auto it = m_session.find(key);
  if (it == m_session.end()) return std::nullopt;
  return it->toStdString();
}

bool PasswordStore::shouldPrompt(const QString& key) {
  if (m_prompted.contains(key)) return false;
  m_prompted.insert(key);
  return true;
}

void PasswordStore::storeInKeychain(const QString& key, const std::string& password) {
  if (!keychainAvailable() || password.empty()) return;
#ifdef FERRY_HAVE_QTKEYCHAIN
  auto* job = new QKeychain::WritePasswordJob(kService);
  job->setAutoDelete(true);
  job->setKey(key);
  job->setTextData(QString::fromStdString(password));
  job->start();  // failure is not worth a dialog: the user can type it again
#else
  Q_UNUSED(key);
#endif
}

}  // namespace ferry::app

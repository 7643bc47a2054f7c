// TLS against the sandbox's servers (issue #14): both offer TLS with a
// certificate from a throwaway CA that names exactly 127.0.0.1; plain
// connections still work. Each mode either connects over TLS or fails with one
// line that names why. 127.1 (the same address, written so that it is not the
// certificate's name) plays the host that does not match: MariaDB's clients
// take `localhost` for the Unix socket.

#include <gtest/gtest.h>

#include <cstdlib>

#include "connect/mysql/mysql_connection.h"
#include "connect/pg/pg_connection.h"
#include "core/text.h"
#include "cutover_test_support.h"
#include "support/test_support.h"

namespace ferry {
namespace {

using connect::TlsMode;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') ADD_FAILURE() << name << " is not set: eval \"$(scripts/sandbox env)\"";
  return v ? v : "";
}

connect::ConnectionSpec withTls(connect::ConnectionSpec s, TlsMode mode, const std::string& ca, const std::string& host = "127.0.0.1") {
  s.tls.mode = mode;
  s.tls.rootCert = ca;
  s.host = host;
  return s;
}

/// The session's TLS as the server sees it ("" none).
std::string pgCipher(connect::PgConnection& c) {
  auto r = c.query("SELECT coalesce(cipher, '') AS c FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  EXPECT_TRUE(r.ok());
  return r ? r->row(0).str("c") : "";
}
std::string myCipher(connect::MySqlConnection& c) {
  auto r = c.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  EXPECT_TRUE(r.ok());
  return r && !r->empty() ? r->row(0).str("Value") : "";
}

TEST(PostgresTls, VerifyFullWithTheCaConnectsOverTls) {
  auto c = connect::PgConnection::open(withTls(test::pgSpec(), TlsMode::VerifyFull, env("FERRY_TEST_CA_FILE")));
  ASSERT_TRUE(c.ok()) << c.error().oneLine();
  EXPECT_NE(pgCipher(**c), "");
}

TEST(PostgresTls, AHostTheCertificateDoesNotNameFailsInOneLine) {
  // libpq reads "127.1" as 127.0.0.1 (inet_aton) and so finds it in the certificate:
  // localhost (TCP: the host is not a socket folder) is the name it does not hold.
  for (const char* host : {"localhost"}) {
    auto c = connect::PgConnection::open(withTls(test::pgSpec(), TlsMode::VerifyFull, env("FERRY_TEST_CA_FILE"), host));
    ASSERT_FALSE(c.ok()) << host;
    EXPECT_EQ(c.error().kind(), core::ErrorKind::TlsUnverified) << c.error().oneLine();
    EXPECT_NE(c.error().message().find("does not match host name \"" + std::string(host) + "\""), std::string::npos)
        << c.error().oneLine();
    EXPECT_EQ(c.error().oneLine().find('\n'), std::string::npos);
  }
  // verify-ca checks the chain only: the same host connects.
  auto ca = connect::PgConnection::open(withTls(test::pgSpec(), TlsMode::VerifyCa, env("FERRY_TEST_CA_FILE"), "localhost"));
  ASSERT_TRUE(ca.ok()) << ca.error().oneLine();
  EXPECT_NE(pgCipher(**ca), "");
}

TEST(PostgresTls, AnotherCaIsRefusedAndRequireEncryptsWithout) {
  auto wrong = connect::PgConnection::open(withTls(test::pgSpec(), TlsMode::VerifyFull, env("FERRY_TEST_OTHER_CA_FILE")));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind(), core::ErrorKind::TlsUnverified) << wrong.error().oneLine();
  EXPECT_NE(wrong.error().message().find("certificate verify failed"), std::string::npos) << wrong.error().oneLine();
  auto require = connect::PgConnection::open(withTls(test::pgSpec(), TlsMode::Require, ""));
  ASSERT_TRUE(require.ok()) << require.error().oneLine();
  EXPECT_NE(pgCipher(**require), "");
}

TEST(PostgresTls, AnEndpointWithoutTlsIsRefusedWhenTlsIsRequired) {
  // The sandbox's PgBouncer speaks no TLS.
  auto spec = connect::ConnectionSpec::parse(env("FERRY_TEST_PGBOUNCER_URL"));
  ASSERT_TRUE(spec.ok());
  auto c = connect::PgConnection::open(withTls(*spec, TlsMode::Require, ""));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind(), core::ErrorKind::TlsUnavailable) << c.error().oneLine();
}

TEST(MariaDbTls, VerifyIdentityWithTheCaConnectsOverTls) {
  auto c = connect::MySqlConnection::open(withTls(test::mysqlSpec(), TlsMode::VerifyFull, env("FERRY_TEST_CA_FILE")));
  ASSERT_TRUE(c.ok()) << c.error().oneLine();
  EXPECT_NE(myCipher(**c), "");
}

TEST(MariaDbTls, AHostTheCertificateDoesNotNameFailsEvenForVerifyCa) {
  for (TlsMode mode : {TlsMode::VerifyFull, TlsMode::VerifyCa}) {
    auto c = connect::MySqlConnection::open(withTls(test::mysqlSpec(), mode, env("FERRY_TEST_CA_FILE"), "127.1"));
    ASSERT_FALSE(c.ok()) << connect::mysqlSslModeName(mode);
    EXPECT_EQ(c.error().kind(), core::ErrorKind::TlsUnverified) << c.error().oneLine();
    EXPECT_EQ(c.error().oneLine().find('\n'), std::string::npos);
  }
}

TEST(MariaDbTls, AnotherCaIsRefusedAndRequiredEncryptsWithout) {
  auto wrong = connect::MySqlConnection::open(withTls(test::mysqlSpec(), TlsMode::VerifyFull, env("FERRY_TEST_OTHER_CA_FILE")));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind(), core::ErrorKind::TlsUnverified) << wrong.error().oneLine();
  auto require = connect::MySqlConnection::open(withTls(test::mysqlSpec(), TlsMode::Require, ""));
  ASSERT_TRUE(require.ok()) << require.error().oneLine();
  EXPECT_NE(myCipher(**require), "");
}

TEST(TlsEndToEnd, CopyVerifyAndTheBinlogStreamRunOverVerifiedTls) {
  // An account the server lets in over TLS only: every session of the copy,
  // the verifier and the binlog link must use TLS or fail to log in.
  const char* kSrc = "ferry_t_tls_src";
  const char* kDst = "ferry_t_tls_dst";
  test::mariadb("", "DROP USER IF EXISTS 'ferry_tls'@'127.0.0.1'; "
                    "CREATE USER 'ferry_tls'@'127.0.0.1' IDENTIFIED BY 'ferry-tls' REQUIRE SSL; "
                    "GRANT ALL PRIVILEGES ON *.* TO 'ferry_tls'@'127.0.0.1'");
  test::recreateMySqlDatabase(kSrc);
  test::recreatePgDatabase(kDst);
  test::mariadb(kSrc, "CREATE TABLE items (id int AUTO_INCREMENT PRIMARY KEY, v varchar(20)); "
                      "INSERT INTO items (v) SELECT concat('v', seq) FROM seq_1_to_500");
  auto source = withTls(test::mysqlSpec(kSrc), TlsMode::VerifyFull, env("FERRY_TEST_CA_FILE"));
  source.user = "ferry_tls";
  source.password = "ferry-tls";
  const auto target = withTls(test::pgSpec(kDst), TlsMode::VerifyFull, env("FERRY_TEST_CA_FILE"));
  const std::string state = test::freshStatePath("ferry-tls-test");

  cuttest::copyAndVerify(source, target, state);  // keeping the binlog position; verified identical
  test::mariadb(kSrc, "INSERT INTO items (v) SELECT concat('w', seq) FROM seq_1_to_50; UPDATE items SET v = 'changed' WHERE id = 7");
  auto synced = cuttest::syncUntilCaughtUp(source, target, state);
  ASSERT_TRUE(synced.ok()) << synced.error().oneLine();
  EXPECT_EQ(core::trim(test::psql(kDst, "SELECT count(*) FROM ferry_t_tls_src.items")), "550");
  EXPECT_EQ(core::trim(test::psql(kDst, "SELECT v FROM ferry_t_tls_src.items WHERE id = 7")), "changed");
  test::mariadb("", "DROP USER IF EXISTS 'ferry_tls'@'127.0.0.1'");
}

}  // namespace
}  // namespace ferry

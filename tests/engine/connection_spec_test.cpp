// URL parsing, password lookup and redaction (no server needed).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "connect/connection_spec.h"
#include "core/log.h"

namespace ferry {
namespace {

using connect::ConnectionSpec;
using connect::TlsMode;

TEST(ConnectionSpec, ParsesFullPostgresUrl) {
  auto s = ConnectionSpec::parse(
      "postgresql://alice:s%40cret@db.example.com:6543/sales?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=3");
  ASSERT_TRUE(s.ok()) << s.error().oneLine();
  EXPECT_EQ(s->engine, model::Engine::PostgreSQL);
  EXPECT_EQ(s->user, "alice");
  EXPECT_EQ(s->password, "s@cret");
  EXPECT_EQ(s->passwordSource, connect::PasswordSource::Url);
  EXPECT_EQ(s->host, "db.example.com");
  EXPECT_EQ(s->port, 6543);
  EXPECT_EQ(s->database, "sales");
  EXPECT_EQ(s->tls.mode, TlsMode::VerifyFull);
  EXPECT_EQ(s->tls.rootCert, "/etc/ca.pem");
  EXPECT_EQ(s->connectTimeoutSeconds, 3);
}

TEST(ConnectionSpec, SchemesAndDefaults) {
  auto pg = ConnectionSpec::parse("postgres://h");
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->engine, model::Engine::PostgreSQL);
  EXPECT_EQ(pg->effectivePort(), 5432);
  EXPECT_EQ(pg->tls.mode, TlsMode::Prefer);
  auto my = ConnectionSpec::parse("mysql://root@127.0.0.1/");
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(my->engine, model::Engine::MySQL);
  EXPECT_EQ(my->effectivePort(), 3306);
  EXPECT_EQ(my->database, "");
  EXPECT_FALSE(my->password.has_value());
  auto maria = ConnectionSpec::parse("mariadb://u:p@[::1]:3307/shop?ssl-mode=VERIFY_IDENTITY&ssl-ca=ca.pem");
  ASSERT_TRUE(maria.ok()) << maria.error().oneLine();
  EXPECT_EQ(maria->engine, model::Engine::MariaDB);
  EXPECT_EQ(maria->host, "::1");
  EXPECT_EQ(maria->port, 3307);
  EXPECT_EQ(maria->tls.mode, TlsMode::VerifyFull);
  EXPECT_EQ(maria->tls.rootCert, "ca.pem");
  auto req = ConnectionSpec::parse("mysql://u@h/?ssl-mode=required");
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->tls.mode, TlsMode::Require);
  auto sock = ConnectionSpec::parse("mysql://u@localhost/?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(sock.ok());
  EXPECT_EQ(sock->socket, "/run/mysqld/mysqld.sock");
}

TEST(ConnectionSpec, PasswordWithAtSign) {
  auto s = ConnectionSpec::parse("postgresql://bob:p@ss@host/db");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->user, "bob");
  EXPECT_EQ(s->password, "p@ss");
  EXPECT_EQ(s->host, "host");
}

TEST(ConnectionSpec, RejectsBadUrlsWithAHint) {
  for (const char* bad : {"localhost:5432", "oracle://h/db", "postgresql://h:99999/db", "postgresql://h/db?sslmode=maybe",
                          "mysql://h/?sslmode=sometimes", "postgresql://h/db?bogus=1", "postgresql://h/%zz"}) {
    auto s = ConnectionSpec::parse(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().kind(), core::ErrorKind::Usage) << bad;
    EXPECT_FALSE(s.error().hint().empty()) << bad;
  }
}

TEST(ConnectionSpec, DisplayRedactsThePassword) {
  auto s = ConnectionSpec::parse("postgresql://alice:TopSecret99@h:5433/db?sslmode=require");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->display(), "postgresql://alice:****@h:5433/db?sslmode=require");
  EXPECT_EQ(s->toUrlWithoutPassword(), "postgresql://alice@h:5433/db?sslmode=require");
  auto m = ConnectionSpec::parse("mysql://root:pw1@h/?ssl-mode=VERIFY_CA&ssl-ca=%2Fca.pem");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->toUrlWithoutPassword(), "mysql://root@h/?ssl-mode=VERIFY_CA&ssl-ca=%2Fca.pem");
}

TEST(ConnectionSpec, RedactUrlsInFreeText) {
  EXPECT_EQ(connect::redactUrls("failed: postgresql://u:hunter2@h/db and mysql://x:y@z/"),
            "failed: postgresql://u:****@h/db and mysql://x:****@z/");
  EXPECT_EQ(connect::redactUrls("host=h password=hunter2 user=u"), "host=h password=**** user=u");
  // A password parsed once is redacted everywhere afterwards, even without a URL around it.
  auto s = ConnectionSpec::parse("postgresql://u:Zq9-unique-pw@h/db");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(core::redactSecrets("the value Zq9-unique-pw leaked"), "the value **** leaked");
}

TEST(ConnectionSpec, PgPassLookup) {
  const std::string file =
      "# comment\n"
      "otherhost:5432:*:alice:nope\n"
      "db.example.com:6543:sales:alice:from\\:pgpass\n"
      "*:*:*:bob:wild\n";
  EXPECT_EQ(connect::findInPgPass(file, "db.example.com", 6543, "sales", "alice"), "from:pgpass");
  EXPECT_EQ(connect::findInPgPass(file, "anything", 1, "x", "bob"), "wild");
  EXPECT_FALSE(connect::findInPgPass(file, "db.example.com", 5432, "sales", "alice").has_value());
}

TEST(ConnectionSpec, MyCnfLookup) {
  const std::string file =
      "[mysqld]\npassword=server-side\n"
      "[client]\nuser = carol\npassword = \"quoted pw\"\n"
      "[mysql]\npassword=other\n";
  EXPECT_EQ(connect::findInMyCnf(file, "password"), "quoted pw");
  EXPECT_EQ(connect::findInMyCnf(file, "user"), "carol");
  EXPECT_FALSE(connect::findInMyCnf("[mysql]\npassword=x\n", "password").has_value());
}

TEST(ConnectionSpec, ResolvePasswordOrder) {
  char tmpl[] = "/tmp/ferry-home-XXXXXX";
  const std::string home = mkdtemp(tmpl);
  {
    std::ofstream(home + "/.pgpass") << "h:5432:db:u:file-pw\n";
    chmod((home + "/.pgpass").c_str(), 0600);
    std::ofstream(home + "/.my.cnf") << "[client]\nuser=myuser\npassword=mycnf-pw\n";
  }
  connect::PasswordLookup lookup;
  lookup.home = home;
  lookup.environment = {{"PGPASSWORD", "env-pw"}, {"HOME", home}};

  auto s = ConnectionSpec::parse("postgresql://u@h/db");
  ASSERT_TRUE(s.ok());
  connect::resolvePassword(*s, lookup);
  EXPECT_EQ(s->password, "env-pw");
  EXPECT_EQ(s->passwordSource, connect::PasswordSource::Environment);

  lookup.environment = {{"HOME", home}};
  auto t = ConnectionSpec::parse("postgresql://u@h/db");
  connect::resolvePassword(*t, lookup);
  EXPECT_EQ(t->password, "file-pw");
  EXPECT_EQ(t->passwordSource, connect::PasswordSource::PgPass);

  // A world-readable .pgpass is ignored, as libpq does.
  chmod((home + "/.pgpass").c_str(), 0644);
  auto u = ConnectionSpec::parse("postgresql://u@h/db");
  connect::resolvePassword(*u, lookup);
  EXPECT_FALSE(u->password.has_value());

  auto m = ConnectionSpec::parse("mysql://h/");
  connect::resolvePassword(*m, lookup);
  EXPECT_EQ(m->user, "myuser");
  EXPECT_EQ(m->password, "mycnf-pw");
  EXPECT_EQ(m->passwordSource, connect::PasswordSource::MyCnf);

  lookup.environment = {{"MYSQL_PWD", "env-my"}, {"HOME", home}};
  auto n = ConnectionSpec::parse("mysql://x@h/");
  connect::resolvePassword(*n, lookup);
  EXPECT_EQ(n->password, "env-my");

  auto url = ConnectionSpec::parse("mysql://x:from-url@h/");
  connect::resolvePassword(*url, lookup);
  EXPECT_EQ(url->password, "from-url");
  EXPECT_EQ(url->passwordSource, connect::PasswordSource::Url);
  std::system(("rm -rf " + home).c_str());
}

}  // namespace
}  // namespace ferry

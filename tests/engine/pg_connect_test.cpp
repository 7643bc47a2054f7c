// Connection failures against the real sandbox PostgreSQL: each becomes an
// Error of the right kind whose one line names the cause and the fix, and
// never contains the password.

#include <gtest/gtest.h>

#include <cstdlib>

#include "connect/pg/pg_connection.h"
#include "support/test_support.h"

namespace ferry {
namespace {

using connect::ConnectionSpec;
using connect::PgConnection;
using core::ErrorKind;

core::Error openError(ConnectionSpec spec) {
  auto c = PgConnection::open(spec);
  EXPECT_FALSE(c.ok());
  return c.ok() ? core::Error() : c.error();
}

TEST(PgConnect, OpensAndReportsVersion) {
  auto c = PgConnection::open(test::pgSpec());
  ASSERT_TRUE(c.ok()) << c.error().oneLine();
  EXPECT_GE((*c)->serverVersion().major, 13);
  auto r = (*c)->query("SELECT $1::int + 1 AS v, NULL::text AS n", {std::string("41")});
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->row(0).i64("v"), 42);
  EXPECT_TRUE(r->row(0).isNull("n"));
}

TEST(PgConnect, WrongPasswordIsAuthFailedWithoutTheSecret) {
  ConnectionSpec spec = test::pgSpec();
  spec.password = "Wr0ng-S3cret-xyz";
  spec.passwordSource = connect::PasswordSource::Url;
  auto e = openError(spec);
  EXPECT_EQ(e.kind(), ErrorKind::AuthFailed);
  EXPECT_EQ(e.oneLine().find("Wr0ng-S3cret-xyz"), std::string::npos);
  EXPECT_NE(e.oneLine().find("password"), std::string::npos) << e.oneLine();
  EXPECT_EQ(e.oneLine().find('\n'), std::string::npos);
}

TEST(PgConnect, RefusedPort) {
  ConnectionSpec spec = test::pgSpec();
  spec.port = 1;
  auto e = openError(spec);
  EXPECT_EQ(e.kind(), ErrorKind::ConnectionRefused);
  EXPECT_NE(e.oneLine().find("127.0.0.1:1"), std::string::npos) << e.oneLine();
}

TEST(PgConnect, UnresolvableHost) {
  ConnectionSpec spec = test::pgSpec();
  spec.host = "no-such-host.invalid";
  auto e = openError(spec);
  EXPECT_EQ(e.kind(), ErrorKind::NameNotResolved);
  EXPECT_NE(e.oneLine().find("no-such-host.invalid"), std::string::npos);
}

TEST(PgConnect, MissingDatabase) {
  auto e = openError(test::pgSpec("ferry_no_such_db"));
  EXPECT_EQ(e.kind(), ErrorKind::DatabaseMissing);
  EXPECT_NE(e.oneLine().find("ferry_no_such_db"), std::string::npos);
  EXPECT_NE(e.oneLine().find("createdb"), std::string::npos);
}

TEST(PgConnect, TlsDemandedButNotOffered) {
  // The sandbox's PostgreSQL offers TLS; its PgBouncer does not.
  const char* bouncer = std::getenv("FERRY_TEST_PGBOUNCER_URL");
  ASSERT_NE(bouncer, nullptr) << "eval \"$(scripts/sandbox env)\"";
  auto spec = ConnectionSpec::parse(std::string(bouncer) + "?sslmode=require");
  ASSERT_TRUE(spec.ok());
  auto e = openError(*spec);
  EXPECT_EQ(e.kind(), ErrorKind::TlsUnavailable);
  EXPECT_NE(e.oneLine().find("sslmode"), std::string::npos) << e.oneLine();
}

TEST(PgConnect, ServerErrorCarriesSqlState) {
  auto c = PgConnection::open(test::pgSpec());
  ASSERT_TRUE(c.ok());
  auto r = (*c)->query("SELECT * FROM no_such_table_here");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().sqlState(), "42P01");
  EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
  EXPECT_FALSE(r.error().retryable());
  auto div = (*c)->query("SELECT 1/0");
  ASSERT_FALSE(div.ok());
  EXPECT_EQ(div.error().sqlState(), "22012");
}

TEST(PgConnect, QuoteIdentifiersAndLiterals) {
  auto c = PgConnection::open(test::pgSpec());
  ASSERT_TRUE(c.ok());
  const std::string weird = "we\"ird 'name\\";
  auto r = (*c)->query("SELECT " + PgConnection::quoteLiteral(weird) + " AS " + PgConnection::quoteIdent(weird));
  ASSERT_TRUE(r.ok()) << r.error().oneLine();
  EXPECT_EQ(r->columns().at(0), weird);
  EXPECT_EQ(r->row(0).str(weird), weird);
}

}  // namespace
}  // namespace ferry

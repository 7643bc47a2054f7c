// The binlog link (connect/mysql/binlog_reader.h) against the sandbox MariaDB:
// opened as a replica from a GTID, it delivers the transactions after it —
// GTID, TABLE_MAP, row events, XID — which our decoder reads back; an idle link
// brings heartbeats; a GTID the binlog does not have is said plainly (error
// 1236); abort() ends a blocked read at once.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <thread>

#include "cdc/binlog_changes.h"
#include "cdc/binlog_event.h"
#include "cdc/binlog_rows.h"
#include "connect/mysql/binlog_reader.h"
#include "connect/mysql/mysql_connection.h"
#include "core/text.h"
#include "support/test_support.h"

namespace ferry {
namespace {

using namespace cdc::binlog;

constexpr const char* kDb = "ferry_t_binlog_reader";

std::string gtidPosition() { return core::trim(test::mariadb("", "SELECT @@gtid_binlog_pos")); }

TEST(BinlogReader, StreamsTransactionsFromAGtidThenHeartbeats) {
  test::recreateMySqlDatabase(kDb);
  test::mariadb(kDb, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
  const std::string start = gtidPosition();
  test::mariadb(kDb, "START TRANSACTION; INSERT INTO t VALUES (1, 'a'), (2, 'b'); INSERT INTO t VALUES (3, 'c'); "
                     "COMMIT; UPDATE t SET v = 'B' WHERE id = 2; DELETE FROM t WHERE id = 3");
  connect::BinlogReaderOptions options;
  options.serverId = 4242;
  options.gtidStart = start;
  options.heartbeatMs = 200;
  auto reader = connect::BinlogReader::open(test::mysqlSpec(), options);
  ASSERT_TRUE(reader.ok()) << reader.error().oneLine();
  Format format;
  std::map<std::uint64_t, TableMap> maps;
  std::vector<std::string> seen;  // "gtid", "xid", "insert id=1 v=a", …
  int heartbeats = 0;
  for (int i = 0; i < 500 && heartbeats < 2; ++i) {
    auto event = (*reader)->next();
    ASSERT_TRUE(event.ok()) << event.error().oneLine();
    auto h = parseHeader(*event);
    ASSERT_TRUE(h.ok()) << h.error().oneLine();
    if (h->type == ev::kFormatDescription) {
      auto f = parseFormatDescription(*event);
      ASSERT_TRUE(f.ok());
      format = *f;
      continue;
    }
    if (format.crc32 && h->type != ev::kRotate) {
      EXPECT_TRUE(crcMatches(*event)) << "event type " << int(h->type);
    }
    const auto body = bodyOf(*event, format);
    switch (h->type) {
      case ev::kHeartbeat: ++heartbeats; break;
      case ev::kGtid: seen.push_back("gtid"); break;
      case ev::kXid: seen.push_back("xid"); break;
      case ev::kTableMap: {
        auto m = parseTableMap(body, format);
        ASSERT_TRUE(m.ok()) << m.error().oneLine();
        maps[m->tableId] = *m;
        break;
      }
      default:
        if (isRowsEvent(h->type)) {
          auto rows = parseRows(body, h->type, format);
          ASSERT_TRUE(rows.ok()) << rows.error().oneLine();
          const auto& map = maps.at(rows->tableId);
          ASSERT_EQ(map.schema, kDb);
          auto images = decodeRows(*rows, map);
          ASSERT_TRUE(images.ok()) << images.error().oneLine();
          for (const auto& img : *images) {
            const auto& t = img.after ? *img.after : *img.before;
            const char* kind = rows->kind == RowsEvent::Kind::Write    ? "insert"
                               : rows->kind == RowsEvent::Kind::Update ? "update"
                                                                       : "delete";
            seen.push_back(std::string(kind) + " id=" + t[0].text + " v=" + t[1].text);
          }
        }
    }
  }
  EXPECT_EQ(core::join(seen, ", "),
            "gtid, insert id=1 v=a, insert id=2 v=b, insert id=3 v=c, xid, gtid, update id=2 v=B, xid, gtid, "
            "delete id=3 v=c, xid")
      << "three transactions after the start GTID, nothing before it";
  EXPECT_EQ(heartbeats, 2) << "an idle link brings heartbeats";
  test::mariadb("", std::string("DROP DATABASE IF EXISTS ") + kDb);
}

/// Reads the link until `until` is true of the changes so far (or 500 events).
core::Status readChanges(connect::BinlogReader& reader, cdc::BinlogChanges& changes, std::vector<cdc::ChangeEvent>& out,
                         const std::function<bool()>& until) {
  for (int i = 0; i < 500 && !until(); ++i) {
    auto event = reader.next();
    if (!event) return std::move(event).error();
    FERRY_TRY(changes.feed(*event, out));
  }
  return {};
}

std::string summary(const std::vector<cdc::ChangeEvent>& events) {
  std::vector<std::string> parts;
  for (const auto& e : events) {
    switch (e.kind) {
      case cdc::ChangeEvent::Kind::Begin: parts.push_back("begin"); break;
      case cdc::ChangeEvent::Kind::Commit: parts.push_back("commit"); break;
      case cdc::ChangeEvent::Kind::Relation: {
        std::string cols;
        for (const auto& c : e.relation->columns) cols += (cols.empty() ? "" : " ") + c.name + (c.key ? "*" : "");
        parts.push_back("relation " + e.relation->label() + "(" + cols + ")");
        break;
      }
      case cdc::ChangeEvent::Kind::Insert: parts.push_back("insert " + e.newTuple[0].text + "=" + e.newTuple[1].text); break;
      case cdc::ChangeEvent::Kind::Update:
        parts.push_back("update " + e.oldTuple->at(1).text + "->" + e.newTuple[1].text);
        break;
      case cdc::ChangeEvent::Kind::Delete: parts.push_back("delete " + e.oldTuple->at(0).text); break;
      default: parts.push_back("other"); break;
    }
  }
  return core::join(parts, ", ");
}

/// The link and the decoder together give the stream's ChangeEvents: each
/// transaction begin … commit with its GTID, a Relation (names, key) before the
/// first rows of a table, whole images; the position ends at the server's own.
TEST(BinlogChanges, TransactionsBecomeTheStreamsChangeEvents) {
  test::recreateMySqlDatabase(kDb);
  test::mariadb(kDb, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
  const std::string start = gtidPosition();
  test::mariadb(kDb, "START TRANSACTION; INSERT INTO t VALUES (1, 'a'), (2, 'b'); COMMIT; "
                     "UPDATE t SET v = 'B' WHERE id = 2; DELETE FROM t WHERE id = 1");
  const std::string end = gtidPosition();
  connect::BinlogReaderOptions options;
  options.serverId = 4245;
  options.gtidStart = start;
  auto reader = connect::BinlogReader::open(test::mysqlSpec(), options);
  ASSERT_TRUE(reader.ok()) << reader.error().oneLine();
  cdc::BinlogChanges changes;
  auto from = cdc::GtidPosition::parse(start);
  ASSERT_TRUE(from.ok());
  changes.setPosition(*from);
  std::vector<cdc::ChangeEvent> events;
  auto endPos = cdc::GtidPosition::parse(end);
  ASSERT_TRUE(endPos.ok());
  auto read = readChanges(**reader, changes, events, [&] { return changes.position().coversAll(*endPos); });
  ASSERT_TRUE(read.ok()) << read.error().oneLine();
  EXPECT_EQ(summary(events),
            "begin, relation " + std::string(kDb) + ".t(id* v), insert 1=a, insert 2=b, commit, begin, update b->B, "
            "commit, begin, delete 1, commit");
  EXPECT_EQ(changes.position().text(), end) << "the position after the last transaction is the server's";
  ASSERT_GE(events.size(), 2u);
  ASSERT_TRUE(events.front().gtid && events.back().gtid);
  EXPECT_EQ(events.back().gtid->text(), end);
  test::mariadb("", std::string("DROP DATABASE IF EXISTS ") + kDb);
}

/// XA transactions are refused by name, never applied before their decision.
TEST(BinlogChanges, AnXaTransactionIsRefusedByName) {
  test::recreateMySqlDatabase(kDb);
  test::mariadb(kDb, "CREATE TABLE t (id INT PRIMARY KEY)");
  const std::string start = gtidPosition();
  test::mariadb(kDb, "XA START 'ferry1'; INSERT INTO t VALUES (1); XA END 'ferry1'; XA PREPARE 'ferry1'; "
                     "XA COMMIT 'ferry1'");
  connect::BinlogReaderOptions options;
  options.serverId = 4246;
  options.gtidStart = start;
  auto reader = connect::BinlogReader::open(test::mysqlSpec(), options);
  ASSERT_TRUE(reader.ok()) << reader.error().oneLine();
  cdc::BinlogChanges changes;
  std::vector<cdc::ChangeEvent> events;
  auto read = readChanges(**reader, changes, events, [] { return false; });
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().kind(), core::ErrorKind::Unsupported) << read.error().oneLine();
  EXPECT_NE(read.error().message().find("XA"), std::string::npos) << read.error().oneLine();
  for (const auto& e : events) EXPECT_NE(e.kind, cdc::ChangeEvent::Kind::Insert) << "no row of it handed out";
  test::mariadb("", std::string("DROP DATABASE IF EXISTS ") + kDb);
}

TEST(BinlogReader, AGtidTheBinlogLacksIsSaidPlainly) {
  connect::BinlogReaderOptions options;
  options.serverId = 4243;
  options.gtidStart = "0-1-999999999";
  auto reader = connect::BinlogReader::open(test::mysqlSpec(), options);
  ASSERT_TRUE(reader.ok()) << reader.error().oneLine();
  core::Result<std::string_view> event = std::string_view();
  for (int i = 0; i < 20 && event.ok(); ++i) event = (*reader)->next();
  ASSERT_FALSE(event.ok()) << "the server refuses a GTID it never wrote";
  EXPECT_EQ(event.error().kind(), core::ErrorKind::NotFound) << event.error().oneLine();
  EXPECT_NE(event.error().message().find("cannot send the binlog"), std::string::npos) << event.error().oneLine();
  EXPECT_NE(event.error().hint().find("Copy again"), std::string::npos);
  std::cout << "[binlog reader] " << event.error().oneLine() << "\n";
}

TEST(BinlogReader, AbortEndsABlockedRead) {
  connect::BinlogReaderOptions options;
  options.serverId = 4244;
  options.gtidStart = gtidPosition();
  options.heartbeatMs = 20000;  // nothing arrives on its own for 20 s
  auto reader = connect::BinlogReader::open(test::mysqlSpec(), options);
  ASSERT_TRUE(reader.ok()) << reader.error().oneLine();
  // The catch-up events (ROTATE, FORMAT_DESCRIPTION, GTID_LIST) come at once.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*reader)->next().ok());
  std::jthread aborter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    (*reader)->abort();
  });
  const auto started = std::chrono::steady_clock::now();
  core::Result<std::string_view> event = std::string_view();
  for (int i = 0; i < 10 && event.ok(); ++i) event = (*reader)->next();
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(event.ok());
  EXPECT_EQ(event.error().kind(), core::ErrorKind::ConnectionLost) << event.error().oneLine();
  EXPECT_LT(waited, std::chrono::seconds(10)) << "not the 20 s heartbeat, nor the read timeout";
}

}  // namespace
}  // namespace ferry

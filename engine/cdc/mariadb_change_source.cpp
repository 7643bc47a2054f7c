// The MariaDB change source: the binlog read as a replica from the GTID
// position the stream resumes after (connect/mysql/binlog_reader.h), decoded
// into ChangeEvents (cdc/binlog_changes.h) on a thread of its own, handed out
// through a bounded queue. Positions are binlog file number and offset
// (LogPosition::binlogAt); the GTID position is what a restart resumes from.

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "cdc/binlog_changes.h"
#include "cdc/change_source.h"
#include "cdc/ddl_statement.h"
#include "connect/mysql/binlog_reader.h"
#include "core/text.h"

namespace ferry::cdc {

using core::Error;
using core::ErrorKind;

namespace {

class MariaDbChangeSource final : public ChangeSource {
public:
  MariaDbChangeSource(std::unique_ptr<connect::BinlogReader> reader, MariaDbSourceOptions options)
      : m_reader(std::move(reader)), m_options(std::move(options)), m_changes(m_options.textOf) {
    m_changes.setPosition(m_options.start);
    m_base = m_options.binlogBase;
    // Relation ids that stay the same across reconnects: the streamed tables in order.
    std::map<std::string, std::uint32_t> ids;
    for (const auto& t : m_options.tables) ids.emplace(t, static_cast<std::uint32_t>(ids.size() + 1));
    ids.emplace(m_options.heartbeatTable, static_cast<std::uint32_t>(ids.size() + 1));
    m_heartbeatId = ids[m_options.heartbeatTable];
    m_changes.setRelationIds(std::move(ids));
    m_thread = std::jthread([this](std::stop_token stop) { readLoop(stop); });
  }

  ~MariaDbChangeSource() override {
    m_thread.request_stop();
    m_reader->abort();
    m_notFull.notify_all();
    if (m_thread.joinable()) m_thread.join();
  }

  core::Result<std::optional<ChangeEvent>> next(int timeoutMs) override {
    std::unique_lock lock(m_mutex);
    if (m_handedBytes > 0) {
      m_handedBytes = 0;  // asked for the next one: the last event handed out is applied
      m_notFull.notify_one();
    }
    m_notEmpty.wait_for(lock, std::chrono::milliseconds(std::max(0, timeoutMs)),
                        [&] { return !m_queue.empty() || m_error.has_value(); });
    if (!m_queue.empty()) {
      Queued& q = m_queue.front();
      ChangeEvent e = std::move(q.event);
      m_handedEnd = q.end;
      m_handedBytes = q.bytes;
      m_queuedBytes -= q.bytes;
      m_queue.pop_front();
      m_notFull.notify_one();
      return std::optional<ChangeEvent>(std::move(e));
    }
    if (m_error) return *m_error;
    return std::optional<ChangeEvent>{};
  }

  core::Status confirm(const LogPosition& durable) override {
    std::lock_guard lock(m_mutex);
    m_confirmed = std::max(m_confirmed, durable);
    return {};
  }
  core::Status keepAlive() override {
    // The reader answers nothing: the server's heartbeats keep the link, and
    // a reader waiting on a full queue is ended by the server after its
    // net_write_timeout — the sync then reconnects from its stored position.
    std::lock_guard lock(m_mutex);
    if (m_error) return *m_error;
    return {};
  }
  void abortIo() override {
    m_reader->abort();
    m_notFull.notify_all();
  }
  /// Where the events handed out so far end: with nothing queued, the end of
  /// everything read (the rest was left out); else the end of the binlog event
  /// that made the last event handed out. Never ahead of what the sync has seen,
  /// so "serverEnd() ≥ p" means every transaction before p reached the sync.
  LogPosition serverEnd() const override {
    std::lock_guard lock(m_mutex);
    return m_queue.empty() ? m_readEnd : m_handedEnd;
  }
  LogPosition confirmed() const override {
    std::lock_guard lock(m_mutex);
    return m_confirmed;
  }
  bool alreadyApplied(const ChangeEvent&, const LogPosition&) const override { return false; }
  std::string describe(const LogPosition& p) const override {
    std::lock_guard lock(m_mutex);
    if (!p.valid()) return "—";
    if (!p.binlog || m_base.empty()) return p.text();
    return m_base + "." + p.text();
  }

private:
  void fail(Error e) {
    std::lock_guard lock(m_mutex);
    if (!m_error) m_error = std::move(e);
    m_notEmpty.notify_all();
  }

  /// The bytes of an event's row values.
  static std::size_t valueBytes(const ChangeEvent& e) {
    std::size_t n = 0;
    for (const auto& f : e.newTuple) n += f.text.size();
    if (e.oldTuple) {
      for (const auto& f : *e.oldTuple) n += f.text.size();
    }
    return n;
  }

  /// Waits for room, then queues `e`; false when stopping.
  bool push(ChangeEvent e, const std::stop_token& stop) {
    std::unique_lock lock(m_mutex);
    m_notFull.wait(lock, [&] { return m_queue.size() < m_options.queueEvents || stop.stop_requested(); });
    if (stop.stop_requested()) return false;
    const std::size_t bytes = valueBytes(e);
    m_queuedBytes += bytes;
    m_queue.push_back({std::move(e), m_eventEnd, bytes});
    m_notEmpty.notify_one();
    return true;
  }

  void readLoop(const std::stop_token& stop) {
    std::vector<ChangeEvent> out;
    while (!stop.stop_requested()) {
      {
        // Rows of huge values are not read ahead of the one being applied: a
        // 256 MiB row and the next 200 MB update would be held at once.
        std::unique_lock lock(m_mutex);
        m_notFull.wait(lock, [&] { return m_queuedBytes + m_handedBytes < kAheadBytes || stop.stop_requested(); });
      }
      if (stop.stop_requested()) return;
      auto event = m_reader->next();
      if (!event) {
        fail(std::move(event).error());
        return;
      }
      auto header = binlog::parseHeader(*event);
      if (!header) {
        fail(std::move(header).error());
        return;
      }
      if (header->type == binlog::ev::kRotate) {
        auto r = binlog::parseRotate(*event, {});
        if (!r) {
          fail(std::move(r).error());
          return;
        }
        const auto at = LogPosition::parse(r->file + ":" + std::to_string(r->position));
        std::lock_guard lock(m_mutex);
        m_file = at ? at->fileNumber() : 0;
        m_base = r->file.substr(0, r->file.rfind('.'));
      }
      LogPosition start, end;
      if (header->logPos > 0) {
        end = LogPosition::binlogAt(m_file, header->logPos);
        start = LogPosition::binlogAt(m_file, header->logPos >= header->size ? header->logPos - header->size : 0);
        m_eventEnd = std::max(m_eventEnd, end);
      }
      out.clear();
      if (auto fed = m_changes.feed(*event, out); !fed) {
        fail(std::move(fed).error());
        return;
      }
      for (auto& e : out) {
        if (!take(std::move(e), start, end, stop)) return;
      }
      // Only now, with its events queued: read up to here.
      std::lock_guard lock(m_mutex);
      m_readEnd = m_eventEnd;
    }
  }

  /// Keeps what the sync needs of one decoded event: transactions that touch a
  /// streamed table (or the heartbeat table), announced by a Begin only once
  /// the first such change comes.
  bool take(ChangeEvent e, const LogPosition& start, const LogPosition& end, const std::stop_token& stop) {
    using Kind = ChangeEvent::Kind;
    auto emit = [&](ChangeEvent ev) {
      if (!m_begun) {
        m_begun = true;
        if (!push(std::move(*m_begin), stop)) return false;
      }
      return push(std::move(ev), stop);
    };
    switch (e.kind) {
      case Kind::Begin:
        // Covered by the start, or written by Ferry's own apply (the way back's).
        m_skip = e.gtid && (m_options.start.covers(*e.gtid) || m_options.skipServerIds.contains(e.gtid->serverId));
        e.commitLsn = start;
        m_begin = std::move(e);
        m_begun = false;
        return true;
      case Kind::Commit: {
        if (m_skip || !m_begun) {
          m_skip = false;
          return true;
        }
        e.commitLsn = m_begin ? m_begin->commitLsn : start;
        e.endLsn = end;
        e.resumeText = m_changes.position().text() + " " + describe(end);
        m_begun = false;
        return push(std::move(e), stop);
      }
      default: break;
    }
    if (m_skip || !m_begin) {
      // A skipped transaction (covered by the start, or Ferry's own writes back)
      // may be the first to map a streamed table: the sync learns the table
      // from its Relation, which later transactions do not repeat.
      if (m_begin && e.kind == Kind::Relation && e.relationId != m_heartbeatId &&
          m_options.tables.contains(e.relation->label())) {
        return push(std::move(e), stop);
      }
      return true;
    }
    switch (e.kind) {
      case Kind::Relation:
        if (e.relationId == m_heartbeatId) {
          m_beatColumn = -1;
          for (std::size_t i = 0; i < e.relation->columns.size(); ++i) {
            if (e.relation->columns[i].name == "beat") m_beatColumn = static_cast<int>(i);
          }
          return true;
        }
        if (!m_options.tables.contains(e.relation->label())) return true;
        return emit(std::move(e));
      case Kind::Insert:
      case Kind::Update:
      case Kind::Delete:
        if (e.relationId == m_heartbeatId) {
          if (e.kind == Kind::Delete || m_beatColumn < 0 || static_cast<std::size_t>(m_beatColumn) >= e.newTuple.size()) {
            return true;
          }
          ChangeEvent m;
          m.kind = Kind::Message;
          m.prefix = kHeartbeatPrefix;
          m.content = e.newTuple[static_cast<std::size_t>(m_beatColumn)].text;
          m.transactional = true;
          return emit(std::move(m));
        }
        if (e.relationId == 0 || e.relationId > m_options.tables.size()) return true;
        return emit(std::move(e));
      case Kind::Ddl: {
        const auto d = parseDdl(e.content, e.prefix);
        bool ours = !d.understood && d.kind != DdlStatement::Kind::NotTable;
        for (const auto& t : d.tables) ours = ours || m_options.tables.contains(t);
        if (!ours) return true;
        return emit(std::move(e));
      }
      default: return emit(std::move(e));
    }
  }

  std::unique_ptr<connect::BinlogReader> m_reader;
  MariaDbSourceOptions m_options;
  BinlogChanges m_changes;  // the reader thread's only
  std::uint32_t m_heartbeatId = 0;
  int m_beatColumn = -1;
  std::optional<ChangeEvent> m_begin;  // the transaction in flight, not yet announced
  bool m_begun = false;
  bool m_skip = false;

  mutable std::mutex m_mutex;
  std::condition_variable m_notEmpty;
  std::condition_variable m_notFull;
  struct Queued {
    ChangeEvent event;
    LogPosition end;        ///< the end of its binlog event
    std::size_t bytes = 0;  ///< its row values' (valueBytes)
  };
  std::deque<Queued> m_queue;
  /// The reader reads no further while this many bytes of row values are
  /// decoded and not yet applied (queued, or the event handed out last).
  static constexpr std::size_t kAheadBytes = 64u << 20;
  std::size_t m_queuedBytes = 0;
  std::size_t m_handedBytes = 0;
  std::optional<Error> m_error;
  std::uint32_t m_file = 0;
  std::string m_base;
  LogPosition m_eventEnd;    ///< the reader thread's: the end of the event being taken in
  LogPosition m_readEnd;     ///< every event up to here was taken in (and its events queued)
  LogPosition m_handedEnd;   ///< the end of the event that made the last one handed out
  LogPosition m_confirmed;
  std::jthread m_thread;  // last: stopped before the rest goes
};

}  // namespace

core::Result<std::unique_ptr<ChangeSource>> openMariaDbChangeSource(const connect::ConnectionSpec& source,
                                                                    const MariaDbSourceOptions& options) {
  connect::BinlogReaderOptions ro;
  ro.serverId = options.serverId;
  ro.gtidStart = options.start.text();
  ro.heartbeatMs = options.serverHeartbeatMs;
  auto reader = connect::BinlogReader::open(source, ro);
  if (!reader) return std::move(reader).error().context("starting the change stream from the binlog");
  return std::unique_ptr<ChangeSource>(new MariaDbChangeSource(std::move(*reader), options));
}

}  // namespace ferry::cdc

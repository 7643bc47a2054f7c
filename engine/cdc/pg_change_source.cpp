// The PostgreSQL change source: START_REPLICATION … LOGICAL with pgoutput
// (proto_version 1, messages on), decoded one message at a time.

#include <chrono>
#include <deque>

#include "cdc/change_source.h"
#include "cdc/apply_target.h"
#include "cdc/pgoutput.h"
#include "connect/pg/pg_stream.h"
#include "core/text.h"

namespace ferry::cdc {

namespace {

/// Well under wal_sender_timeout (60 s by default): an unasked status now and then
/// keeps a quiet stream from being cut.
constexpr auto kStatusInterval = std::chrono::seconds(10);

class PgChangeSource final : public ChangeSource {
public:
  PgChangeSource(std::unique_ptr<connect::PgReplicationStream> stream, LogPosition start)
      : m_stream(std::move(stream)), m_confirmed(start) {}

  core::Result<std::optional<ChangeEvent>> next(int timeoutMs) override {
    if (!m_pending.empty()) {
      ChangeEvent e = std::move(m_pending.front());
      m_pending.pop_front();
      return std::optional<ChangeEvent>(std::move(e));
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (true) {
      if (std::chrono::steady_clock::now() - m_lastStatus > kStatusInterval) FERRY_TRY(sendStatus(false));
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      auto msg = m_stream->next(static_cast<int>(std::max<long long>(0, left)));
      if (!msg) return std::move(msg).error();
      switch (msg->kind) {
        case connect::ReplicationMessage::Kind::None: return std::optional<ChangeEvent>{};
        case connect::ReplicationMessage::Kind::Keepalive:
          m_serverEnd = std::max(m_serverEnd, LogPosition{msg->walEnd});
          if (msg->replyRequested) FERRY_TRY(sendStatus(false));
          if (left <= 0) return std::optional<ChangeEvent>{};
          continue;
        case connect::ReplicationMessage::Kind::XLogData: {
          auto ev = m_decoder.decode(msg->data);
          m_stream->release();  // decoded: the message's memory goes before its change is applied
          if (!ev) return std::move(ev).error();
          if (m_heldBegin) {
            // The message after a Begin: an Origin says the transaction was
            // replicated into this server — by Ferry's own apply (the other
            // direction of this migration), it goes no further.
            const auto origin = m_decoder.takeOrigin();
            if (origin && isFerryOrigin(*origin)) {
              m_heldBegin.reset();
              m_dropping = true;
              if (!*ev) continue;
            } else {
              ChangeEvent begin = std::move(*m_heldBegin);
              m_heldBegin.reset();
              if (*ev) m_pending.push_back(std::move(**ev));
              return std::optional<ChangeEvent>(std::move(begin));
            }
          }
          if (!*ev) continue;
          if (m_dropping) {
            // Relations pass: later transactions name them by id only.
            if ((*ev)->kind == ChangeEvent::Kind::Relation) return ev;
            if ((*ev)->kind == ChangeEvent::Kind::Commit) m_dropping = false;
            continue;
          }
          if ((*ev)->kind == ChangeEvent::Kind::Begin) {
            m_heldBegin = std::move(**ev);
            continue;
          }
          return ev;
        }
      }
    }
  }

  core::Status confirm(const LogPosition& durable) override {
    if (durable <= m_confirmed) return {};
    m_confirmed = durable;
    return sendStatus(false);
  }

  core::Status keepAlive() override {
    if (std::chrono::steady_clock::now() - m_lastStatus > kStatusInterval) return sendStatus(false);
    return {};
  }

  void abortIo() override { m_stream->shutdownSocket(); }

  LogPosition serverEnd() const override { return m_serverEnd; }
  LogPosition confirmed() const override { return m_confirmed; }

private:
  core::Status sendStatus(bool askReply) {
    m_lastStatus = std::chrono::steady_clock::now();
    // written/flushed/applied: all the confirmed position. The server lets the
    // slot forget what lies before "flushed" only.
    return m_stream->sendStatus({m_confirmed.lsn, m_confirmed.lsn, m_confirmed.lsn}, askReply);
  }

  std::unique_ptr<connect::PgReplicationStream> m_stream;
  PgOutputDecoder m_decoder;
  std::optional<ChangeEvent> m_heldBegin;  // until the next message says whether an Origin follows
  std::deque<ChangeEvent> m_pending;       // the message after it, handed out next
  bool m_dropping = false;                 // inside a transaction of Ferry's own apply
  LogPosition m_confirmed;
  LogPosition m_serverEnd;
  std::chrono::steady_clock::time_point m_lastStatus = std::chrono::steady_clock::now();
};

}  // namespace

core::Result<std::unique_ptr<ChangeSource>> openPgChangeSource(const connect::ConnectionSpec& source,
                                                               const PgSourceOptions& options) {
  // publication: one name, or several separated by commas (a run's own names have none).
  std::vector<std::string> names;
  for (const auto& name : core::split(options.publication, ',')) names.push_back("\"" + name + "\"");
  auto stream = connect::PgReplicationStream::start(
      source, options.slot, options.start.lsn,
      {{"proto_version", "1"}, {"publication_names", core::join(names, ",")}, {"messages", "true"}});
  if (!stream) return std::move(stream).error().context("starting the change stream from slot " + options.slot);
  return std::unique_ptr<ChangeSource>(new PgChangeSource(std::move(*stream), options.start));
}

}  // namespace ferry::cdc

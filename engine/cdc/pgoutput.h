#pragma once
/// Decodes the messages of PostgreSQL's pgoutput plugin (protocol version 1,
/// with `messages 'true'`): Begin, Commit, Origin, Relation, Type, Insert,
/// Update, Delete, Truncate, Message. One XLogData payload holds one message.
/// Relations are remembered, since row messages name them by id only.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cdc/change_event.h"
#include "core/result.h"

namespace ferry::cdc {

class PgOutputDecoder {
public:
  /// One message as an event; nullopt for the ones the stream does not need
  /// (Origin, Type). A malformed message is an Error of kind Protocol.
  core::Result<std::optional<ChangeEvent>> decode(std::string_view message);
  /// The shape last described for `id`, or nullptr.
  const Relation* relation(std::uint32_t id) const;
  /// The origin the last Origin message named (it follows a transaction's
  /// Begin when the transaction was replicated into this server), once.
  std::optional<std::string> takeOrigin() { return std::exchange(m_origin, std::nullopt); }

private:
  std::map<std::uint32_t, Relation> m_relations;
  std::optional<std::string> m_origin;
};

}  // namespace ferry::cdc

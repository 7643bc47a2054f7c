#pragma once
/// Decodes the messages of PostgreSQL's pgoutput plugin (protocol version 1,
/// with `messages 'true'`): Begin, Commit, Origin, Relation, Type, Insert,
/// Update, Delete, Truncate, Message. One XLogData payload holds one message.
/// Relations are remembered, since row messages name them by id only.

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

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

private:
  std::map<std::uint32_t, Relation> m_relations;
};

}  // namespace ferry::cdc

#pragma once
/// From MariaDB binlog events to the stream's ChangeEvents: a GTID begins a
/// transaction, XID (or QUERY COMMIT) ends it; each TABLE_MAP becomes a
/// Relation (its column names and primary key from binlog_row_metadata =
/// FULL; the binlog type and metadata stand in for the type OID and typmod, so
/// a changed column shows as a changed Relation); row events become
/// Insert/Update/Delete with whole before and after images. The applier then
/// treats them like pgoutput's. Pure: fed whole events (connect/mysql/
/// binlog_reader.h, or a file in the tests).

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cdc/binlog_event.h"
#include "cdc/binlog_rows.h"
#include "cdc/change_event.h"
#include "core/result.h"

namespace ferry::cdc {

class BinlogChanges {
public:
  /// How a column prints (UUID/INET forms, DOUBLE(M,D), character set), from the
  /// source's catalog, by schema, table and column name.
  using TextOf = std::function<binlog::ValueText(const std::string& schema, const std::string& table,
                                                 const std::string& column)>;
  explicit BinlogChanges(TextOf textOf = {}) : m_textOf(std::move(textOf)) {}

  /// One whole event; the ChangeEvents it makes are appended to `out`. An XA
  /// transaction, a row event without its TABLE_MAP or an undecodable row is
  /// an Error (nothing of that transaction was handed out as committed).
  core::Status feed(std::string_view event, std::vector<ChangeEvent>& out);

  /// The GTID position after the last transaction handed out whole.
  const GtidPosition& position() const { return m_position; }
  void setPosition(GtidPosition p) { m_position = std::move(p); }
  /// Relation ids by "schema.table", kept across reconnects (a table not named
  /// gets the next free id).
  void setRelationIds(std::map<std::string, std::uint32_t> ids) { m_relationIds = std::move(ids); }
  /// Heartbeats seen (an idle source still proves it is there).
  std::uint64_t heartbeats() const { return m_heartbeats; }

private:
  core::Status tableMap(std::string_view body, std::vector<ChangeEvent>& out);
  core::Status rows(std::string_view body, std::uint8_t type, std::vector<ChangeEvent>& out);
  void commit(std::vector<ChangeEvent>& out);

  TextOf m_textOf;
  binlog::Format m_format;
  bool m_haveFormat = false;
  struct Mapped {
    binlog::TableMap map;
    std::uint32_t relationId = 0;
    std::vector<binlog::ValueText> texts;
  };
  std::map<std::uint64_t, Mapped> m_maps;                 ///< by binlog table id
  std::map<std::string, std::uint32_t> m_relationIds;     ///< "schema.table" → stable relation id
  std::map<std::uint32_t, Relation> m_sentRelations;      ///< the shape last handed out
  std::optional<binlog::GtidEvent> m_open;                ///< the transaction in flight
  std::uint32_t m_openTimestamp = 0;
  GtidPosition m_position;
  std::uint64_t m_heartbeats = 0;
};

}  // namespace ferry::cdc

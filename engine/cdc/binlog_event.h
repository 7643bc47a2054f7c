#pragma once
/// MariaDB binlog events as the server writes them (10.5+; docs/research/
/// mariadb-binlog.md): the common header, FORMAT_DESCRIPTION, ROTATE, GTID,
/// GTID_LIST, XID, QUERY (also compressed), TABLE_MAP with its optional
/// metadata, and the v1 row events (also compressed). Pure parsing of bytes,
/// no connection: the binlog source frames events with Connector/C and hands
/// each one here; the tests feed the same functions from a binlog file. Row
/// images are decoded in cdc/binlog_rows.h.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdc/position.h"
#include "core/result.h"

namespace ferry::cdc::binlog {

/// Event type codes (Log_event_type). Our own spellings: Connector/C's header
/// defines unscoped enumerators of the plain names.
namespace ev {
constexpr std::uint8_t kQuery = 2;
constexpr std::uint8_t kStop = 3;
constexpr std::uint8_t kRotate = 4;
constexpr std::uint8_t kFormatDescription = 15;
constexpr std::uint8_t kXid = 16;
constexpr std::uint8_t kTableMap = 19;
constexpr std::uint8_t kWriteRowsV1 = 23;
constexpr std::uint8_t kUpdateRowsV1 = 24;
constexpr std::uint8_t kDeleteRowsV1 = 25;
constexpr std::uint8_t kIncident = 26;
constexpr std::uint8_t kHeartbeat = 27;
constexpr std::uint8_t kWriteRowsV2 = 30;  ///< MySQL only
constexpr std::uint8_t kDeleteRowsV2 = 32;
constexpr std::uint8_t kMySqlGtid = 33;  ///< MySQL only
constexpr std::uint8_t kXaPrepare = 38;
constexpr std::uint8_t kAnnotateRows = 160;
constexpr std::uint8_t kBinlogCheckpoint = 161;
constexpr std::uint8_t kGtid = 162;
constexpr std::uint8_t kGtidList = 163;
constexpr std::uint8_t kStartEncryption = 164;
constexpr std::uint8_t kQueryCompressed = 165;
constexpr std::uint8_t kWriteRowsCompressedV1 = 166;
constexpr std::uint8_t kUpdateRowsCompressedV1 = 167;
constexpr std::uint8_t kDeleteRowsCompressedV1 = 168;
}  // namespace ev

constexpr std::size_t kHeaderLength = 19;

struct EventHeader {
  std::uint32_t timestamp = 0;
  std::uint8_t type = 0;
  std::uint32_t serverId = 0;
  std::uint32_t size = 0;    ///< header + body + checksum
  std::uint32_t logPos = 0;  ///< where the next event starts (0: artificial)
  std::uint16_t flags = 0;
};

/// What FORMAT_DESCRIPTION says about the events after it.
struct Format {
  std::string serverVersion;  ///< "10.11.6-MariaDB-log"
  std::vector<std::uint8_t> postHeaderLength;  ///< by type − 1
  bool crc32 = false;  ///< every event ends with a CRC32 of the rest
  std::size_t postHeader(std::uint8_t type) const {
    return type >= 1 && type <= postHeaderLength.size() ? postHeaderLength[type - 1] : 0;
  }
};

core::Result<EventHeader> parseHeader(std::string_view event);
/// The FORMAT_DESCRIPTION event (a checksum-aware server always ends it with
/// the algorithm byte and a CRC, whatever the algorithm).
core::Result<Format> parseFormatDescription(std::string_view event);
/// Whether the event's last 4 bytes are the CRC32 of the rest.
bool crcMatches(std::string_view event);
/// The body: after the header, without the checksum.
std::string_view bodyOf(std::string_view event, const Format& format);

using Gtid = cdc::Gtid;

struct GtidEvent {
  Gtid gtid;
  std::uint8_t flags = 0;
  bool standalone() const { return flags & 0x01; }  ///< one statement, no XID/COMMIT after it (DDL)
  bool preparedXa() const { return flags & 0x40; }
  bool completedXa() const { return flags & 0x80; }
};
core::Result<GtidEvent> parseGtid(std::string_view body, std::uint32_t serverId);
core::Result<std::vector<Gtid>> parseGtidList(std::string_view body);

struct Rotate {
  std::uint64_t position = 0;
  std::string file;
};
/// `event` whole: whether the name ends in a checksum is told by the CRC itself
/// (the server's artificial ROTATE carries one or not depending on the moment).
core::Result<Rotate> parseRotate(std::string_view event, const Format& format);

struct Query {
  std::string schema;
  std::string sql;
  std::uint16_t errorCode = 0;
};
/// QUERY or QUERY_COMPRESSED.
core::Result<Query> parseQuery(std::string_view body, const Format& format, bool compressed);

/// One column of a TABLE_MAP: how its values are laid out in row images.
struct MapColumn {
  std::uint8_t type = 0;       ///< the real type (STRING's ENUM/SET/CHAR resolved)
  std::uint32_t meta = 0;      ///< type-specific: lengths, precision << 8 | scale, fsp, bits
  std::uint32_t maxLength = 0; ///< STRING/VARCHAR: bytes; BLOB/GEOMETRY: length bytes
  bool nullable = true;
  bool isUnsigned = false;
  bool binary = false;  ///< character set binary (collation 63)
  std::string name;     ///< binlog_row_metadata=FULL
  std::vector<std::string> labels;  ///< ENUM/SET members
};

struct TableMap {
  std::uint64_t tableId = 0;
  std::string schema;
  std::string table;
  std::vector<MapColumn> columns;
  bool hasNames = false;       ///< COLUMN_NAME metadata was there
  bool hasSignedness = false;
  std::vector<std::size_t> primaryKey;  ///< column indexes (SIMPLE_PRIMARY_KEY / with prefix)
};
core::Result<TableMap> parseTableMap(std::string_view body, const Format& format);

/// A row event: its table and the row images, decompressed.
struct RowsEvent {
  enum class Kind : std::uint8_t { Write, Update, Delete };
  Kind kind = Kind::Write;
  std::uint64_t tableId = 0;
  std::uint16_t flags = 0;  ///< 0x01: the statement's last row event
  std::uint32_t width = 0;  ///< the table's column count
  std::vector<bool> present;       ///< columns in the (before) image
  std::vector<bool> presentAfter;  ///< Update: columns in the after image
  std::string rows;                ///< the images, back to back
};
/// `type` one of the v1 row events, plain or compressed.
core::Result<RowsEvent> parseRows(std::string_view body, std::uint8_t type, const Format& format);

/// MariaDB's compressed payload (log_bin_compress): header byte, big-endian
/// length, zlib stream.
core::Result<std::string> uncompressPayload(std::string_view data);

bool isRowsEvent(std::uint8_t type);
/// A column type the SIGNEDNESS metadata has a bit for (YEAR among them).
bool isNumericType(std::uint8_t type);

/// Bounded little-endian reads; every overrun is an error naming `what`.
class ByteReader {
public:
  ByteReader(std::string_view data, std::string what) : m_data(data), m_what(std::move(what)) {}
  std::size_t left() const { return m_data.size() - m_pos; }
  std::size_t pos() const { return m_pos; }
  bool atEnd() const { return m_pos >= m_data.size(); }
  core::Result<std::uint64_t> uint(std::size_t bytes);      ///< little-endian
  core::Result<std::uint64_t> uintBE(std::size_t bytes);    ///< big-endian
  core::Result<std::uint64_t> packed();                     ///< length-encoded integer
  core::Result<std::string_view> bytes(std::size_t n);
  core::Result<std::string_view> rest() { return bytes(left()); }
  core::Error overrun(std::size_t wanted) const;

private:
  std::string_view m_data;
  std::size_t m_pos = 0;
  std::string m_what;
};

}  // namespace ferry::cdc::binlog

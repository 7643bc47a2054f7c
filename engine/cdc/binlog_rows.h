#pragma once
/// Row images of MariaDB's v1 row events, decoded by our own code from the
/// TABLE_MAP that precedes them (Connector/C's mariadb_rpl_extract_rows
/// mis-decodes several types: DESIGN.md). Each value comes out in the text the
/// copy reads for it through the text protocol (session time zone +00:00,
/// FLOAT read as DOUBLE, BIT as its bytes), so the stream's values go through
/// the same converters as the copy's.

#include <optional>
#include <string>
#include <vector>

#include "cdc/binlog_event.h"
#include "cdc/change_event.h"
#include "core/result.h"

namespace ferry::cdc::binlog {

/// What the layout cannot tell: MariaDB's UUID, INET6 and INET4 are
/// fixed-length binary strings in the binlog but text in a SELECT.
enum class TextForm : std::uint8_t { Plain, Uuid, Inet6, Inet4 };

/// How a column prints, from the catalog: its TextForm, and for DOUBLE(M,D)
/// the D decimals the server prints it with (the copy reads it rounded so).
struct ValueText {
  TextForm form = TextForm::Plain;
  int fixedDecimals = -1;
  /// The column's character set (text columns): the binlog holds its bytes,
  /// the copy reads them converted to utf8mb4. Empty, utf8mb4, utf8mb3 and
  /// ascii need nothing; latin1 is converted (MySQL's latin1 is cp1252); any
  /// other is refused by name.
  std::string charset;
};

/// One row change: the before image (Update, Delete) and the after image
/// (Write, Update), one Field per table column.
struct RowImages {
  std::optional<Tuple> before;
  std::optional<Tuple> after;
};

/// Every row of `rows`, decoded by `map`. `texts` (by column, may be shorter)
/// says how columns print where the layout does not tell. An image that lacks a column
/// (binlog_row_image other than FULL) is refused: the stream needs whole rows.
core::Result<std::vector<RowImages>> decodeRows(const RowsEvent& rows, const TableMap& map,
                                                const std::vector<ValueText>& texts = {});

/// One value, from the front of `data` (exposed for the fuzzer and the tests);
/// `used` is set to the bytes it took.
core::Result<std::string> decodeValue(const MapColumn& column, std::string_view data, std::size_t& used,
                                      const ValueText& text = {});

/// A double as MariaDB's text protocol prints it: the shortest digits that read
/// back as the same value, in exponent form below 1e-4 and from 1e15 ("1e-6",
/// "9.007199254740992e15", "0.0001").
std::string serverDouble(double v);

}  // namespace ferry::cdc::binlog

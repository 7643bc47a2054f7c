#pragma once
/// Value encodings of the data paths: PostgreSQL COPY text format (both ways)
/// and MySQL literals for multi-row INSERT.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ferry::copy {

using TextRow = std::vector<std::optional<std::string>>;

/// Appends one field in COPY text format (\N for NULL; backslash, tab, newline,
/// carriage return escaped).
void appendPgCopyField(std::string& out, std::optional<std::string_view> value);

/// Splits one COPY text line (without its newline) into fields, undoing the
/// escapes (\b \f \n \r \t \v \\, octal \ooo, hex \xhh) and turning \N into NULL.
void parsePgCopyLine(std::string_view line, TextRow& fields);

/// COPY text output, which arrives in pieces of any size, cut into lines: each
/// row goes to `onRow` as views of its fields, valid during the call.
class CopyTextRows {
public:
  using Row = std::vector<std::optional<std::string_view>>;
  core::Status feed(std::string_view data, const std::function<core::Status(const Row&)>& onRow);
  /// The columns (true) whose values to give as a bytea's bytes: a 256 MiB
  /// bytea costs 256 MB here, not 512 MB of text and the bytes after.
  void setByteaColumns(std::vector<bool> columns) { m_bytea = std::move(columns); }

private:
  std::vector<bool> m_bytea;
  std::string m_pending;  ///< the start of a line whose end has not come yet
  TextRow m_fields;       ///< the current row's unescaped fields
  Row m_view;
};

/// Appends a MySQL literal: NULL, X'…' for binary targets, or '…' with quotes
/// doubled (the writing session sets NO_BACKSLASH_ESCAPES).
void appendMySqlLiteral(std::string& out, std::optional<std::string_view> value, bool binary);

}  // namespace ferry::copy

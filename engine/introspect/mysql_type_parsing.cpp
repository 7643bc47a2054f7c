// parseMySqlColumnType: splits a MySQL/MariaDB COLUMN_TYPE into the facets of model::DataType.
// Pure text work, no server: the introspector overrides length and fractional-second
// precision with information_schema's own numbers where it has them.

#include <cctype>
#include <cstdlib>
#include <initializer_list>
#include <string_view>

#include "core/text.h"
#include "introspect/introspector.h"

namespace ferry::introspect {
namespace {

bool isOneOf(const std::string& s, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (s == n) return true;
  }
  return false;
}

std::optional<std::int64_t> toInt(const std::string& s) {
  const std::string t = core::trim(s);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const long long v = std::strtoll(t.c_str(), &end, 10);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(v);
}

/// Reads the quoted members of an ENUM/SET list: 'a','b''c'. Quotes are doubled by the
/// server; MySQL also writes backslash escapes (\\, \n, \r, \0, \Z) for control bytes.
std::vector<std::string> parseQuotedList(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '\'') {
      ++i;  // separators and blanks between members
      continue;
    }
    ++i;
    std::string value;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          value += '\'';
          i += 2;
          continue;
        }
        ++i;  // closing quote
        break;
      }
      if (c == '\\' && i + 1 < s.size()) {
        const char e = s[i + 1];
        switch (e) {
          case 'n': value += '\n'; break;
          case 'r': value += '\r'; break;
          case 't': value += '\t'; break;
          case '0': value += '\0'; break;
          case 'Z': value += '\x1a'; break;
          default: value += e; break;
        }
        i += 2;
        continue;
      }
      value += c;
      ++i;
    }
    out.push_back(std::move(value));
  }
  return out;
}

/// Index of the ')' closing the '(' at `open`, skipping quoted text; npos when unbalanced.
std::size_t closingParen(const std::string& s, std::size_t open) {
  bool quoted = false;
  for (std::size_t i = open + 1; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '\'') {
        if (i + 1 < s.size() && s[i + 1] == '\'') {
          ++i;
        } else {
          quoted = false;
        }
      }
    } else if (c == '\'') {
      quoted = true;
    } else if (c == ')') {
      return i;
    }
  }
  return std::string::npos;
}

/// Largest size of the TEXT/BLOB family: characters for text (as information_schema
/// reports CHARACTER_MAXIMUM_LENGTH), bytes for blobs.
std::optional<std::int64_t> lobLength(const std::string& base) {
  if (base == "tinytext" || base == "tinyblob") return 255;
  if (base == "text" || base == "blob") return 65535;
  if (base == "mediumtext" || base == "mediumblob") return 16777215;
  if (base == "longtext" || base == "longblob") return 4294967295LL;
  return std::nullopt;
}

}  // namespace

model::DataType parseMySqlColumnType(const std::string& columnType) {
  model::DataType t;
  t.declared = columnType;
  const std::string text = core::trim(columnType);

  std::size_t i = 0;
  while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) != 0 || text[i] == '_')) ++i;
  t.base = core::toLower(text.substr(0, i));

  std::string args;
  std::size_t rest = i;
  if (i < text.size() && text[i] == '(') {
    const std::size_t close = closingParen(text, i);
    if (close != std::string::npos) {
      args = text.substr(i + 1, close - i - 1);
      rest = close + 1;
    }
  }
  for (const std::string& word : core::split(core::toLower(text.substr(rest)), ' ')) {
    if (word == "unsigned") t.isUnsigned = true;
    if (word == "zerofill") {
      t.zerofill = true;
      t.isUnsigned = true;  // ZEROFILL implies UNSIGNED
    }
  }

  if (t.base == "enum" || t.base == "set") {
    t.values = parseQuotedList(args);
    return t;
  }
  std::optional<std::int64_t> a;
  std::optional<std::int64_t> b;
  if (!args.empty()) {
    const auto parts = core::split(args, ',');
    a = toInt(parts[0]);
    if (parts.size() > 1) b = toInt(parts[1]);
  }

  if (isOneOf(t.base, {"char", "varchar", "binary", "varbinary"})) {
    t.length = a ? a : std::optional<std::int64_t>(1);
  } else if (auto lob = lobLength(t.base)) {
    t.length = lob;
  } else if (t.base == "bit") {
    t.length = a ? a : std::optional<std::int64_t>(1);
  } else if (isOneOf(t.base, {"decimal", "numeric", "dec", "fixed"})) {
    t.precision = a ? static_cast<int>(*a) : 10;  // DECIMAL without digits is DECIMAL(10,0)
    t.scale = b ? static_cast<int>(*b) : 0;
  } else if (isOneOf(t.base, {"float", "double", "real"})) {
    if (a) t.precision = static_cast<int>(*a);
    if (b) t.scale = static_cast<int>(*b);
  } else if (isOneOf(t.base, {"datetime", "timestamp", "time"})) {
    t.precision = a ? static_cast<int>(*a) : 0;
  }
  return t;
}

}  // namespace ferry::introspect

#pragma once
/// Small string helpers shared by every engine folder.

#include <string>
#include <string_view>
#include <vector>

namespace ferry::core {

bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
std::string trim(std::string_view s);
std::string toLower(std::string_view s);
std::string toUpper(std::string_view s);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
/// Replaces every occurrence of `from` (non-empty) with `to`.
std::string replaceAll(std::string s, std::string_view from, std::string_view to);
bool containsNoCase(std::string_view haystack, std::string_view needle);

/// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool isValidUtf8(std::string_view s);
/// The bytes of `s` as lowercase hex digits, two per byte.
std::string hex(std::string_view s);
/// The value of a hex digit (either case); -1 when `c` is not one.
int hexDigit(char c);
/// Hex digits (an even count, either case) as the bytes they spell, into `out`;
/// false when they are not that.
bool unhex(std::string_view digits, std::string& out);
/// `s` itself when it is valid UTF-8, else "0x" and its bytes in hex: a value
/// that can be printed, written to JSON and read back by a person (a rejected
/// BLOB or geometry, a binary key).
std::string printableValue(std::string_view s);
/// Percent-decoding for URL components; false on a malformed escape.
bool percentDecode(std::string_view in, std::string& out);
std::string percentEncode(std::string_view in);
/// Shell-style match with '*' (any run) and '?' (one character); case-sensitive
/// unless ignoreCase.
bool globMatch(std::string_view pattern, std::string_view text, bool ignoreCase = false);
/// &, <, >, " as HTML entities.
std::string htmlEscape(std::string_view s);
/// "1.5 MB", "12 kB": for human output.
std::string humanBytes(long long bytes);
/// `s` followed by spaces up to `width` characters (UTF-8 code points, so
/// names in accents or CJK line up as far as a terminal's columns allow);
/// always at least `minGap` spaces after it.
std::string padRight(std::string_view s, std::size_t width, std::size_t minGap = 2);

}  // namespace ferry::core

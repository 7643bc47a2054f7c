#include "copy/copy_text.h"

namespace ferry::copy {

void appendPgCopyField(std::string& out, std::optional<std::string_view> value) {
  if (!value) {
    out += "\\N";
    return;
  }
  // Runs without a special character are appended whole: this is the copy's
  // hottest loop (a push_back per byte cost a fifth of the MySQL → PostgreSQL
  // path's client CPU).
  const std::string_view v = *value;
  std::size_t start = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c != '\\' && c != '\t' && c != '\n' && c != '\r') continue;
    out.append(v.data() + start, i - start);
    out += '\\';
    out += c == '\\' ? '\\' : c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
    start = i + 1;
  }
  out.append(v.data() + start, v.size() - start);
}

namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void parsePgCopyLine(std::string_view line, TextRow& fields) {
  fields.clear();
  std::string cur;
  bool isNull = false;
  auto flush = [&] {
    if (isNull) {
      fields.emplace_back(std::nullopt);
    } else {
      fields.emplace_back(std::move(cur));
    }
    cur.clear();
    isNull = false;
  };
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\t') {
      flush();
      continue;
    }
    if (c != '\\' || i + 1 >= line.size()) {
      cur += c;
      continue;
    }
    const char e = line[++i];
    switch (e) {
      case 'N': isNull = true; break;
      case 'b': cur += '\b'; break;
      case 'f': cur += '\f'; break;
      case 'n': cur += '\n'; break;
      case 'r': cur += '\r'; break;
      case 't': cur += '\t'; break;
      case 'v': cur += '\v'; break;
      case 'x': {
        int v = 0;
        int digits = 0;
        while (digits < 2 && i + 1 < line.size() && hexValue(line[i + 1]) >= 0) {
          v = v * 16 + hexValue(line[++i]);
          ++digits;
        }
        cur += static_cast<char>(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int k = 0; k < 2 && i + 1 < line.size() && line[i + 1] >= '0' && line[i + 1] <= '7'; ++k) {
            v = v * 8 + (line[++i] - '0');
          }
          cur += static_cast<char>(v);
        } else {
          cur += e;  // \\ and any other escaped character stand for themselves
        }
    }
  }
  flush();
}

void appendMySqlLiteral(std::string& out, std::optional<std::string_view> value, bool binary) {
  if (!value) {
    out += "NULL";
    return;
  }
  if (binary) {
    static const char* hex = "0123456789ABCDEF";
    out += "X'";
    for (unsigned char c : *value) {
      out += hex[c >> 4];
      out += hex[c & 15];
    }
    out += '\'';
    return;
  }
  out += '\'';
  for (char c : *value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
}

}  // namespace ferry::copy

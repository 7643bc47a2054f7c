#include "copy/copy_text.h"

#include "core/text.h"
#include "typemap/value_converter.h"

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

/// Undoes the COPY escapes of one field into `out`; runs without a backslash are
/// appended whole.
void unescapeField(std::string_view raw, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < raw.size()) {
    const size_t bs = raw.find('\\', i);
    if (bs == std::string_view::npos) {
      out.append(raw.substr(i));
      return;
    }
    out.append(raw.substr(i, bs - i));
    i = bs + 1;
    if (i >= raw.size()) {
      out += '\\';
      return;
    }
    const char e = raw[i++];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        int v = 0;
        int digits = 0;
        while (digits < 2 && i < raw.size() && core::hexDigit(raw[i]) >= 0) {
          v = v * 16 + core::hexDigit(raw[i++]);
          ++digits;
        }
        out += static_cast<char>(v);
        break;
      }
      default:
        if (e >= '0' && e <= '7') {
          int v = e - '0';
          for (int k = 0; k < 2 && i < raw.size() && raw[i] >= '0' && raw[i] <= '7'; ++k) v = v * 8 + (raw[i++] - '0');
          out += static_cast<char>(v);
        } else {
          out += e;  // \\ and any other escaped character stand for themselves
        }
    }
  }
}

/// A bytea field of a COPY line as its bytes: the hex form ("\\\\x" and digits in
/// the line) decoded straight from the line, without the 2x text in between;
/// the escape form (bytea_output = escape) unescaped first. False when it is neither.
bool byteaField(std::string_view raw, std::string& out) {
  if (raw.size() >= 3 && raw[0] == '\\' && raw[1] == '\\' && raw[2] == 'x') return core::unhex(raw.substr(3), out);
  std::string text;
  unescapeField(raw, text);
  auto bytes = typemap::convertValue(typemap::ConversionId::PgByteaToBytes, text, {});
  if (!bytes || !*bytes) return false;
  out = std::move(**bytes);
  return true;
}

/// Splits a COPY line on tabs (a tab inside a value is always escaped as \t)
/// and writes each field with `field(index, raw, out)` into the strings already
/// in `fields`, so their buffers are reused from row to row instead of allocated
/// per value. False when `field` was.
template <typename FieldFn>
bool splitLine(std::string_view line, TextRow& fields, FieldFn&& field) {
  size_t used = 0;
  size_t i = 0;
  bool ok = true;
  while (true) {
    size_t end = line.find('\t', i);
    if (end == std::string_view::npos) end = line.size();
    const std::string_view raw = line.substr(i, end - i);
    if (used == fields.size()) fields.emplace_back();
    auto& f = fields[used++];
    if (raw == "\\N") {
      f.reset();
    } else {
      if (!f) f.emplace();
      ok = field(used - 1, raw, *f) && ok;
    }
    if (end == line.size()) break;
    i = end + 1;
  }
  fields.resize(used);
  return ok;
}

}  // namespace

void parsePgCopyLine(std::string_view line, TextRow& fields) {
  splitLine(line, fields, [](std::size_t, std::string_view raw, std::string& out) {
    unescapeField(raw, out);
    return true;
  });
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

core::Status CopyTextRows::feed(std::string_view data, const std::function<core::Status(const Row&)>& onRow) {
  // The server sends one row per message: lines are cut from `data` itself (a
  // 512 MB row is not copied once more), only a line cut short waits in m_pending.
  std::string_view text = data;
  if (!m_pending.empty()) {
    m_pending.append(data);
    text = m_pending;
  }
  std::size_t start = 0;
  std::size_t nl;
  while ((nl = text.find('\n', start)) != std::string::npos) {
    const bool ok = splitLine(text.substr(start, nl - start), m_fields, [&](std::size_t i, std::string_view raw, std::string& out) {
      if (i < m_bytea.size() && m_bytea[i]) return byteaField(raw, out);
      unescapeField(raw, out);
      return true;
    });
    if (!ok) return core::Error(core::ErrorKind::Data, "a bytea value in the source's COPY output is neither hex nor escape form");
    m_view.assign(m_fields.size(), std::nullopt);
    for (std::size_t i = 0; i < m_fields.size(); ++i) {
      if (m_fields[i]) m_view[i] = std::string_view(*m_fields[i]);
    }
    FERRY_TRY(onRow(m_view));
    start = nl + 1;
  }
  if (text.data() == m_pending.data()) {
    m_pending.erase(0, start);
  } else {
    m_pending.assign(text.substr(start));
  }
  return {};
}

}  // namespace ferry::copy

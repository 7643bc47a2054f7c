#include "cdc/ddl_statement.h"

#include <cctype>

#include "core/text.h"

namespace ferry::cdc {

namespace {

struct Token {
  std::string text;   ///< an identifier unquoted, a keyword upper-cased, or one punctuation character
  bool quoted = false;
  bool word() const { return quoted || (!text.empty() && (std::isalnum(static_cast<unsigned char>(text[0])) || text[0] == '_' || text[0] == '$')); }
};

/// Words, `quoted` identifiers, strings (kept as one token), punctuation;
/// comments dropped (MariaDB's executable comments /*! … */ and /*M! … */ kept
/// as their content).
std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      if (i + 2 < s.size() && s[i + 2] == '!') {
        i += 3;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      } else if (i + 3 < s.size() && s[i + 2] == 'M' && s[i + 3] == '!') {
        i += 4;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      } else {
        const auto end = s.find("*/", i + 2);
        i = end == std::string_view::npos ? s.size() : end + 2;
      }
    } else if (c == '*' && i + 1 < s.size() && s[i + 1] == '/') {
      i += 2;  // the end of an executable comment
    } else if (c == '#' || (c == '-' && i + 2 < s.size() && s[i + 1] == '-' && std::isspace(static_cast<unsigned char>(s[i + 2])))) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '`' || c == '"' || c == '\'') {
      std::string text;
      ++i;
      while (i < s.size()) {
        if (s[i] == c && i + 1 < s.size() && s[i + 1] == c) {
          text += c;
          i += 2;
        } else if (s[i] == c) {
          ++i;
          break;
        } else if (s[i] == '\\' && c != '`' && i + 1 < s.size()) {
          text += s[i + 1];
          i += 2;
        } else {
          text += s[i++];
        }
      }
      out.push_back({c == '`' ? text : std::string(1, c) + text, c == '`'});
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80) {
      std::size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_' || s[j] == '$' ||
                              static_cast<unsigned char>(s[j]) >= 0x80)) {
        ++j;
      }
      out.push_back({std::string(s.substr(i, j - i)), false});
      i = j;
    } else {
      out.push_back({std::string(1, c), false});
      ++i;
    }
  }
  return out;
}

class Parser {
public:
  Parser(std::vector<Token> t, std::string schema) : m_t(std::move(t)), m_schema(std::move(schema)) {}
  bool atEnd() const { return m_i >= m_t.size(); }
  /// The next token is the keyword `kw` (unquoted): taken.
  bool take(const char* kw) {
    if (atEnd() || m_t[m_i].quoted || core::toUpper(m_t[m_i].text) != kw) return false;
    ++m_i;
    return true;
  }
  bool peek(const char* kw) const { return !atEnd() && !m_t[m_i].quoted && core::toUpper(m_t[m_i].text) == kw; }
  bool takePunct(char c) {
    if (atEnd() || m_t[m_i].quoted || m_t[m_i].text != std::string(1, c)) return false;
    ++m_i;
    return true;
  }
  /// An identifier, or "" when the next token is none.
  std::string ident() {
    if (atEnd() || !m_t[m_i].word()) return {};
    return m_t[m_i++].text;
  }
  /// [schema.]table as "schema.table".
  std::string table() {
    std::string a = ident();
    if (a.empty()) return {};
    if (takePunct('.')) {
      std::string b = ident();
      return b.empty() ? std::string() : a + "." + b;
    }
    return m_schema + "." + a;
  }
  /// Skips to the next comma at depth 0 (or the end); true when a comma was taken.
  bool skipToComma() {
    int depth = 0;
    while (!atEnd()) {
      const auto& t = m_t[m_i++];
      if (t.quoted) continue;
      if (t.text == "(") ++depth;
      if (t.text == ")") --depth;
      if (t.text == "," && depth == 0) return true;
    }
    return false;
  }
  /// Inside a parenthesised list: skips to its next comma (true) or past its
  /// closing parenthesis or to the end (false).
  bool skipInList() {
    int depth = 0;
    while (!atEnd()) {
      const auto& t = m_t[m_i++];
      if (t.quoted) continue;
      if (t.text == "(") ++depth;
      if (t.text == ")" && depth-- == 0) return false;
      if (t.text == "," && depth == 0) return true;
    }
    return false;
  }
  void ifExists() {
    if (take("IF")) {
      (void)take("NOT");
      (void)take("EXISTS");
    }
  }

private:
  std::vector<Token> m_t;
  std::size_t m_i = 0;
  std::string m_schema;
};

void alterSpecs(Parser& p, DdlStatement& d) {
  do {
    if (p.atEnd()) break;
    using Op = DdlStatement::Column::Op;
    if (p.take("ADD")) {
      if (p.peek("INDEX") || p.peek("KEY") || p.peek("PRIMARY") || p.peek("UNIQUE") || p.peek("CONSTRAINT") ||
          p.peek("FOREIGN") || p.peek("FULLTEXT") || p.peek("SPATIAL") || p.peek("CHECK") || p.peek("PARTITION") ||
          p.peek("PERIOD") || p.peek("SYSTEM")) {
        d.otherClauses = true;
      } else {
        (void)p.take("COLUMN");
        p.ifExists();
        if (p.takePunct('(')) {
          // ADD (a int, b int): each column's name follows a comma at depth 1.
          do {
            const std::string name = p.ident();
            if (name.empty()) {
              d.understood = false;
              return;
            }
            d.columns.push_back({Op::Add, name, {}});
          } while (p.skipInList());
          continue;  // at the list's end: the next clause, if a comma follows
        }
        const std::string name = p.ident();
        if (name.empty()) d.understood = false;
        d.columns.push_back({Op::Add, name, {}});
      }
    } else if (p.take("DROP")) {
      if (p.peek("INDEX") || p.peek("KEY") || p.peek("PRIMARY") || p.peek("FOREIGN") || p.peek("CONSTRAINT") ||
          p.peek("CHECK") || p.peek("PARTITION") || p.peek("PERIOD") || p.peek("SYSTEM")) {
        d.otherClauses = true;
      } else {
        (void)p.take("COLUMN");
        p.ifExists();
        const std::string name = p.ident();
        if (name.empty()) d.understood = false;
        d.columns.push_back({Op::Drop, name, {}});
      }
    } else if (p.take("MODIFY")) {
      (void)p.take("COLUMN");
      p.ifExists();
      const std::string name = p.ident();
      if (name.empty()) d.understood = false;
      d.columns.push_back({Op::Modify, name, {}});
    } else if (p.take("CHANGE")) {
      (void)p.take("COLUMN");
      p.ifExists();
      const std::string from = p.ident();
      const std::string to = p.ident();
      if (from.empty() || to.empty()) d.understood = false;
      d.columns.push_back({Op::Change, from, to});
    } else if (p.take("ALTER")) {
      (void)p.take("COLUMN");
      p.ifExists();
      const std::string name = p.ident();
      if (name.empty() || !(p.peek("SET") || p.peek("DROP"))) {
        d.understood = false;
        return;
      }
      d.columns.push_back({Op::Default, name, {}});
    } else if (p.take("RENAME")) {
      if (p.take("COLUMN")) {
        p.ifExists();
        const std::string from = p.ident();
        (void)p.take("TO");
        const std::string to = p.ident();
        if (from.empty() || to.empty()) d.understood = false;
        d.columns.push_back({Op::Rename, from, to});
      } else if (p.peek("INDEX") || p.peek("KEY")) {
        d.otherClauses = true;
      } else {
        (void)(p.take("TO") || p.take("AS"));
        const std::string to = p.table();
        if (to.empty()) d.understood = false;
        d.tables.push_back(to);
        d.renamesTable = true;
      }
    } else if (p.take("CONVERT")) {
      d.convertsCharset = true;
    } else {
      // ENGINE=, ALGORITHM=, LOCK=, FORCE, ORDER BY, COMMENT=, [DEFAULT] CHARSET= (new columns only),
      // partitioning, ENABLE/DISABLE KEYS: the columns stay as they are.
      d.otherClauses = true;
    }
  } while (p.skipToComma());
}

}  // namespace

DdlStatement parseDdl(std::string_view sql, const std::string& defaultSchema) {
  Parser p(tokenize(sql), defaultSchema);
  DdlStatement d;
  using Kind = DdlStatement::Kind;
  if (p.take("ALTER")) {
    (void)p.take("ONLINE");
    (void)p.take("IGNORE");
    if (!p.take("TABLE")) return d;  // ALTER USER, ALTER DATABASE, ALTER SEQUENCE, …
    d.kind = Kind::AlterTable;
    p.ifExists();
    const std::string t = p.table();
    if (t.empty()) {
      d.understood = false;
      return d;
    }
    d.tables.push_back(t);
    if (p.take("WAIT")) (void)p.ident();
    (void)p.take("NOWAIT");
    alterSpecs(p, d);
    return d;
  }
  if (p.take("RENAME")) {
    if (!p.take("TABLE") && !p.take("TABLES")) return d;  // RENAME USER
    d.kind = Kind::RenameTable;
    p.ifExists();
    do {
      const std::string from = p.table();
      if (p.take("WAIT")) (void)p.ident();
      (void)p.take("NOWAIT");
      if (!p.take("TO")) {
        d.understood = false;
        return d;
      }
      const std::string to = p.table();
      if (from.empty() || to.empty()) {
        d.understood = false;
        return d;
      }
      d.tables.push_back(from);
      d.tables.push_back(to);
    } while (p.takePunct(','));
    return d;
  }
  if (p.take("TRUNCATE")) {
    (void)p.take("TABLE");
    d.kind = Kind::Truncate;
    const std::string t = p.table();
    if (t.empty()) d.understood = false;
    d.tables.push_back(t);
    return d;
  }
  const bool create = p.take("CREATE");
  if (create || p.take("DROP")) {
    (void)(p.take("OR") && p.take("REPLACE"));
    (void)p.take("TEMPORARY");
    if (!p.take("TABLE")) return d;  // CREATE INDEX, DROP VIEW, …
    d.kind = create ? Kind::CreateTable : Kind::DropTable;
    p.ifExists();
    do {
      const std::string t = p.table();
      if (t.empty()) {
        d.understood = false;
        return d;
      }
      d.tables.push_back(t);
      if (create) break;
    } while (p.takePunct(','));
    return d;
  }
  // CREATE INDEX / DROP INDEX … ON t change no column; anything else names no table here.
  return d;
}

}  // namespace ferry::cdc

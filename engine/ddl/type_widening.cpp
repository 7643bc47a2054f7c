#include "ddl/type_widening.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <vector>

namespace ferry::ddl {

namespace {

/// "numeric(10,2)" → {base "numeric", args {10, 2}, suffix ""};
/// "int(10) unsigned" → {"int", {10}, "unsigned"}.
struct TypeText {
  std::string base;
  std::vector<long> args;
  std::string suffix;
  bool argsNumeric = true;
};

std::string squeeze(std::string s) {
  std::string out;
  for (char c : s) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += l;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

TypeText parse(const std::string& text) {
  TypeText t;
  const std::string s = squeeze(text);
  const auto open = s.find('(');
  const auto close = s.find(')', open == std::string::npos ? 0 : open);
  if (open == std::string::npos || close == std::string::npos) {
    // "timestamp without time zone", "bigint unsigned", "text"
    for (const char* suffix : {" without time zone", " with time zone", " unsigned zerofill", " unsigned"}) {
      const std::string sfx = suffix;
      if (s.size() > sfx.size() && s.compare(s.size() - sfx.size(), sfx.size(), sfx) == 0) {
        t.base = s.substr(0, s.size() - sfx.size());
        t.suffix = sfx.substr(1);
        return t;
      }
    }
    t.base = s;
    return t;
  }
  t.base = s.substr(0, open);
  while (!t.base.empty() && t.base.back() == ' ') t.base.pop_back();
  t.suffix = s.substr(close + 1);
  while (!t.suffix.empty() && t.suffix.front() == ' ') t.suffix.erase(0, 1);
  std::string arg;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (i == close || s[i] == ',') {
      if (arg.empty() || !std::all_of(arg.begin(), arg.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        t.argsNumeric = false;
      } else {
        t.args.push_back(std::stol(arg));
      }
      arg.clear();
    } else if (s[i] != ' ') {
      arg += s[i];
    }
  }
  return t;
}

std::optional<long> arg(const TypeText& t, std::size_t i) {
  if (i < t.args.size()) return t.args[i];
  return std::nullopt;
}

/// Decimal digits an integer type needs (its rank among the engine's integers).
std::optional<int> integerDigits(const std::string& base, bool isUnsigned) {
  static const std::map<std::string, std::pair<int, int>> digits = {
      {"smallint", {5, 5}}, {"integer", {10, 10}}, {"bigint", {19, 20}}, {"tinyint", {3, 3}},
      {"mediumint", {8, 8}}, {"int", {10, 10}}};
  const auto it = digits.find(base);
  if (it == digits.end()) return std::nullopt;
  return isUnsigned ? it->second.second : it->second.first;
}

int integerRank(const std::string& base) {
  static const std::map<std::string, int> rank = {{"tinyint", 1}, {"smallint", 2}, {"mediumint", 3},
                                                  {"int", 4},     {"integer", 4},  {"bigint", 5}};
  const auto it = rank.find(base);
  return it == rank.end() ? 0 : it->second;
}

/// Bytes a MySQL TEXT/BLOB type holds.
std::optional<long> lobBytes(const std::string& base) {
  static const std::map<std::string, long> bytes = {
      {"tinytext", 255},          {"text", 65535},           {"mediumtext", 16777215}, {"longtext", 4294967295L},
      {"tinyblob", 255},          {"blob", 65535},           {"mediumblob", 16777215}, {"longblob", 4294967295L}};
  const auto it = bytes.find(base);
  if (it == bytes.end()) return std::nullopt;
  return it->second;
}

bool isText(const std::string& base) { return base.find("text") != std::string::npos; }

bool pgWidening(const TypeText& f, const TypeText& t) {
  // Integers, and integers into numerics with room for every digit.
  if (const auto fd = integerDigits(f.base, false)) {
    if (integerRank(t.base) > integerRank(f.base)) return true;
    if (t.base == "numeric") return t.args.empty() || (arg(t, 0).value_or(0) - arg(t, 1).value_or(0) >= *fd);
    return false;
  }
  if (f.base == "numeric" && t.base == "numeric") {
    if (t.args.empty()) return true;
    if (f.args.empty()) return false;
    const long fs = arg(f, 1).value_or(0), ts = arg(t, 1).value_or(0);
    return ts >= fs && t.args[0] - ts >= f.args[0] - fs;
  }
  if (f.base == "real" && t.base == "double precision") return true;
  for (const char* var : {"character varying", "bit varying"}) {
    if (f.base == var && t.base == var) return t.args.empty() || (!f.args.empty() && t.args[0] > f.args[0]);
  }
  if (f.base == "character varying" && t.base == "text") return true;
  if ((f.base == "timestamp" || f.base == "time") && t.base == f.base && t.suffix == f.suffix) {
    return arg(t, 0).value_or(6) > arg(f, 0).value_or(6);
  }
  return false;
}

bool myWidening(const TypeText& f, const TypeText& t) {
  const bool fu = f.suffix.find("unsigned") != std::string::npos;
  const bool tu = t.suffix.find("unsigned") != std::string::npos;
  if (f.suffix.find("zerofill") != std::string::npos || t.suffix.find("zerofill") != std::string::npos) return false;
  if (const auto fd = integerDigits(f.base, fu)) {
    if (integerRank(t.base) > 0) {
      // Display widths are not limits. Unsigned into signed needs the next size up.
      if (fu == tu) return integerRank(t.base) > integerRank(f.base);
      return fu && !tu && integerRank(t.base) > integerRank(f.base);
    }
    if (t.base == "decimal" && (!tu || fu)) {
      return arg(t, 0).value_or(10) - arg(t, 1).value_or(0) >= *fd;
    }
    return false;
  }
  if (f.base == "decimal" && t.base == "decimal") {
    if (tu && !fu) return false;
    const long fs = arg(f, 1).value_or(0), ts = arg(t, 1).value_or(0);
    return ts >= fs && arg(t, 0).value_or(10) - ts >= arg(f, 0).value_or(10) - fs;
  }
  if (f.base == "float" && t.base == "double" && f.args.empty() && t.args.empty() && fu == tu) return true;
  if ((f.base == "varchar" && t.base == "varchar") || (f.base == "varbinary" && t.base == "varbinary")) {
    return !f.args.empty() && !t.args.empty() && t.args[0] > f.args[0];
  }
  // VARCHAR(n) into a TEXT that holds n characters of 4 bytes (VARBINARY(n) into a BLOB of n bytes).
  if (f.base == "varchar" && isText(t.base) && lobBytes(t.base)) return arg(f, 0).value_or(0) * 4 <= *lobBytes(t.base);
  if (f.base == "varbinary" && !isText(t.base) && lobBytes(t.base)) return arg(f, 0).value_or(0) <= *lobBytes(t.base);
  if (lobBytes(f.base) && lobBytes(t.base) && isText(f.base) == isText(t.base)) {
    return *lobBytes(t.base) > *lobBytes(f.base);
  }
  if ((f.base == "datetime" || f.base == "timestamp" || f.base == "time") && t.base == f.base) {
    return arg(t, 0).value_or(0) > arg(f, 0).value_or(0);
  }
  return false;
}

}  // namespace

bool isWidening(model::Engine engine, const std::string& from, const std::string& to) {
  const TypeText f = parse(from);
  const TypeText t = parse(to);
  if (!f.argsNumeric || !t.argsNumeric) return false;  // ENUM/SET labels, arrays of …: a decision
  if (f.base.find('[') != std::string::npos || t.base.find('[') != std::string::npos) return false;
  return engine == model::Engine::PostgreSQL ? pgWidening(f, t) : myWidening(f, t);
}

}  // namespace ferry::ddl

#include "ddl/quoting.h"

#include "core/text.h"

namespace ferry::ddl {

std::string quoteIdent(model::Engine engine, std::string_view ident) {
  const char q = engine == model::Engine::PostgreSQL ? '"' : '`';
  std::string out(1, q);
  for (char c : ident) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

std::string qualified(model::Engine engine, std::string_view schema, std::string_view name) {
  return quoteIdent(engine, schema) + "." + quoteIdent(engine, name);
}

std::string quoteLiteral(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string columnList(model::Engine engine, const std::vector<std::string>& columns) {
  std::vector<std::string> quoted;
  quoted.reserve(columns.size());
  for (const auto& c : columns) quoted.push_back(quoteIdent(engine, c));
  return core::join(quoted, ", ");
}

std::string commentBlock(std::string_view text, std::string_view indent) {
  std::string out;
  for (const auto& line : core::split(text, '\n')) {
    std::string l = line;
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out += std::string(indent) + "-- " + l + "\n";
  }
  return out;
}

std::string literalList(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ",") + quoteLiteral(v);
  return out;
}

}  // namespace ferry::ddl

// Parsing of PostgreSQL declared type text into base name and facets.

#include "core/text.h"
#include "introspect/introspector.h"

namespace ferry::introspect {

model::DataType parsePgDeclaredType(const std::string& declared) {
  model::DataType t;
  t.declared = declared;
  std::string text = declared;
  while (core::endsWith(text, "[]")) {
    text.resize(text.size() - 2);
    ++t.arrayDims;
  }
  std::vector<int> args;
  std::string base = text;
  // Facets sit in the first parenthesis outside quotes: numeric(10,2),
  // timestamp(3) with time zone, interval day to second(3).
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (quoted || text[i] != '(') continue;
    const size_t close = text.find(')', i);
    if (close == std::string::npos) break;
    for (const auto& part : core::split(text.substr(i + 1, close - i - 1), ',')) {
      try {
        args.push_back(std::stoi(core::trim(part)));
      } catch (const std::exception&) {
        args.clear();  // not numeric facets (e.g. an extension's typmod): keep the text only
        break;
      }
    }
    base = core::trim(text.substr(0, i)) + (close + 1 < text.size() ? " " + core::trim(text.substr(close + 1)) : "");
    break;
  }
  t.base = core::trim(base);
  const std::string& b = t.base;
  if (args.empty()) return t;
  if (b == "numeric" || b == "decimal") {
    t.precision = args[0];
    if (args.size() > 1) t.scale = args[1];
  } else if (b == "character varying" || b == "character" || b == "varchar" || b == "char" || b == "bpchar" ||
             b == "bit" || b == "bit varying" || b == "varbit") {
    t.length = args[0];
  } else if (core::startsWith(b, "timestamp") || core::startsWith(b, "time") || core::startsWith(b, "interval")) {
    t.precision = args[0];
  } else {
    t.precision = args[0];
    if (args.size() > 1) t.scale = args[1];
  }
  return t;
}

}  // namespace ferry::introspect

#pragma once
/// Identifier and literal quoting by each target's rules. Identifiers are
/// always quoted, so reserved words and mixed case survive.

#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.h"

namespace ferry::ddl {

std::string quoteIdent(model::Engine engine, std::string_view ident);
/// "schema"."name" (PostgreSQL) or `schema`.`name` (MySQL).
std::string qualified(model::Engine engine, std::string_view schema, std::string_view name);
/// A string literal; MySQL scripts set NO_BACKSLASH_ESCAPES, so both double quotes only.
std::string quoteLiteral(std::string_view value);
/// "'a','b''c'": ENUM/SET members as the DDL writes them (quotes doubled only:
/// MySQL sessions running it set NO_BACKSLASH_ESCAPES).
std::string literalList(const std::vector<std::string>& values);
/// Quoted, comma-separated column list without parentheses.
std::string columnList(model::Engine engine, const std::vector<std::string>& columns);
/// Prefixes every line of text with "-- " so any source text is inert.
std::string commentBlock(std::string_view text, std::string_view indent = "");

}  // namespace ferry::ddl

// mapColumn(): dispatch to the engine pair's rules, then the steps every pair shares
// (names, generated columns, defaults, severity). mapIndex(): index-level findings.

#include "typemap/type_mapper.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "typemap/mapper_internal.h"
#include "typemap/value_converter.h"

namespace ferry::typemap {
namespace detail {
namespace {

using Kind = SourceDefault::Kind;

bool isPg(model::Engine e) { return e == model::Engine::PostgreSQL; }

/// Fractional-second digits of a MySQL DATETIME(n)/TIMESTAMP(n)/TIME(n) target type text.
int targetFsp(const std::string& type) {
  const auto open = type.find('(');
  if (open == std::string::npos || open + 2 >= type.size()) return 0;
  return std::isdigit(static_cast<unsigned char>(type[open + 1])) != 0 ? type[open + 1] - '0' : 0;
}

bool isMySqlLobOrJson(const std::string& type) {
  const std::string u = core::toUpper(type);
  return core::endsWith(u, "TEXT") || core::endsWith(u, "BLOB") || u == "JSON" || core::startsWith(u, "GEOMETRY");
}

bool isTemporalTarget(const std::string& type) {
  const std::string l = core::toLower(type);
  return core::startsWith(l, "timestamp") || core::startsWith(l, "datetime");
}

void notTranslated(const model::Table& t, const model::Column& c, ColumnMapping& m, const std::string& why) {
  addFinding(m, "DEFAULT_NOT_TRANSLATED", Severity::Review,
             who(t, c) + " has the default " + c.defaultExpr.value_or("") + ", which " + why + "; the target column gets no default.",
             "Write the default in the target's syntax as an override, or set the value in the application.");
}

}  // namespace

void translateDefault(const MappingContext& ctx, const model::Table& t, const model::Column& c, const SourceDefault& d,
                      ColumnMapping& m) {
  const model::Engine target = ctx.targetEngine;
  const bool sameFamily = isPg(ctx.sourceEngine) == isPg(target);
  const bool mysqlExprDefaults = target == model::Engine::MariaDB ? ctx.targetVersion.atLeast(10, 2)
                                                                   : ctx.targetVersion.atLeast(8, 0, 13);
  auto wrapMySqlExpr = [&](const std::string& e) {
    return target == model::Engine::MySQL ? "(" + e + ")" : e;
  };
  switch (d.kind) {
    case Kind::None:
    case Kind::Null:
      return;
    case Kind::CurrentTimestamp: {
      if (isPg(target)) {
        m.defaultExpr = d.precision ? "CURRENT_TIMESTAMP(" + std::to_string(*d.precision) + ")" : "CURRENT_TIMESTAMP";
        return;
      }
      if (!isTemporalTarget(m.targetType)) {
        notTranslated(t, c, m, "MySQL allows only on DATETIME and TIMESTAMP columns");
        return;
      }
      const int fsp = targetFsp(m.targetType);
      m.defaultExpr = fsp > 0 ? "CURRENT_TIMESTAMP(" + std::to_string(fsp) + ")" : "CURRENT_TIMESTAMP";
      return;
    }
    case Kind::CurrentDate:
    case Kind::CurrentTime: {
      const bool date = d.kind == Kind::CurrentDate;
      if (isPg(target)) {
        m.defaultExpr = date ? "CURRENT_DATE" : "LOCALTIME";
      } else if (mysqlExprDefaults) {
        m.defaultExpr = wrapMySqlExpr(date ? "curdate()" : "curtime()");
      } else {
        notTranslated(t, c, m, "needs expression defaults (MySQL 8.0.13+, MariaDB 10.2+)");
      }
      return;
    }
    case Kind::Uuid: {
      if (sameFamily) {
        m.defaultExpr = isPg(target) ? d.text : wrapMySqlExpr("uuid()");
        return;
      }
      if (isPg(target) ? !ctx.targetVersion.atLeast(13) : !mysqlExprDefaults) {
        notTranslated(t, c, m, "has no built-in equivalent on this target version");
        return;
      }
      m.defaultExpr = isPg(target) ? std::string(core::containsNoCase(m.targetType, "uuid") ? "gen_random_uuid()"
                                                                                             : "gen_random_uuid()::text")
                                   : wrapMySqlExpr("uuid()");
      addFinding(m, "DEFAULT_UUID_VERSION", Severity::Review,
                 who(t, c) + " generates UUIDs by default; MySQL/MariaDB uuid() makes time-based version 1 values, "
                             "PostgreSQL gen_random_uuid() random version 4 values.",
                 "Check that nothing relies on the UUID version or its time ordering.");
      return;
    }
    case Kind::Sequence:
      if (isPg(target)) {
        m.defaultExpr = *c.defaultExpr;  // the sequence is recreated by the DDL generator under the same name
      } else if (m.identity == model::Identity::None) {
        notTranslated(t, c, m, "draws from a sequence and the column is not a key MySQL can AUTO_INCREMENT");
      }
      return;
    case Kind::Boolean:
      m.defaultExpr = isPg(target) ? d.text : (d.text == "true" ? "1" : "0");
      return;
    case Kind::Bit: {
      std::string bits = d.text;
      if (isPg(target) && m.conversionContext.bitLength > static_cast<std::int64_t>(bits.size())) {
        bits.insert(0, static_cast<std::size_t>(m.conversionContext.bitLength) - bits.size(), '0');
      }
      m.defaultExpr = (isPg(target) ? "B'" : "b'") + bits + "'";
      return;
    }
    case Kind::Expression:
      if (ctx.sourceEngine == target || (sameFamily && !isPg(target) && mysqlExprDefaults)) {
        m.defaultExpr = isPg(target) || ctx.sourceEngine == target ? *c.defaultExpr : wrapMySqlExpr(*c.defaultExpr);
      } else {
        notTranslated(t, c, m, "is an expression Ferry does not translate");
      }
      return;
    case Kind::Number:
    case Kind::String:
      break;
  }
  // A literal: run it through the column's converter so it reads as the target reads values.
  auto converted = convertValue(m.conversion, std::string_view(d.text), m.conversionContext);
  if (!converted.ok()) {
    notTranslated(t, c, m, "cannot be converted (" + converted.error().message() + ")");
    return;
  }
  if (!converted->has_value()) return;  // e.g. a zero date default under zero_dates_as=null
  const std::string& v = **converted;
  if (m.conversion == ConversionId::MySqlBytesToBytea) {
    m.defaultExpr = quoteLiteral(target, v) + "::bytea";
  } else if (d.kind == Kind::Number && v == d.text) {
    m.defaultExpr = v;
  } else {
    m.defaultExpr = quoteLiteral(target, v);
  }
  if (!isPg(target) && isMySqlLobOrJson(m.targetType)) {
    if (target == model::Engine::MySQL && mysqlExprDefaults) {
      m.defaultExpr = "(" + *m.defaultExpr + ")";
    } else if (target == model::Engine::MySQL) {
      m.defaultExpr.reset();
      notTranslated(t, c, m, "MySQL before 8.0.13 cannot set on TEXT, BLOB or JSON columns");
    }
  }
}

}  // namespace detail

bool isKeyColumn(const model::Table& table, const model::Column& column) {
  auto in = [&](const std::vector<std::string>& cols) {
    return std::find(cols.begin(), cols.end(), column.name) != cols.end();
  };
  if (table.primaryKey && in(table.primaryKey->columns)) return true;
  return std::any_of(table.uniques.begin(), table.uniques.end(), [&](const auto& u) { return in(u.columns); });
}

ColumnMapping mapColumn(const MappingContext& ctx, const model::Table& table, const model::Column& column,
                        const ColumnRole& role) {
  using namespace detail;
  ColumnMapping m;
  m.nullable = column.nullable;
  m.conversionContext.zeroDateAs = ctx.options.zeroDateAs;
  m.conversionContext.zeroDateSentinel = ctx.options.zeroDateSentinel;
  m.conversionContext.timeZone = ctx.options.datetimeZone;
  const bool srcPg = ctx.sourceEngine == model::Engine::PostgreSQL;
  const bool tgtPg = ctx.targetEngine == model::Engine::PostgreSQL;
  if (!srcPg && tgtPg) {
    mapMySqlToPg(ctx, table, column, role, m);
  } else if (srcPg && !tgtPg) {
    mapPgToMySql(ctx, table, column, m);
  } else if (srcPg) {
    mapPgToPg(ctx, table, column, m);
  } else {
    mapMySqlToMySql(ctx, table, column, m);
  }

  if (auto id = mapIdentifier(column.name, ctx.targetEngine); id.finding) {
    addFinding(m, id.finding->code, id.finding->severity, "Column " + table.name + "." + id.finding->message,
               id.finding->action);
  }
  if (column.generated != model::Generated::None) {
    m.generated = column.generated;
    if (ctx.sourceEngine == ctx.targetEngine || srcPg == tgtPg) {
      m.generatedExpr = column.generatedExpr;
      if (tgtPg && column.generated == model::Generated::Virtual && !ctx.targetVersion.atLeast(18)) {
        m.generated = model::Generated::Stored;
      }
    } else {
      m.generated = model::Generated::None;
      addFinding(m, "GENERATED_COLUMN", Severity::Review,
                 who(table, column) + " is generated from " + column.generatedExpr.value_or("an expression") +
                     "; the target gets a plain column holding the copied values.",
                 "Rewrite the expression in the target's SQL and make the column generated after the copy.");
    }
  }
  if (!srcPg && (column.type.base == "enum" || column.type.base == "set")) {
    // MariaDB 10.11 builds information_schema in utf8mb3: members holding
    // 4-byte characters (emoji) come back with '?' in their place, so the
    // catalog cannot tell the real members. Measured on the sandbox (10.11.19).
    for (const auto& member : column.type.values) {
      if (member.find('?') == std::string::npos) continue;
      addFinding(m, "MY_ENUM_MEMBER_UNREADABLE", Severity::Lossy,
                 who(table, column) + " has the member '" + member +
                     "'; MariaDB's catalog shows characters outside the Basic Multilingual Plane (emoji) as '?', "
                     "so the target's member list may not match the stored values.",
                 "Check the members with SHOW CREATE TABLE on a utf8mb4 client and override the column's type "
                 "with the exact list (or text).");
      break;
    }
  }
  for (const auto& f : m.findings) m.severity = worse(m.severity, f.severity);
  return m;
}

std::vector<Finding> mapIndex(const MappingContext& ctx, const model::Table& table, const model::Index& index) {
  using detail::addFinding;
  ColumnMapping sink;  // reuse addFinding's de-duplication
  const bool srcPg = ctx.sourceEngine == model::Engine::PostgreSQL;
  const bool tgtPg = ctx.targetEngine == model::Engine::PostgreSQL;
  const std::string name = table.name + "." + index.name;
  if (auto id = mapIdentifier(index.name, ctx.targetEngine); id.finding) {
    addFinding(sink, id.finding->code, id.finding->severity, "Index " + id.finding->message, id.finding->action);
  }
  if (!srcPg && tgtPg) {
    if (index.method == "fulltext") {
      addFinding(sink, "MY2PG_FULLTEXT_INDEX", Severity::Unsupported,
                 "Index " + name + " is a FULLTEXT index; PostgreSQL full-text search uses tsvector and GIN instead.",
                 "Add a generated tsvector column with a GIN index and rewrite MATCH … AGAINST queries.");
    } else if (index.method == "spatial") {
      addFinding(sink, "MY2PG_SPATIAL_INDEX", Severity::Unsupported,
                 "Index " + name + " is a SPATIAL index; PostgreSQL needs PostGIS and a GiST index.",
                 "Install PostGIS and create a GiST index on the geometry column.");
    }
    for (const auto& k : index.keys) {
      if (k.prefixLength) {
        addFinding(sink, "MY2PG_PREFIX_INDEX", Severity::Review,
                   "Index " + name + " indexes only the first " + std::to_string(*k.prefixLength) + " characters of " +
                       k.column.value_or("a column") + "; PostgreSQL has no prefix indexes.",
                   index.unique ? "A unique prefix index becomes unique on the whole value: check for duplicates that "
                                  "were only distinct after the prefix, or use an expression index on left(col, n)."
                                : "The index is created on the whole value, or on left(col, n) as an expression index.");
      }
    }
  } else if (srcPg && !tgtPg) {
    const bool mysql = ctx.targetEngine == model::Engine::MySQL;
    if (index.predicate) {
      addFinding(sink, "PG2MY_PARTIAL_INDEX", Severity::Unsupported,
                 "Index " + name + " is partial (WHERE " + *index.predicate + "); MySQL and MariaDB have no partial indexes.",
                 index.unique ? "Enforce the conditional uniqueness with a generated column or a trigger."
                              : "Create a full index instead, or drop it.");
    }
    if (index.method == "gin" || index.method == "gist" || index.method == "brin" || index.method == "spgist" ||
        index.method == "hash") {
      addFinding(sink, "PG2MY_INDEX_METHOD", index.method == "hash" ? Severity::Review : Severity::Unsupported,
                 "Index " + name + " uses the " + index.method + " method, which InnoDB does not have.",
                 index.method == "hash" ? "It becomes a B-tree index; no action is needed unless the key is very long."
                                        : "Choose a B-tree, FULLTEXT or SPATIAL index that serves the same queries.");
    }
    for (const auto& k : index.keys) {
      if (k.expression) {
        const bool can = mysql ? ctx.targetVersion.atLeast(8, 0, 13) : false;
        addFinding(sink, "PG2MY_EXPRESSION_INDEX", can ? Severity::Review : Severity::Unsupported,
                   "Index " + name + " has the expression key " + *k.expression +
                       (can ? "; MySQL 8.0.13+ accepts functional keys but the expression must be rewritten."
                            : "; this target cannot index expressions."),
                   can ? "Rewrite the expression in MySQL syntax." : "Index a generated column that computes the expression.");
      }
      if (k.opclass) {
        addFinding(sink, "PG2MY_OPCLASS", Severity::Review,
                   "Index " + name + " uses the operator class " + *k.opclass + ", which has no MySQL equivalent.",
                   "Check which queries the index served (e.g. LIKE 'x%' with text_pattern_ops).");
      }
    }
    if (!index.include.empty()) {
      addFinding(sink, "PG2MY_INCLUDE_COLUMNS", Severity::Review,
                 "Index " + name + " has INCLUDE columns, which MySQL cannot store in an index.",
                 "The INCLUDE columns are dropped; add them to the key if covering scans matter.");
    }
  } else if (srcPg && tgtPg) {
    if (index.keys.size() > 0 && !index.include.empty() && !ctx.targetVersion.atLeast(11)) {
      addFinding(sink, "PG2PG_INCLUDE_COLUMNS", Severity::Review,
                 "Index " + name + " has INCLUDE columns, which need PostgreSQL 11.",
                 "The INCLUDE columns are dropped on this target.");
    }
  } else {
    if (!index.visible && ctx.targetEngine != ctx.sourceEngine) {
      addFinding(sink, "MY2MY_INVISIBLE_INDEX", Severity::Review,
                 "Index " + name + " is invisible/ignored; MySQL says INVISIBLE, MariaDB 10.6+ says IGNORED.",
                 "The generator writes the target's keyword; check older targets, where the index becomes visible.");
    }
    for (const auto& k : index.keys) {
      if (k.expression && ctx.targetEngine == model::Engine::MariaDB) {
        addFinding(sink, "MY2MY_EXPRESSION_INDEX", Severity::Unsupported,
                   "Index " + name + " has the functional key " + *k.expression + "; MariaDB cannot index expressions.",
                   "Index a generated column that computes the expression.");
      }
    }
  }
  return sink.findings;
}

}  // namespace ferry::typemap

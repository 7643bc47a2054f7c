// Adjustments a MySQL/MariaDB target needs after the columns are mapped: the
// 65,535-byte row limit, and foreign keys whose integer types must match their key's.

#include <algorithm>
#include <map>
#include <regex>

#include "assess/assessment.h"
#include "core/text.h"

namespace ferry::assess::detail {

using typemap::Finding;
using typemap::Severity;

namespace {

Finding finding(std::string code, Severity s, std::string message, std::string action) {
  return {std::move(code), s, std::move(message), std::move(action)};
}

/// Bytes a column takes in MySQL's 65,535-byte row limit (InnoDB counts
/// VARCHAR at its maximum: 4 bytes a character in utf8mb4; TEXT/BLOB as a
/// 12-byte pointer).
std::int64_t rowBytes(const std::string& type) {
  static const std::regex sized(R"(^(VAR)?(CHAR|BINARY)\((\d+)\)(.*)$)", std::regex::icase);
  std::smatch m;
  if (std::regex_match(type, m, sized)) {
    const std::int64_t n = std::stoll(m[3].str());
    const std::string rest = core::toLower(m[4].str());
    const bool binary = core::toUpper(m[2].str()) == "BINARY";
    const std::int64_t perChar =
        binary || rest.find("ascii") != std::string::npos || rest.find("latin1") != std::string::npos ? 1 : 4;
    return n * perChar + (m[1].matched ? 2 : 0);
  }
  const std::string t = core::toUpper(type);
  if (t.find("TEXT") != std::string::npos || t.find("BLOB") != std::string::npos || core::startsWith(t, "JSON")) return 12;
  if (core::startsWith(t, "TINYINT") || core::startsWith(t, "YEAR")) return 1;
  if (core::startsWith(t, "SMALLINT") || core::startsWith(t, "ENUM")) return 2;
  if (core::startsWith(t, "MEDIUMINT") || (core::startsWith(t, "DATE") && !core::startsWith(t, "DATETIME"))) return 3;
  if (core::startsWith(t, "INT") || core::startsWith(t, "FLOAT")) return 4;
  if (core::startsWith(t, "DECIMAL")) return 30;  // at most 65 digits: 29 bytes + sign
  if (core::startsWith(t, "UUID") || core::startsWith(t, "INET6")) return 16;
  return 8;  // BIGINT, DOUBLE, DATETIME, TIMESTAMP, TIME, BIT, SET, …
}

/// MySQL refuses a CREATE TABLE whose columns could exceed 65,535 bytes in one
/// row, a limit PostgreSQL does not have: the widest VARCHARs become TEXT
/// (which holds every value of a VARCHAR) until the row fits.
}  // namespace

void fitRowSize(ddl::TableDef& def, std::vector<ColumnAssessment>& columns, std::size_t firstColumn) {
  constexpr std::int64_t kMaxRow = 65535;
  std::int64_t total = 0;
  for (const auto& c : def.columns) total += rowBytes(c.type);
  while (total > kMaxRow) {
    size_t widest = def.columns.size();
    std::int64_t widestBytes = 0;
    for (size_t i = 0; i < def.columns.size(); ++i) {
      const auto& t = def.columns[i].type;
      if (!core::startsWith(core::toUpper(t), "VARCHAR(")) continue;
      if (rowBytes(t) > widestBytes) {
        widestBytes = rowBytes(t);
        widest = i;
      }
    }
    if (widest == def.columns.size()) break;  // nothing left to move out of the row
    auto& col = def.columns[widest];
    const std::string before = col.type;
    const auto close = col.type.find(')');
    col.type = "TEXT" + col.type.substr(close + 1);  // TEXT holds 65,535 bytes: any VARCHAR's value
    total += rowBytes(col.type) - widestBytes;
    auto& ca = columns[firstColumn + widest];
    ca.mapping.targetType = col.type;
    ca.mapping.findings.push_back(
        finding("ROW_SIZE_TEXT", Severity::Review,
                ca.table + "." + ca.column + " becomes " + col.type + " instead of " + before +
                    ": the table's columns would exceed MySQL's 65,535-byte row limit",
                "Accept TEXT (no index without a prefix length), or shorten other columns."));
    ca.mapping.severity = typemap::worse(ca.mapping.severity, Severity::Review);
  }
}

/// MySQL/MariaDB refuse a foreign key whose integer columns differ in size or
/// sign from the key they reference (errno 150); PostgreSQL sources allow an
/// integer column to reference a bigint key. The referencing column takes the
/// key's type: every value it may hold exists in the key.
void alignForeignKeyIntegers(ddl::TargetModel& target, std::vector<ColumnAssessment>& columns) {
  if (!model::isMySqlFamily(target.engine)) return;
  static const std::regex integer(R"(^(TINYINT|SMALLINT|MEDIUMINT|INT|BIGINT)( UNSIGNED)?$)", std::regex::icase);
  std::map<std::pair<std::string, std::string>, ddl::TableDef*> byName;
  for (auto& t : target.tables) byName[{t.schema, t.name}] = &t;
  auto columnOf = [](ddl::TableDef& t, const std::string& name) -> ddl::ColumnDef* {
    for (auto& c : t.columns) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  for (auto& t : target.tables) {
    for (const auto& fk : t.foreignKeys) {
      const auto ref = byName.find({fk.refSchema, fk.refTable});
      if (ref == byName.end()) continue;
      for (std::size_t i = 0; i < fk.columns.size() && i < fk.refColumns.size(); ++i) {
        ddl::ColumnDef* child = columnOf(t, fk.columns[i]);
        const ddl::ColumnDef* parent = columnOf(*ref->second, fk.refColumns[i]);
        if (!child || !parent || child->type == parent->type || !std::regex_match(child->type, integer) ||
            !std::regex_match(parent->type, integer)) {
          continue;
        }
        const std::string before = child->type;
        child->type = parent->type;
        // Larger is widened; smaller (a bigint column referencing an int key) holds
        // every value the constraint allows, but is a change to review.
        auto rank = [](const std::string& type) {
          static const char* kSizes[] = {"TINYINT", "SMALLINT", "MEDIUMINT", "INT", "BIGINT"};
          const std::string base = core::toUpper(type.substr(0, type.find(' ')));
          return std::find(std::begin(kSizes), std::end(kSizes), base) - std::begin(kSizes);
        };
        const Severity severity = rank(parent->type) > rank(before) ? Severity::Widened : Severity::Review;
        for (auto& ca : columns) {
          if (ca.targetSchema != t.schema || ca.targetTable != t.name || ca.targetColumn != child->name) continue;
          ca.mapping.targetType = parent->type;
          ca.mapping.findings.push_back(
              finding("FK_TYPE_ALIGNED", severity,
                      ca.table + "." + ca.column + " becomes " + parent->type + " instead of " + before +
                          ": it references " + fk.refTable + "." + fk.refColumns[i] + ", and " +
                          model::engineDisplayName(target.engine) +
                          " requires a foreign key's integer columns to match the key's size and sign",
                      "None; every value the constraint allows exists in the key."));
          ca.mapping.severity = typemap::worse(ca.mapping.severity, severity);
        }
      }
    }
  }
}

}  // namespace ferry::assess::detail

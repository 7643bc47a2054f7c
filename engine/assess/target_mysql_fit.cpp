// Adjustments a MySQL/MariaDB target needs after the columns are mapped: the
// 65,535-byte row limit, TEXT/BLOB key columns, and foreign keys whose integer
// types must match their key's.

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
bool isTextOrBlob(const std::string& type) {
  const std::string t = core::toUpper(type);
  for (const char* p : {"TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB"}) {
    if (t == p || core::startsWith(t, std::string(p) + " ") || core::startsWith(t, std::string(p) + "(")) return true;
  }
  return false;
}

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
/// MySQL/MariaDB cannot make a TEXT/BLOB column part of a primary or unique
/// key: such key columns become VARCHAR/VARBINARY sized so the whole key fits
/// InnoDB's 3,072-byte limit (4 bytes a character in utf8mb4; 8 bytes allowed
/// for each other key column). A longer value fails its row, loudly.
void keyTextAsVarchar(model::Engine target, const model::Table& t, ddl::TableDef& def,
                    const std::map<std::string, std::string>& colNames, std::vector<ColumnAssessment>& columns,
                    std::size_t firstColumn) {
  std::vector<std::vector<std::string>> keys;
  if (t.primaryKey) keys.push_back(t.primaryKey->columns);
  for (const auto& u : t.uniques) keys.push_back(u.columns);
  std::map<std::string, std::size_t> narrowest;  // target column → characters it may keep
  for (const auto& key : keys) {
    std::vector<std::size_t> text;  // positions in def.columns
    for (const auto& k : key) {
      const auto name = colNames.count(k) ? colNames.at(k) : k;
      for (std::size_t i = 0; i < def.columns.size(); ++i) {
        if (def.columns[i].name == name && isTextOrBlob(def.columns[i].type)) text.push_back(i);
      }
    }
    if (text.empty()) continue;
    const std::size_t others = key.size() - text.size();
    const std::size_t chars = std::min<std::size_t>(768, (3072 - 8 * others) / (4 * text.size()));
    for (auto i : text) {
      auto [it, added] = narrowest.emplace(def.columns[i].name, chars);
      if (!added) it->second = std::min(it->second, chars);
    }
  }
  for (auto& [name, chars] : narrowest) {
    for (std::size_t i = 0; i < def.columns.size(); ++i) {
      auto& col = def.columns[i];
      if (col.name != name) continue;
      const bool binary = core::toUpper(col.type).find("BLOB") != std::string::npos;
      const std::string was = col.type;
      col.type = (binary ? "VARBINARY(" + std::to_string(chars * 4) : "VARCHAR(" + std::to_string(chars)) + ")";
      auto& m = columns[firstColumn + i].mapping;
      m.targetType = col.type;
      m.findings.push_back(finding("KEY_TEXT_AS_VARCHAR", Severity::Lossy,
                                   t.name + "." + columns[firstColumn + i].column + " is part of a key, which " +
                                       model::engineDisplayName(target) + " cannot build on " + was +
                                       ": it becomes " + col.type + " so the key fits InnoDB's 3,072 bytes; longer "
                                       "values fail",
                                   "Check the longest value (ferry assess --scan-data), or key the table by another "
                                   "column."));
      m.severity = typemap::worse(m.severity, Severity::Lossy);
    }
  }
}

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

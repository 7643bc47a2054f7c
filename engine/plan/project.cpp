#include "plan/project.h"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/text.h"

namespace ferry::plan {

using core::Error;
using core::ErrorKind;

std::string stripPassword(const std::string& url) {
  static const std::regex re(R"(^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@/]*@)");
  return std::regex_replace(url, re, "$1@");
}

nlohmann::json Project::toJson() const {
  nlohmann::json j = extra;
  j["ferry_project"] = kFormatVersion;
  j["name"] = name;
  j["source"] = {{"url", stripPassword(source.url)}};
  j["target"] = {{"url", stripPassword(target.url)}};
  j["schemas"] = schemas;
  j["notes"] = notes;
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& o : columnOverrides) {
    columns.push_back({{"schema", o.schema}, {"table", o.table}, {"column", o.column},
                       {"target_type", o.targetType}, {"options", o.options}});
  }
  nlohmann::json types = nlohmann::json::array();
  for (const auto& o : typeOverrides) {
    types.push_back({{"pattern", o.pattern}, {"target_type", o.targetType}, {"options", o.options}});
  }
  j["mapping"] = {{"options", mappingOptions}, {"column_overrides", columns}, {"type_overrides", types}};
  nlohmann::json rules = nlohmann::json::array();
  for (const auto& r : tableRules) {
    nlohmann::json jr = {{"pattern", r.pattern}, {"exclude", r.exclude}};
    if (!r.renameTo.empty()) jr["rename"] = r.renameTo;
    rules.push_back(std::move(jr));
  }
  j["tables"] = rules;
  if (!schemaMap.empty()) j["schema_map"] = schemaMap;
  return j;
}

core::Result<Project> Project::fromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("ferry_project")) {
    return Error(ErrorKind::Usage, "not a Ferry project file (no \"ferry_project\" key)",
                 "Open a .ferry.json file saved by Ferry.");
  }
  try {
    const int version = j.at("ferry_project").get<int>();
    if (version > kFormatVersion) {
      return Error(ErrorKind::Unsupported,
                   "the project file has format " + std::to_string(version) + ", newer than this Ferry (" +
                       std::to_string(kFormatVersion) + ")",
                   "Open it with a newer Ferry.");
    }
    Project p;
    p.name = j.value("name", "");
    if (j.contains("source")) p.source.url = stripPassword(j.at("source").value("url", ""));
    if (j.contains("target")) p.target.url = stripPassword(j.at("target").value("url", ""));
    p.schemas = j.value("schemas", std::vector<std::string>{});
    p.notes = j.value("notes", "");
    if (j.contains("mapping")) {
      const auto& m = j.at("mapping");
      p.mappingOptions = m.value("options", nlohmann::json::object());
      for (const auto& o : m.value("column_overrides", nlohmann::json::array())) {
        p.columnOverrides.push_back({o.at("schema").get<std::string>(), o.at("table").get<std::string>(),
                                     o.at("column").get<std::string>(), o.value("target_type", ""),
                                     o.value("options", nlohmann::json::object())});
      }
      for (const auto& o : m.value("type_overrides", nlohmann::json::array())) {
        p.typeOverrides.push_back({o.at("pattern").get<std::string>(), o.value("target_type", ""),
                                   o.value("options", nlohmann::json::object())});
      }
    }
    for (const auto& r : j.value("tables", nlohmann::json::array())) {
      p.tableRules.push_back({r.at("pattern").get<std::string>(), r.value("exclude", false), r.value("rename", "")});
    }
    p.schemaMap = j.value("schema_map", std::map<std::string, std::string>{});
    p.extra = j;
    for (const char* known :
         {"ferry_project", "name", "source", "target", "schemas", "notes", "mapping", "tables", "schema_map"}) {
      p.extra.erase(known);
    }
    return p;
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorKind::Usage, std::string("malformed project file: ") + e.what(),
                 "Fix the JSON by hand or save the project again from Ferry.");
  }
}

bool Project::includesTable(const std::string& schema, const std::string& table) const {
  const std::string full = schema + "." + table;
  bool included = true;
  for (const auto& r : tableRules) {
    if (r.renameTo.empty() && core::globMatch(r.pattern, full)) included = !r.exclude;
  }
  return included;
}

std::string Project::targetSchemaName(const std::string& schema) const {
  const auto it = schemaMap.find(schema);
  return it == schemaMap.end() || it->second.empty() ? schema : it->second;
}

std::string Project::targetTableName(const std::string& schema, const std::string& table) const {
  const std::string full = schema + "." + table;
  for (const auto& r : tableRules) {
    if (!r.renameTo.empty() && r.pattern == full) return r.renameTo;
  }
  return table;
}

const ColumnOverride* Project::columnOverride(const std::string& schema, const std::string& table,
                                              const std::string& column) const {
  for (const auto& o : columnOverrides) {
    if (o.schema == schema && o.table == table && o.column == column) return &o;
  }
  return nullptr;
}

const TypeOverride* Project::typeOverride(const std::string& declaredType) const {
  for (const auto& o : typeOverrides) {
    if (core::globMatch(o.pattern, declaredType, true)) return &o;
  }
  return nullptr;
}

core::Result<Project> Project::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return Error(ErrorKind::Io, "cannot open project file '" + path + "'", "Check the path and its permissions.");
  }
  try {
    auto j = nlohmann::json::parse(in);
    auto p = fromJson(j);
    if (!p) return std::move(p).error().context(path);
    return p;
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorKind::Usage, "project file '" + path + "' is not valid JSON: " + e.what(),
                 "Fix the JSON by hand or save the project again from Ferry.");
  }
}

core::Status Project::save(const std::string& path) const {
  // Write beside and rename, so a crash never leaves half a project file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return Error(ErrorKind::Io, "cannot write project file '" + path + "'", "Check the directory's permissions.");
    out << toJson().dump(2) << '\n';
    if (!out) return Error(ErrorKind::Io, "writing project file '" + path + "' failed", "Check the free disk space.");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Error(ErrorKind::Io, "cannot replace project file '" + path + "'", "Check the directory's permissions.");
  }
  return {};
}

}  // namespace ferry::plan

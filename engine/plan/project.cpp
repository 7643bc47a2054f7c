#include "plan/project.h"

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

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
    p.extra = j;
    for (const char* known : {"ferry_project", "name", "source", "target", "schemas", "notes"}) p.extra.erase(known);
    return p;
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorKind::Usage, std::string("malformed project file: ") + e.what(),
                 "Fix the JSON by hand or save the project again from Ferry.");
  }
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

#pragma once
/// The migration project: what the user set up, saved as JSON (a `.ferry.json`
/// file). It never holds a password: URLs are stored without them, and the GUI
/// keeps passwords in the OS keychain. Keys this version does not know are kept
/// as they were, so a newer project file survives being opened and saved.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ferry::plan {

struct Endpoint {
  std::string url;  ///< connection URL without password
  bool empty() const { return url.empty(); }
};

struct Project {
  static constexpr int kFormatVersion = 1;

  std::string name;
  Endpoint source;
  Endpoint target;
  std::vector<std::string> schemas;  ///< source schemas to migrate (empty: all)
  std::string notes;
  nlohmann::json extra = nlohmann::json::object();  ///< unknown keys, kept verbatim

  nlohmann::json toJson() const;
  static core::Result<Project> fromJson(const nlohmann::json& j);

  static core::Result<Project> load(const std::string& path);
  core::Status save(const std::string& path) const;
};

/// Removes a password from a connection URL ("mysql://u:pw@h/db" → "mysql://u@h/db").
std::string stripPassword(const std::string& url);

}  // namespace ferry::plan

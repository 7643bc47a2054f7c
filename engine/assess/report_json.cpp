// The assessment as JSON (`ferry assess --format json`), documented in docs/assessment.md.

#include "assess/assessment.h"

namespace ferry::assess {

namespace {

nlohmann::json findingJson(const typemap::Finding& f) {
  return {{"code", f.code}, {"severity", typemap::severityName(f.severity)}, {"message", f.message}, {"action", f.action}};
}

}  // namespace

nlohmann::json toJson(const Assessment& a) {
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& [sev, n] : a.summary()) summary[typemap::severityName(sev)] = n;
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : a.columns) {
    nlohmann::json findings = nlohmann::json::array();
    for (const auto& f : c.mapping.findings) findings.push_back(findingJson(f));
    nlohmann::json j = {{"schema", c.schema},
                        {"table", c.table},
                        {"column", c.column},
                        {"source_type", c.sourceType},
                        {"target_type", c.mapping.targetType},
                        {"severity", typemap::severityName(c.mapping.severity)},
                        {"codes", c.mapping.codes()},
                        {"message", c.message()},
                        {"findings", findings},
                        {"conversion", typemap::conversionName(c.mapping.conversion)},
                        {"options", c.mapping.options},
                        {"override", c.overridden() ? nlohmann::json(c.overrideSource) : nlohmann::json(nullptr)},
                        {"target", {{"schema", c.targetSchema}, {"table", c.targetTable}, {"column", c.targetColumn}}},
                        {"affected_rows", nullptr},
                        {"examples", nlohmann::json::array()},
                        {"sampled", nullptr}};
    if (c.overridden()) j["ferry_target_type"] = c.ferryTargetType;
    if (c.scan) {
      j["affected_rows"] = c.scan->affectedRows;
      j["examples"] = c.scan->exampleKeys;
      j["sampled"] = c.scan->sampled;
    }
    columns.push_back(std::move(j));
  }
  nlohmann::json objects = nlohmann::json::array();
  for (const auto& o : a.objects) {
    objects.push_back({{"kind", o.kind},
                       {"schema", o.schema},
                       {"table", o.table.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.table)},
                       {"name", o.name},
                       {"severity", typemap::severityName(o.finding.severity)},
                       {"codes", {o.finding.code}},
                       {"message", o.finding.message},
                       {"action", o.finding.action}});
  }
  nlohmann::json placements = nlohmann::json::array();
  for (const auto& p : a.placements) {
    placements.push_back({{"source", p.sourceSchema}, {"target", p.targetSchema}, {"rule", p.rule}});
  }
  return {{"source", {{"engine", model::engineName(a.sourceEngine)}, {"version", a.sourceVersion}}},
          {"target", {{"engine", model::engineName(a.targetEngine)}, {"version", a.targetVersion}}},
          {"scanned", a.scanned},
          {"schemas", placements},
          {"summary", summary},
          {"columns", columns},
          {"objects", objects}};
}

}  // namespace ferry::assess

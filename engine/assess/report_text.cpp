// The assessment as text (`ferry assess`, the default format): the summary,
// then everything that is not exact, worst first.

#include <algorithm>
#include <sstream>

#include "assess/assessment.h"

namespace ferry::assess {

std::string toText(const Assessment& a) {
  std::ostringstream out;
  out << model::engineDisplayName(a.sourceEngine) << " " << a.sourceVersion << " → "
      << model::engineDisplayName(a.targetEngine) << (a.targetVersion.empty() ? "" : " " + a.targetVersion) << "\n";
  out << a.columns.size() << " columns, " << a.objects.size() << " object findings"
      << (a.scanned ? ", data scanned" : ", data not scanned (add --scan-data to count affected rows)") << "\n";
  for (const auto& [sev, n] : a.summary()) out << "  " << typemap::severityName(sev) << ": " << n << "\n";
  if (!a.placements.empty()) out << "schemas: " << describePlacements(a.placements) << "\n";

  std::vector<const ColumnAssessment*> notExact;
  for (const auto& c : a.columns) {
    if (c.mapping.severity != typemap::Severity::Exact) notExact.push_back(&c);
  }
  std::stable_sort(notExact.begin(), notExact.end(), [](const ColumnAssessment* x, const ColumnAssessment* y) {
    return x->mapping.severity > y->mapping.severity;
  });
  if (!notExact.empty()) out << "\nColumns that are not exact:\n";
  for (const auto* c : notExact) {
    out << "  [" << typemap::severityName(c->mapping.severity) << "] " << c->schema << "." << c->table << "."
        << c->column << ": " << c->sourceType << " → " << c->mapping.targetType;
    if (c->overridden()) out << " (override: " << c->overrideSource << ")";
    out << "\n";
    for (const auto& f : c->mapping.findings) {
      out << "      " << f.code << ": " << f.message << "\n        action: " << f.action << "\n";
    }
    if (c->scan) {
      out << "      data: " << c->scan->affectedRows << " rows";
      if (!c->scan->exampleKeys.empty()) {
        out << ", e.g. ";
        for (size_t i = 0; i < c->scan->exampleKeys.size(); ++i) out << (i ? ", " : "") << c->scan->exampleKeys[i];
      }
      if (c->scan->sampled) out << " (sampled " << c->scan->rowsScanned << " rows)";
      out << "\n";
    }
  }
  if (!a.objects.empty()) out << "\nObjects:\n";
  for (const auto& o : a.objects) {
    out << "  [" << typemap::severityName(o.finding.severity) << "] " << o.kind << " " << o.schema << "."
        << (o.table.empty() ? "" : o.table + ".") << o.name << ": " << o.finding.code << ": " << o.finding.message
        << "\n";
  }
  return out.str();
}

}  // namespace ferry::assess

// The assessment as one self-contained HTML file a consultant can send: no
// scripts, no external assets; the chart is inline SVG.

#include <map>
#include <sstream>

#include "assess/assessment.h"
#include "core/text.h"

namespace ferry::assess {

namespace {

std::string esc(const std::string& s) { return core::htmlEscape(s); }

const char* color(typemap::Severity s) {
  switch (s) {
    case typemap::Severity::Exact: return "#2e7d32";
    case typemap::Severity::Widened: return "#558b2f";
    case typemap::Severity::Review: return "#f9a825";
    case typemap::Severity::Lossy: return "#e65100";
    case typemap::Severity::Unsupported: return "#b71c1c";
  }
  return "#555";
}

std::string badge(typemap::Severity s) {
  return std::string("<span class=\"badge\" style=\"background:") + color(s) + "\">" + typemap::severityName(s) +
         "</span>";
}

constexpr const char* kStyle = R"css(
body{font-family:-apple-system,"Segoe UI",DejaVu Sans,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.sub{color:#666;margin-top:0} table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top} th{background:#f4f4f4}
.badge{color:#fff;border-radius:3px;padding:1px 6px;font-size:.85em;white-space:nowrap}
code{background:#f4f4f4;padding:0 3px;border-radius:2px} .cards{display:flex;gap:1em;flex-wrap:wrap}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:110px}
.card b{font-size:1.6em;display:block} .muted{color:#777}
)css";

}  // namespace

std::string toHtml(const Assessment& a, const std::string& title) {
  std::ostringstream h;
  const auto summary = a.summary();
  int total = 0;
  for (const auto& [sev, n] : summary) total += n;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" << esc(title) << "</title><style>"
    << kStyle << "</style></head><body>\n";
  h << "<h1>" << esc(title) << "</h1>\n<p class=\"sub\">" << model::engineDisplayName(a.sourceEngine) << " "
    << esc(a.sourceVersion) << " → " << model::engineDisplayName(a.targetEngine) << " " << esc(a.targetVersion)
    << " · " << a.columns.size() << " columns · " << a.objects.size() << " object findings · "
    << (a.scanned ? "source data scanned" : "source data not scanned") << "</p>\n";

  h << "<h2>Summary</h2>\n<div class=\"cards\">";
  for (const auto& [sev, n] : summary) {
    h << "<div class=\"card\" style=\"border-top:4px solid " << color(sev) << "\"><b>" << n << "</b>"
      << typemap::severityName(sev) << "</div>";
  }
  h << "</div>\n";
  // Horizontal bar chart, one bar per severity, scaled to the largest count.
  int maxCount = 1;
  for (const auto& [sev, n] : summary) maxCount = std::max(maxCount, n);
  h << "<svg width=\"640\" height=\"" << summary.size() * 28 + 10 << "\" role=\"img\" aria-label=\"findings by severity\">";
  int row = 0;
  for (const auto& [sev, n] : summary) {
    const int y = 5 + row * 28;
    const int w = n == 0 ? 0 : std::max(2, 480 * n / maxCount);
    h << "<text x=\"0\" y=\"" << y + 16 << "\" font-size=\"13\">" << typemap::severityName(sev) << "</text>"
      << "<rect x=\"100\" y=\"" << y << "\" width=\"" << w << "\" height=\"20\" fill=\"" << color(sev) << "\"/>"
      << "<text x=\"" << 106 + w << "\" y=\"" << y + 15 << "\" font-size=\"12\">" << n << "</text>";
    ++row;
  }
  h << "</svg>\n";

  // Action items: one row per finding code that needs someone, worst first.
  struct Item {
    typemap::Severity severity;
    std::string action;
    int count = 0;
    std::int64_t rows = 0;
    bool scanned = false;
  };
  std::map<std::string, Item> items;
  for (const auto& c : a.columns) {
    for (const auto& f : c.mapping.findings) {
      if (f.severity < typemap::Severity::Review) continue;
      auto& it = items[f.code];
      it.severity = f.severity;
      it.action = f.action;
      ++it.count;
      if (c.scan) {
        it.rows += c.scan->affectedRows;
        it.scanned = true;
      }
    }
  }
  for (const auto& o : a.objects) {
    if (o.finding.severity < typemap::Severity::Review) continue;
    auto& it = items[o.finding.code];
    it.severity = o.finding.severity;
    it.action = o.finding.action;
    ++it.count;
  }
  if (!a.placements.empty()) {
    h << "<h2>Where the schemas go</h2>\n<table><tr><th>source schema</th><th>target "
      << (model::isMySqlFamily(a.targetEngine) ? "database" : "schema") << "</th><th>rule</th></tr>\n";
    for (const auto& p : a.placements) {
      h << "<tr><td>" << esc(p.sourceSchema) << "</td><td>" << esc(p.targetSchema) << "</td><td>" << esc(p.rule)
        << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  h << "<h2>Action items</h2>\n";
  if (items.empty()) {
    h << "<p>Nothing needs a decision: every column maps exactly or widens.</p>\n";
  } else {
    h << "<table><tr><th>severity</th><th>finding</th><th>objects</th><th>rows affected</th><th>recommended action</th></tr>\n";
    for (auto sev : {typemap::Severity::Unsupported, typemap::Severity::Lossy, typemap::Severity::Review}) {
      for (const auto& [code, it] : items) {
        if (it.severity != sev) continue;
        h << "<tr><td>" << badge(sev) << "</td><td><code>" << esc(code) << "</code></td><td>" << it.count << "</td><td>"
          << (it.scanned ? std::to_string(it.rows) : std::string("<span class=\"muted\">not scanned</span>"))
          << "</td><td>" << esc(it.action) << "</td></tr>\n";
      }
    }
    h << "</table>\n";
  }

  h << "<h2>Tables</h2>\n";
  std::string current;
  for (const auto& c : a.columns) {
    const std::string key = c.schema + "." + c.table;
    if (key != current) {
      if (!current.empty()) h << "</table>\n";
      current = key;
      h << "<h3>" << esc(key) << " → " << esc(c.targetSchema + "." + c.targetTable) << "</h3>\n"
        << "<table><tr><th>column</th><th>source type</th><th>target type</th><th>severity</th><th>findings</th>"
           "<th>rows affected</th></tr>\n";
    }
    h << "<tr><td>" << esc(c.column) << "</td><td><code>" << esc(c.sourceType) << "</code></td><td><code>"
      << esc(c.mapping.targetType) << "</code>" << (c.overridden() ? " <span class=\"muted\">(override)</span>" : "")
      << "</td><td>" << badge(c.mapping.severity) << "</td><td>";
    for (const auto& f : c.mapping.findings) h << "<code>" << esc(f.code) << "</code> " << esc(f.message) << "<br>";
    h << "</td><td>";
    if (c.scan) {
      h << c.scan->affectedRows;
      if (!c.scan->exampleKeys.empty()) {
        h << " <span class=\"muted\">e.g. ";
        for (size_t i = 0; i < c.scan->exampleKeys.size(); ++i) h << (i ? ", " : "") << esc(c.scan->exampleKeys[i]);
        h << "</span>";
      }
      if (c.scan->sampled) h << " <span class=\"muted\">(sampled)</span>";
    } else {
      h << "<span class=\"muted\">—</span>";
    }
    h << "</td></tr>\n";
  }
  if (!current.empty()) h << "</table>\n";

  if (!a.objects.empty()) {
    h << "<h2>Other objects</h2>\n<table><tr><th>kind</th><th>object</th><th>severity</th><th>finding</th><th>action</th></tr>\n";
    for (const auto& o : a.objects) {
      h << "<tr><td>" << esc(o.kind) << "</td><td>" << esc(o.schema + "." + (o.table.empty() ? "" : o.table + ".") + o.name)
        << "</td><td>" << badge(o.finding.severity) << "</td><td><code>" << esc(o.finding.code) << "</code> "
        << esc(o.finding.message) << "</td><td>" << esc(o.finding.action) << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  h << "<p class=\"muted\">Generated by Ferry. Severity: exact = every value round-trips; widened = every value fits "
       "a larger type; review = values fit but behaviour differs; lossy = some values change or fail; unsupported = "
       "no automatic mapping.</p>\n</body></html>\n";
  (void)total;
  return h.str();
}

}  // namespace ferry::assess

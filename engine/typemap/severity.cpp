#include "typemap/severity.h"

namespace ferry::typemap {

const char* severityName(Severity s) {
  switch (s) {
    case Severity::Exact: return "exact";
    case Severity::Widened: return "widened";
    case Severity::Review: return "review";
    case Severity::Lossy: return "lossy";
    case Severity::Unsupported: return "unsupported";
  }
  return "unsupported";
}

std::optional<Severity> parseSeverity(std::string_view name) {
  for (Severity s : {Severity::Exact, Severity::Widened, Severity::Review, Severity::Lossy, Severity::Unsupported}) {
    if (name == severityName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace ferry::typemap

#pragma once
// Human-readable tree of a catalog, for `ferry inspect` without --json.

#include <ostream>

#include "model/catalog.h"

namespace ferry::cli {

void printCatalogTree(const model::Catalog& catalog, std::ostream& out);

}  // namespace ferry::cli

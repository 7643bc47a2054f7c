#pragma once
/// The catalog as JSON: the format `ferry inspect --json` prints, documented in
/// docs/catalog-json.md. Field names are snake_case and stable.

#include <nlohmann/json.hpp>

#include "model/catalog.h"

namespace ferry::model {

nlohmann::json toJson(const Catalog& catalog);
nlohmann::json toJson(const Table& table);
nlohmann::json toJson(const Column& column);

}  // namespace ferry::model

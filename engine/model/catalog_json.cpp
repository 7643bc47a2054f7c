#include "model/catalog_json.h"

namespace ferry::model {
namespace {

using nlohmann::json;

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json typeJson(const DataType& t) {
  json j = {{"declared", t.declared}, {"base", t.base}};
  if (t.length) j["length"] = *t.length;
  if (t.precision) j["precision"] = *t.precision;
  if (t.scale) j["scale"] = *t.scale;
  if (t.isUnsigned) j["unsigned"] = true;
  if (t.zerofill) j["zerofill"] = true;
  if (!t.charset.empty()) j["charset"] = t.charset;
  if (!t.collation.empty()) j["collation"] = t.collation;
  if (t.arrayDims) j["array_dims"] = t.arrayDims;
  if (!t.values.empty()) j["values"] = t.values;
  if (!t.typeSchema.empty()) j["type_schema"] = t.typeSchema;
  if (t.userDefined) j["user_defined"] = true;
  if (t.srid) j["srid"] = *t.srid;
  return j;
}

json indexJson(const Index& i) {
  json keys = json::array();
  for (const auto& k : i.keys) {
    json jk = {{"column", opt(k.column)}, {"expression", opt(k.expression)}};
    if (k.prefixLength) jk["prefix_length"] = *k.prefixLength;
    if (k.descending) jk["descending"] = true;
    if (k.opclass) jk["opclass"] = *k.opclass;
    if (k.collation) jk["collation"] = *k.collation;
    keys.push_back(std::move(jk));
  }
  json j = {{"name", i.name},       {"method", i.method},  {"unique", i.unique},
            {"primary", i.primary}, {"keys", keys},        {"predicate", opt(i.predicate)},
            {"constraint", i.constraintBacked}};
  if (!i.include.empty()) j["include"] = i.include;
  if (i.definition) j["definition"] = *i.definition;
  if (i.comment) j["comment"] = *i.comment;
  if (!i.visible) j["visible"] = false;
  return j;
}

json fkJson(const ForeignKey& f) {
  return {{"name", f.name},
          {"columns", f.columns},
          {"ref_schema", f.refSchema},
          {"ref_table", f.refTable},
          {"ref_columns", f.refColumns},
          {"on_delete", f.onDelete},
          {"on_update", f.onUpdate},
          {"match", f.match},
          {"deferrable", f.deferrable},
          {"initially_deferred", f.initiallyDeferred},
          {"validated", f.validated}};
}

json checkJson(const CheckConstraint& c) {
  return {{"name", c.name}, {"expression", c.expression}, {"validated", c.validated}};
}

json triggerJson(const Trigger& t) {
  return {{"name", t.name},   {"table", t.table},           {"timing", t.timing},
          {"events", t.events}, {"level", t.level},         {"definition", t.definition},
          {"enabled", t.enabled}};
}

}  // namespace

json toJson(const Column& c) {
  json j = {{"name", c.name},
            {"ordinal", c.ordinal},
            {"type", c.type.declared},
            {"type_info", typeJson(c.type)},
            {"nullable", c.nullable},
            {"default", opt(c.defaultExpr)},
            {"identity", identityName(c.identity)},
            {"generated", generatedName(c.generated)},
            {"generated_expression", opt(c.generatedExpr)},
            {"comment", opt(c.comment)}};
  if (c.onUpdate) j["on_update"] = *c.onUpdate;
  return j;
}

json toJson(const Table& t) {
  json cols = json::array();
  for (const auto& c : t.columns) cols.push_back(toJson(c));
  json pk = nullptr;
  if (t.primaryKey) pk = {{"name", t.primaryKey->name}, {"columns", t.primaryKey->columns}};
  json uniques = json::array();
  for (const auto& u : t.uniques) {
    uniques.push_back({{"name", u.name}, {"columns", u.columns},
                       {"nulls_not_distinct", u.nullsNotDistinct}, {"deferrable", u.deferrable}});
  }
  json checks = json::array();
  for (const auto& c : t.checks) checks.push_back(checkJson(c));
  json fks = json::array();
  for (const auto& f : t.foreignKeys) fks.push_back(fkJson(f));
  json idx = json::array();
  for (const auto& i : t.indexes) idx.push_back(indexJson(i));
  json trg = json::array();
  for (const auto& tr : t.triggers) trg.push_back(triggerJson(tr));
  json j = {{"name", t.name},
            {"kind", tableKindName(t.kind)},
            {"persistence", persistenceName(t.persistence)},
            {"columns", cols},
            {"primary_key", pk},
            {"unique_constraints", uniques},
            {"indexes", idx},
            {"foreign_keys", fks},
            {"checks", checks},
            {"triggers", trg},
            {"estimated_rows", t.estimatedRows},
            {"data_bytes", t.dataBytes},
            {"index_bytes", t.indexBytes},
            {"comment", opt(t.comment)}};
  if (!t.storageEngine.empty()) j["storage_engine"] = t.storageEngine;
  if (!t.collation.empty()) j["collation"] = t.collation;
  if (t.partitionKey) j["partition_key"] = *t.partitionKey;
  if (t.parentTable) j["parent_table"] = *t.parentTable;
  if (t.partitionBound) j["partition_bound"] = *t.partitionBound;
  if (!t.partitions.empty()) j["partitions"] = t.partitions;
  if (!t.partitionDefs.empty()) {
    json defs = json::array();
    for (const auto& p : t.partitionDefs) {
      json d = {{"name", p.name}, {"description", opt(p.description)}};
      if (!p.subpartitions.empty()) d["subpartitions"] = p.subpartitions;
      defs.push_back(std::move(d));
    }
    j["partition_definitions"] = std::move(defs);
  }
  if (t.subpartitionKey) j["subpartition_key"] = *t.subpartitionKey;
  if (!t.replicaIdentity.empty()) j["replica_identity"] = t.replicaIdentity;
  if (t.autoIncrement) j["auto_increment"] = *t.autoIncrement;
  return j;
}

json toJson(const Catalog& catalog) {
  json schemas = json::array();
  for (const auto& s : catalog.schemas) {
    json tables = json::array();
    for (const auto& t : s.tables) tables.push_back(toJson(t));
    json views = json::array();
    for (const auto& v : s.views) {
      views.push_back({{"name", v.name}, {"definition", v.definition},
                       {"materialized", v.materialized}, {"check_option", opt(v.checkOption)},
                       {"comment", opt(v.comment)}});
    }
    json routines = json::array();
    for (const auto& r : s.routines) {
      routines.push_back({{"name", r.name}, {"kind", routineKindName(r.kind)},
                          {"arguments", r.arguments}, {"return_type", r.returnType},
                          {"language", r.language}, {"definition", r.definition},
                          {"deterministic", r.deterministic}});
    }
    json sequences = json::array();
    for (const auto& q : s.sequences) {
      sequences.push_back({{"name", q.name}, {"data_type", q.dataType}, {"start", q.start},
                           {"increment", q.increment}, {"min_value", q.minValue},
                           {"max_value", q.maxValue}, {"cache", q.cache}, {"cycle", q.cycle},
                           {"last_value", opt(q.lastValue)}, {"owned_by", opt(q.ownedBy)}});
    }
    json types = json::array();
    for (const auto& ty : s.types) {
      json jt = {{"name", ty.name}, {"kind", userTypeKindName(ty.kind)}};
      if (ty.kind == UserTypeKind::Enum) jt["labels"] = ty.labels;
      if (!ty.baseType.empty()) jt["base_type"] = ty.baseType;
      if (ty.kind == UserTypeKind::Domain) {
        jt["not_null"] = ty.notNull;
        jt["default"] = opt(ty.defaultExpr);
        json checks = json::array();
        for (const auto& c : ty.checks) checks.push_back(checkJson(c));
        jt["checks"] = checks;
      }
      if (!ty.attributes.empty()) jt["attributes"] = ty.attributes;
      types.push_back(std::move(jt));
    }
    json js = {{"name", s.name},       {"tables", tables},       {"views", views},
               {"routines", routines}, {"sequences", sequences}, {"types", types}};
    if (!s.owner.empty()) js["owner"] = s.owner;
    if (!s.charset.empty()) js["charset"] = s.charset;
    if (!s.collation.empty()) js["collation"] = s.collation;
    schemas.push_back(std::move(js));
  }
  return {{"engine", engineName(catalog.engine)},
          {"server_version", catalog.serverVersion.text},
          {"server_version_num",
           {catalog.serverVersion.major, catalog.serverVersion.minor, catalog.serverVersion.patch}},
          {"database", catalog.database},
          {"schemas", schemas}};
}

}  // namespace ferry::model

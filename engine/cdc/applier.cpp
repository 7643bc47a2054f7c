#include "cdc/applier.h"

#include <algorithm>
#include <set>

#include "core/log.h"
#include "core/text.h"
#include "typemap/value_converter.h"

namespace ferry::cdc {

using core::Error;
using core::ErrorKind;

RowMapper::RowMapper(std::vector<copy::TableJob> jobs) : m_jobs(std::move(jobs)) {
  for (std::size_t i = 0; i < m_jobs.size(); ++i) {
    const auto& job = m_jobs[i];
    auto t = std::make_unique<TargetTable>();
    t->schema = job.targetSchema;
    t->name = job.targetTable;
    t->label = job.label();
    for (const auto& c : job.columns) {
      t->columns.push_back(c.targetName);
      t->binary.push_back(c.targetBinary);
    }
    m_targets.push_back(std::move(t));
    m_bySource[job.label()] = i;
  }
}

core::Status RowMapper::relation(const Relation& rel, bool afterMapping) {
  auto it = m_bySource.find(rel.label());
  if (it == m_bySource.end()) {
    m_relations.erase(rel.id);
    m_notStreamed.insert(rel.id);
    return {};
  }
  m_notStreamed.erase(rel.id);
  const auto& job = m_jobs[it->second];
  Mapped m;
  m.job = &job;
  m.target = m_targets[it->second].get();
  m.wholeRow = rel.replicaIdentity == 'f';
  m.label = rel.label();
  std::set<std::string> seen;
  std::vector<std::string> added;
  for (const auto& c : rel.columns) {
    int found = -1;
    for (std::size_t j = 0; j < job.columns.size(); ++j) {
      if (job.columns[j].sourceName == c.name) found = static_cast<int>(j);
    }
    if (found < 0) added.push_back(c.name);
    seen.insert(c.name);
    m.jobColumn.push_back(found);
    m.key.push_back(c.key);
  }
  std::vector<std::string> missing;
  for (const auto& c : job.columns) {
    if (!seen.contains(c.sourceName)) missing.push_back(c.sourceName);
  }
  // A column whose type is not the catalog's (ALTER COLUMN … TYPE on the source).
  std::vector<std::string> retyped;
  if (const auto types = m_sourceTypes.find(rel.label()); types != m_sourceTypes.end()) {
    for (const auto& c : rel.columns) {
      const auto t = types->second.find(c.name);
      if (t != types->second.end() && t->second != std::make_pair(c.typeOid, c.typmod)) retyped.push_back(c.name);
    }
  }
  if (!retyped.empty() && added.empty()) {
    if (afterMapping) {
      m_added.clear();
      for (const auto& c : retyped) m_added.push_back(c + " (type changed)");
      m_addedTable = rel.label();
      return Error(ErrorKind::Unsupported,
                   "schema change on the source: " + rel.label() + ": column(s) " + core::join(retyped, ", ") +
                       " changed type",
                   "Change the target column(s) the same way (ferry proposes the statement; --ddl auto-additive "
                   "applies a widening by itself), then run ferry sync again; the stream stopped before the first "
                   "change in the new shape.");
    }
    core::log(core::LogLevel::Info, "sync: " + rel.label() + ": column(s) " + core::join(retyped, ", ") +
                                        " had another type at this point of the source's history: the target "
                                        "has the type they have now");
  }
  if (!added.empty()) {
    m_added = added;
    m_addedTable = rel.label();
    std::string what = "new column(s) " + core::join(added, ", ");
    if (!missing.empty()) what += "; column(s) no longer sent: " + core::join(missing, ", ") + " (a rename?)";
    return Error(ErrorKind::Unsupported, "schema change on the source: " + rel.label() + ": " + what,
                 "Add the column(s) to the target table (ferry proposes the statement; --ddl auto-additive applies a "
                 "nullable one by itself), then run ferry sync again; the stream stopped before the first change in "
                 "the new shape.");
  }
  if (!missing.empty()) {
    core::log(core::LogLevel::Info, "sync: " + rel.label() + ": column(s) " + core::join(missing, ", ") +
                                        " not in the source's rows at this point (added later, or dropped on the "
                                        "source): not written by these changes");
  }
  for (const auto& k : job.keyColumns) {
    int at = -1;
    for (std::size_t i = 0; i < rel.columns.size(); ++i) {
      if (rel.columns[i].name == k) at = static_cast<int>(i);
    }
    if (at < 0) {
      m.keyOrder.clear();
      break;
    }
    m.keyOrder.push_back(at);
  }
  bool anyKey = false;
  for (bool k : m.key) anyKey = anyKey || k;
  if (!anyKey) {
    // REPLICA IDENTITY NOTHING (or a default without a primary key): inserts only.
    m.wholeRow = false;
  }
  m_relations[rel.id] = std::move(m);
  return {};
}

const TargetTable* RowMapper::target(std::uint32_t relationId) const {
  auto it = m_relations.find(relationId);
  return it == m_relations.end() ? nullptr : it->second.target;
}

std::string RowMapper::label(std::uint32_t relationId) const {
  auto it = m_relations.find(relationId);
  return it == m_relations.end() ? std::string() : it->second.label;
}

std::string RowMapper::keyText(const Mapped& m, const Tuple& tuple) const {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < tuple.size() && i < m.key.size(); ++i) {
    if (!m.key[i] || m.jobColumn[i] < 0) continue;
    const auto& f = tuple[i];
    parts.push_back(m.job->columns[static_cast<std::size_t>(m.jobColumn[i])].sourceName + "=" +
                    (f.kind == Field::Kind::Text ? core::printableValue(f.text) : "NULL"));
    if (parts.size() >= 4 && m.wholeRow) {
      parts.push_back("…");
      break;
    }
  }
  return core::join(parts, ",");
}

std::vector<std::vector<std::string>> RowMapper::changedKeys(const ChangeEvent& e) const {
  std::vector<std::vector<std::string>> out;
  const auto it = m_relations.find(e.relationId);
  if (it == m_relations.end() || it->second.keyOrder.empty()) return out;
  auto keyOf = [&](const Tuple& t) {
    std::vector<std::string> k;
    for (int at : it->second.keyOrder) {
      const auto i = static_cast<std::size_t>(at);
      if (i >= t.size() || t[i].kind != Field::Kind::Text) return std::vector<std::string>{};
      k.push_back(t[i].text);
    }
    return k;
  };
  if (e.oldTuple) {
    if (auto k = keyOf(*e.oldTuple); !k.empty()) out.push_back(std::move(k));
  }
  if (e.kind != ChangeEvent::Kind::Delete || !e.oldTuple) {
    if (auto k = keyOf(e.newTuple); !k.empty() && (out.empty() || out.front() != k)) out.push_back(std::move(k));
  }
  return out;
}

namespace {

/// Bytes as PostgreSQL's bytea text: "\\x" and hex digits.
std::string byteaText(std::string_view bytes) { return "\\x" + core::hex(bytes); }

}  // namespace

core::Status RowMapper::convert(const Mapped& m, Tuple& tuple, std::size_t relCol, std::optional<std::string>& out,
                                bool& bytes, bool take, const std::string& key) const {
  const auto& col = m.job->columns[static_cast<std::size_t>(m.jobColumn[relCol])];
  Field& f = tuple[relCol];
  bytes = false;
  const auto give = [&]() { return take ? std::move(f.text) : f.text; };
  if (f.kind == Field::Kind::Bytes) {
    // A large PostgreSQL bytea, already its bytes (pgoutput.cpp): the same bytes
    // for a bytea target (sent as a binary parameter) or a MySQL binary string.
    if (col.conversion == typemap::ConversionId::Identity && col.targetBytea) {
      out = give();
      bytes = true;
      return {};
    }
    if (col.conversion == typemap::ConversionId::PgByteaToBytes) {
      out = give();
      return {};
    }
    f.text = byteaText(f.text);  // any other conversion reads the text form
    f.kind = Field::Kind::Text;
  }
  std::optional<std::string_view> in;
  if (f.kind == Field::Kind::Text) in = f.text;
  if (col.conversion == typemap::ConversionId::Identity) {
    out = in ? std::optional<std::string>(give()) : std::nullopt;
    return {};
  }
  if (col.conversion == typemap::ConversionId::MySqlBytesToBytea && in && in->size() >= kBytesInline) {
    // A large binary string into bytea: its bytes, not twice their size in hex.
    out = give();
    bytes = true;
    return {};
  }
  auto v = typemap::convertValue(col.conversion, in, col.conversionContext);
  if (!v) {
    return Error(ErrorKind::Data, m.label + " row " + key + " column " + col.sourceName + ": " + v.error().message(),
                 "Fix the value at the source or override the column's mapping; the stream stopped before "
                 "this transaction.");
  }
  out = std::move(*v);
  return {};
}

core::Result<std::optional<RowOp>> RowMapper::rowOp(ChangeEvent& e) {
  auto it = m_relations.find(e.relationId);
  if (it == m_relations.end()) {
    if (m_notStreamed.contains(e.relationId)) return std::optional<RowOp>{};  // a table outside the run
    // Never described: a row that would be lost without a word.
    return Error(ErrorKind::Internal, "a row change for relation " + std::to_string(e.relationId) +
                                          ", which the stream never described",
                 "Nothing of its transaction was applied; run ferry sync again (it starts from the stored position).");
  }
  const Mapped& m = it->second;
  RowOp op;
  op.table = m.target;
  op.wholeRowIdentity = m.wholeRow;
  Tuple& identity = e.oldTuple ? *e.oldTuple : e.newTuple;
  op.keyText = keyText(m, identity);
  if (e.kind == ChangeEvent::Kind::Insert || e.kind == ChangeEvent::Kind::Update) {
    op.kind = e.kind == ChangeEvent::Kind::Insert ? RowOp::Kind::Insert : RowOp::Kind::Update;
    if (e.newTuple.size() != m.jobColumn.size()) {
      return Error(ErrorKind::Internal, m.label + ": a row image with " + std::to_string(e.newTuple.size()) +
                                            " columns for a relation of " + std::to_string(m.jobColumn.size()));
    }
    for (std::size_t i = 0; i < e.newTuple.size(); ++i) {
      if (m.jobColumn[i] < 0 || e.newTuple[i].kind == Field::Kind::Unchanged) continue;  // keep the target's value
      op.setColumns.push_back(m.jobColumn[i]);
      op.setValues.emplace_back();
      bool bytes = false;
      // Identity and copy-key values stay in the event (the where clause and changedKeys() read them).
      const bool keep = m.key[i] || std::find(m.keyOrder.begin(), m.keyOrder.end(), static_cast<int>(i)) != m.keyOrder.end();
      FERRY_TRY(convert(m, e.newTuple, i, op.setValues.back(), bytes, !keep, op.keyText));
      if (bytes) {
        op.setBytes.resize(op.setValues.size());
        op.setBytes.back() = true;
      }
    }
    if (op.kind == RowOp::Kind::Insert && !m.wholeRow) {
      for (std::size_t i = 0; i < e.newTuple.size() && i < m.key.size(); ++i) {
        if (!m.key[i] || m.jobColumn[i] < 0) continue;
        for (std::size_t k = 0; k < op.setColumns.size(); ++k) {
          if (op.setColumns[k] == m.jobColumn[i]) {
            op.keyColumns.push_back(op.setColumns[k]);
            op.keyValues.push_back(op.setValues[k]);
          }
        }
      }
    }
  } else {
    op.kind = RowOp::Kind::Delete;
  }
  if (op.kind != RowOp::Kind::Insert) {
    bool anyKey = false;
    for (std::size_t i = 0; i < identity.size() && i < m.key.size(); ++i) {
      if (!m.key[i] || m.jobColumn[i] < 0) continue;
      if (identity[i].kind == Field::Kind::Unchanged) continue;  // a TOASTed value: matched by the others
      op.whereColumns.push_back(m.jobColumn[i]);
      op.whereValues.emplace_back();
      bool bytes = false;
      FERRY_TRY(convert(m, identity, i, op.whereValues.back(), bytes, false, op.keyText));
      if (bytes) {
        // An identity value of a large binary string into bytea: its text form
        // (a where clause compares text parameters).
        *op.whereValues.back() = byteaText(*op.whereValues.back());
      }
      anyKey = true;
    }
    if (!anyKey) {
      return Error(ErrorKind::Unsupported,
                   m.label + " has no replica identity: its UPDATE and DELETE cannot be applied",
                   "ALTER TABLE " + m.label + " REPLICA IDENTITY FULL on the source (or give it a primary key).");
    }
  }
  return std::optional<RowOp>(std::move(op));
}

}  // namespace ferry::cdc

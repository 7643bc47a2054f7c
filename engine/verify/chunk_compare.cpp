#include "verify/chunk_compare.h"

#include <unordered_map>

#include "copy/copy_text.h"
#include "core/text.h"
#include "ddl/quoting.h"
#include "typemap/value_converter.h"

namespace ferry::verify {

namespace {

constexpr std::int64_t kAdmitRows = 1000;  // throttle granularity

/// One row reduced to what comparison needs.
struct Digest {
  std::string matchKey;                ///< canonical key values, unit-separated
  std::vector<std::uint64_t> hashes;   ///< per column, canonical value hash
  std::vector<std::string> rawKey;     ///< the key as this side printed it
  std::string display;                 ///< "id=17"
};

class Digester {
public:
  Digester(const VerifyJob& job, bool source) : m_job(job), m_source(source) {}

  void digest(const TextValues& in, Digest& d) {
    const auto& cols = m_job.copy.columns;
    d.hashes.resize(cols.size());
    m_canon.resize(cols.size());
    m_null.assign(cols.size(), false);
    for (size_t i = 0; i < cols.size() && i < in.size(); ++i) {
      std::optional<std::string_view> v = in[i];
      if (m_source && cols[i].conversion != typemap::ConversionId::Identity) {
        auto converted = typemap::convertValue(cols[i].conversion, in[i], cols[i].conversionContext);
        if (!converted) {
          // The copy rejected this value: it cannot equal anything on the target.
          m_canon[i] = "!" + std::string(in[i].value_or(""));
          d.hashes[i] = hashValue(m_canon[i]);
          continue;
        }
        m_converted = std::move(*converted);
        if (in[i] && !m_converted) ++convertedValues;
        if (!m_converted) {
          m_null[i] = true;
          d.hashes[i] = hashValue(std::nullopt);
          continue;
        }
        canonicalize(m_job.classes[i], *m_converted, m_canon[i]);
      } else if (!v) {
        m_null[i] = true;
        d.hashes[i] = hashValue(std::nullopt);
        continue;
      } else {
        canonicalize(m_job.classes[i], *v, m_canon[i]);
      }
      d.hashes[i] = hashValue(m_canon[i]);
    }
    d.matchKey.clear();
    d.rawKey.clear();
    d.display.clear();
    const auto& keyIdx = m_job.copy.keyIndexes;
    for (size_t k = 0; k < keyIdx.size(); ++k) {
      const auto i = static_cast<size_t>(keyIdx[k]);
      if (k) {
        d.matchKey += '\x1f';
        d.display += ',';
      }
      d.matchKey += m_null[i] ? std::string("\x00N", 2) : m_canon[i];
      const std::string raw = i < in.size() && in[i] ? std::string(*in[i]) : "NULL";
      d.rawKey.push_back(raw);
      d.display += (m_source ? m_job.copy.keyColumns[k] : m_job.targetKey[k]) + "=" + raw;
    }
  }

  /// "row(a=1, b=x)" for keyless tables.
  std::string rowText(const TextValues& in) const {
    std::string s = "row(";
    for (size_t i = 0; i < in.size() && i < m_job.copy.columns.size(); ++i) {
      if (i) s += ", ";
      s += m_job.copy.columns[i].targetName + "=" + (in[i] ? std::string(*in[i]) : "NULL");
    }
    return s + ")";
  }

  std::int64_t convertedValues = 0;

private:
  const VerifyJob& m_job;
  bool m_source;
  std::vector<std::string> m_canon;
  std::vector<bool> m_null;
  std::optional<std::string> m_converted;
};

std::uint64_t rowHash(const std::vector<std::uint64_t>& h) {
  std::uint64_t x = 0xcbf29ce484222325ULL;
  for (auto v : h) x = (x ^ v) * 0x100000001b3ULL + (x >> 29);
  return x;
}

core::Status admit(CompareContext& ctx, std::int64_t& sinceAdmit) {
  if (++sinceAdmit < kAdmitRows) return {};
  if (ctx.onRows) ctx.onRows(sinceAdmit);
  if (ctx.flow && !ctx.flow->admit(sinceAdmit, ctx.stop)) return core::Error(core::ErrorKind::Cancelled, "verify stopped");
  if (ctx.stop.stop_requested()) return core::Error(core::ErrorKind::Cancelled, "verify stopped");
  sinceAdmit = 0;
  return {};
}

void flushProgress(CompareContext& ctx, std::int64_t& sinceAdmit) {
  if (ctx.onRows && sinceAdmit) ctx.onRows(sinceAdmit);
  sinceAdmit = 0;
}

void addDifference(ChunkOutcome& out, Difference d, std::size_t max) {
  if (out.differences.size() < max) {
    out.differences.push_back(std::move(d));
  } else {
    ++out.moreDifferences;
  }
}

std::vector<std::string> changedColumns(const VerifyJob& job, const std::vector<std::uint64_t>& a,
                                        const std::vector<std::uint64_t>& b) {
  std::vector<std::string> cols;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) cols.push_back(job.copy.columns[i].targetName);
  }
  return cols;
}

core::Status compareByKey(const VerifyJob& job, const plan::Chunk& chunk, CompareContext& ctx, ChunkOutcome& out) {
  struct Entry {
    std::vector<std::uint64_t> hashes;
    std::vector<std::string> rawKey;
    std::string display;
  };
  std::unordered_map<std::string, Entry> source;
  Digester src(job, true);
  Digest d;
  std::int64_t sinceAdmit = 0;
  FERRY_TRY(streamRows(ctx.source, job.copy.selectSql(sourcePredicate(job, chunk)), [&](const TextValues& row) {
    src.digest(row, d);
    ++out.sourceRows;
    source.insert_or_assign(d.matchKey, Entry{d.hashes, d.rawKey, d.display});
    return admit(ctx, sinceAdmit);
  }));
  flushProgress(ctx, sinceAdmit);
  out.convertedValues += src.convertedValues;
  Digester tgt(job, false);
  FERRY_TRY(streamRows(ctx.target, job.targetSelect(targetPredicate(job, chunk)), [&](const TextValues& row) -> core::Status {
    tgt.digest(row, d);
    ++out.targetRows;
    auto it = source.find(d.matchKey);
    if (it == source.end()) {
      Difference diff;
      diff.kind = DiffKind::Extra;
      diff.key = d.display;
      diff.targetKey = d.rawKey;
      diff.matchKey = d.matchKey;
      diff.digest = d.hashes;
      addDifference(out, std::move(diff), ctx.maxDifferences);
      return {};
    }
    if (it->second.hashes != d.hashes) {
      Difference diff;
      diff.kind = DiffKind::Changed;
      diff.key = it->second.display;
      diff.columns = changedColumns(job, it->second.hashes, d.hashes);
      diff.sourceKey = it->second.rawKey;
      diff.targetKey = d.rawKey;
      diff.matchKey = d.matchKey;
      addDifference(out, std::move(diff), ctx.maxDifferences);
    }
    source.erase(it);
    if (ctx.stop.stop_requested()) return core::Error(core::ErrorKind::Cancelled, "verify stopped");
    return {};
  }));
  for (auto& [key, e] : source) {
    Difference diff;
    diff.kind = DiffKind::Missing;
    diff.key = e.display;
    diff.sourceKey = e.rawKey;
    diff.matchKey = key;
    diff.digest = std::move(e.hashes);
    addDifference(out, std::move(diff), ctx.maxDifferences);
  }
  return {};
}

/// Keyless tables: rows compared as multisets of whole-row digests.
core::Status compareKeyless(const VerifyJob& job, CompareContext& ctx, ChunkOutcome& out) {
  std::unordered_map<std::uint64_t, std::int64_t> balance;
  Digester src(job, true);
  Digester tgt(job, false);
  Digest d;
  std::int64_t sinceAdmit = 0;
  const std::string srcSql = job.copy.selectSql("1=1");
  const std::string tgtSql = job.targetSelect("1=1");
  FERRY_TRY(streamRows(ctx.source, srcSql, [&](const TextValues& row) {
    src.digest(row, d);
    ++out.sourceRows;
    ++balance[rowHash(d.hashes)];
    return admit(ctx, sinceAdmit);
  }));
  flushProgress(ctx, sinceAdmit);
  out.convertedValues += src.convertedValues;
  FERRY_TRY(streamRows(ctx.target, tgtSql, [&](const TextValues& row) -> core::Status {
    tgt.digest(row, d);
    ++out.targetRows;
    --balance[rowHash(d.hashes)];
    return {};
  }));
  std::erase_if(balance, [](const auto& kv) { return kv.second == 0; });
  if (balance.empty()) return {};
  // Second pass, only for the differing rows: their values, to show them.
  auto collect = [&](const SideConnection& side, const std::string& sql, Digester& dg, bool sourceSide) {
    return streamRows(side, sql, [&](const TextValues& row) -> core::Status {
      dg.digest(row, d);
      auto it = balance.find(rowHash(d.hashes));
      if (it == balance.end() || (sourceSide ? it->second <= 0 : it->second >= 0)) return {};
      it->second += sourceSide ? -1 : 1;
      Difference diff;
      diff.kind = sourceSide ? DiffKind::Missing : DiffKind::Extra;
      diff.key = dg.rowText(row);
      addDifference(out, std::move(diff), ctx.maxDifferences);
      return {};
    });
  };
  Digester src2(job, true);
  Digester tgt2(job, false);
  FERRY_TRY(collect(ctx.source, srcSql, src2, true));
  return collect(ctx.target, tgtSql, tgt2, false);
}

std::string serverHashSql(const VerifyJob& job, bool sourceSide, const std::string& predicate) {
  const model::Engine e = sourceSide ? job.copy.sourceEngine : job.copy.targetEngine;
  std::vector<std::string> exprs;
  for (size_t i = 0; i < job.copy.columns.size(); ++i) {
    exprs.push_back(sourceSide ? job.copy.columns[i].selectExpr : job.targetExprs[i]);
  }
  const std::string table = sourceSide ? job.sourceTableSql() : job.targetTableSql();
  if (e == model::Engine::PostgreSQL) {
    return "SELECT count(*), coalesce(sum(('x' || substr(md5(ROW(" + core::join(exprs, ", ") +
           ")::text), 1, 15))::bit(60)::bigint), 0) FROM " + table + " WHERE " + predicate;
  }
  // Bytes, not characters: columns of different character sets cannot be concatenated as text.
  std::vector<std::string> nulls, bytes;
  for (const auto& x : exprs) {
    nulls.push_back("ISNULL(" + x + ")");
    bytes.push_back("CAST(" + x + " AS BINARY)");
  }
  return "SELECT COUNT(*), COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT_WS('#', " + core::join(bytes, ", ") +
         ", CONCAT(" + core::join(nulls, ", ") + "))), 1, 15), 16, 10) AS UNSIGNED)), 0) FROM " + table + " WHERE " +
         predicate;
}

core::Result<std::pair<std::int64_t, std::string>> serverHash(const SideConnection& side, const std::string& sql) {
  auto r = side.pg ? side.pg->query(sql) : side.my->query(sql);
  if (!r) return std::move(r).error();
  if (r->empty()) return core::Error(core::ErrorKind::Internal, "checksum query returned no row");
  return std::pair<std::int64_t, std::string>(std::stoll(r->at(0, 0).value_or("0")), r->at(0, 1).value_or("0"));
}

}  // namespace

const char* diffKindName(DiffKind k) {
  switch (k) {
    case DiffKind::Missing: return "missing";
    case DiffKind::Extra: return "extra";
    case DiffKind::Changed: return "changed";
  }
  return "changed";
}

core::Status streamRows(const SideConnection& side, const std::string& sql,
                        const std::function<core::Status(const TextValues&)>& onRow) {
  if (side.my) {
    auto r = side.my->stream(sql, [&](const connect::MySqlRow& row) { return onRow(row); });
    if (!r) return std::move(r).error();
    return {};
  }
  copy::TextRow fields;
  TextValues view;
  std::string pending;
  auto r = side.pg->copyOut("COPY (" + sql + ") TO STDOUT", [&](std::string_view data) -> core::Status {
    pending.append(data);
    size_t start = 0;
    size_t nl;
    while ((nl = pending.find('\n', start)) != std::string::npos) {
      copy::parsePgCopyLine(std::string_view(pending).substr(start, nl - start), fields);
      view.assign(fields.size(), std::nullopt);
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i]) view[i] = std::string_view(*fields[i]);
      }
      FERRY_TRY(onRow(view));
      start = nl + 1;
    }
    pending.erase(0, start);
    return {};
  });
  if (!r) return std::move(r).error();
  return {};
}

core::Result<ChunkOutcome> compareChunk(const VerifyJob& job, const plan::Chunk& chunk, CompareContext& ctx) {
  ChunkOutcome out;
  if (job.keyless()) {
    FERRY_TRY(compareKeyless(job, ctx, out));
    return out;
  }
  const bool server = ctx.mode == HashMode::Server || (ctx.mode == HashMode::Auto && job.serverHashable);
  if (server && job.serverHashable) {
    auto s = serverHash(ctx.source, serverHashSql(job, true, sourcePredicate(job, chunk)));
    if (!s) return std::move(s).error().context("source checksum of " + job.label());
    auto t = serverHash(ctx.target, serverHashSql(job, false, targetPredicate(job, chunk)));
    if (!t) return std::move(t).error().context("target checksum of " + job.label());
    if (ctx.onRows) ctx.onRows(s->first);
    if (*s == *t) {
      out.sourceRows = s->first;
      out.targetRows = t->first;
      out.serverHashed = true;
      return out;
    }
    out.drilled = true;
  }
  FERRY_TRY(compareByKey(job, chunk, ctx, out));
  return out;
}

void reconcile(const VerifyJob& job, std::vector<Difference>& diffs) {
  std::unordered_map<std::string, size_t> missing;
  for (size_t i = 0; i < diffs.size(); ++i) {
    if (diffs[i].kind == DiffKind::Missing && !diffs[i].matchKey.empty()) missing[diffs[i].matchKey] = i;
  }
  std::vector<bool> drop(diffs.size(), false);
  for (size_t i = 0; i < diffs.size(); ++i) {
    if (diffs[i].kind != DiffKind::Extra) continue;
    auto it = missing.find(diffs[i].matchKey);
    if (it == missing.end() || drop[it->second]) continue;
    Difference& m = diffs[it->second];
    const auto cols = changedColumns(job, m.digest, diffs[i].digest);
    drop[i] = true;
    if (cols.empty()) {
      drop[it->second] = true;  // the same row, found in neighbouring chunks
    } else {
      m.kind = DiffKind::Changed;
      m.columns = cols;
      m.targetKey = diffs[i].targetKey;
    }
  }
  std::vector<Difference> kept;
  for (size_t i = 0; i < diffs.size(); ++i) {
    if (!drop[i]) kept.push_back(std::move(diffs[i]));
  }
  diffs = std::move(kept);
}

core::Result<RowPair> fetchRowPair(const VerifyJob& job, const Difference& d, CompareContext& ctx) {
  RowPair pair;
  for (const auto& c : job.copy.columns) pair.columns.push_back(c.targetName);
  auto read = [&](bool sourceSide, const std::vector<std::string>& key,
                  std::vector<std::optional<std::string>>& values, bool& found) -> core::Status {
    if (key.empty()) return {};
    const model::Engine e = sourceSide ? job.copy.sourceEngine : job.copy.targetEngine;
    const std::string pred =
        keyListPredicate(e, sourceSide ? job.copy.keyColumns : job.targetKey, job.copy.keyNumeric, {key});
    const std::string sql = sourceSide ? job.copy.selectSql(pred) : job.targetSelect(pred);
    return streamRows(sourceSide ? ctx.source : ctx.target, sql, [&](const TextValues& row) -> core::Status {
      found = true;
      values.assign(row.size(), std::nullopt);
      for (size_t i = 0; i < row.size() && i < job.copy.columns.size(); ++i) {
        std::optional<std::string> v = row[i] ? std::optional<std::string>(std::string(*row[i])) : std::nullopt;
        const auto& col = job.copy.columns[i];
        if (sourceSide && col.conversion != typemap::ConversionId::Identity) {
          auto c = typemap::convertValue(col.conversion, row[i], col.conversionContext);
          v = c ? *c : std::optional<std::string>("!" + c.error().message());
        }
        if (v) v = canonical(job.classes[i], *v);
        values[i] = std::move(v);
      }
      return {};
    });
  };
  const auto& targetKey = d.targetKey.empty() ? d.sourceKey : d.targetKey;
  const auto& sourceKey = d.sourceKey.empty() ? d.targetKey : d.sourceKey;
  FERRY_TRY(read(true, sourceKey, pair.source, pair.sourceFound));
  FERRY_TRY(read(false, targetKey, pair.target, pair.targetFound));
  return pair;
}

}  // namespace ferry::verify

#include "verify/chunk_compare.h"

#include <charconv>
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
  std::string matchKey;               ///< canonical key values, unit-separated
  std::vector<std::uint64_t> hashes;  ///< per column, canonical value hash
  std::string rawKey;                 ///< the key as this side printed it, unit-separated
};

std::vector<std::string> splitKey(const std::string& rawKey) { return core::split(rawKey, '\x1f'); }

/// "id=17" / "a=1,b=x" from a unit-separated raw key.
std::string displayKey(const std::vector<std::string>& names, const std::string& rawKey) {
  const auto values = splitKey(rawKey);
  std::string s;
  for (size_t k = 0; k < names.size() && k < values.size(); ++k) {
    if (k) s += ',';
    s += names[k] + "=" + values[k];
  }
  return s;
}

class Digester {
public:
  Digester(const VerifyJob& job, bool source) : m_job(job), m_source(source) {
    m_isKey.assign(job.copy.columns.size(), false);
    for (const int k : job.copy.keyIndexes) m_isKey[static_cast<size_t>(k)] = true;
    m_keyCanon.resize(job.copy.keyIndexes.size());
  }

  void digest(const TextValues& in, Digest& d) {
    const auto& cols = m_job.copy.columns;
    d.hashes.resize(cols.size());
    for (size_t i = 0; i < cols.size() && i < in.size(); ++i) {
      std::optional<std::string_view> v = in[i];
      const ValueClass cls = m_job.classes[i];
      const bool key = m_isKey[i];
      std::optional<std::uint64_t> hashed;
      const auto conversion = m_source ? cols[i].conversion : typemap::ConversionId::Identity;
      if (m_job.digestOnServer[i]) {
        hashed = hashValue(v);  // md5 of the bytes, from the server: alike on both sides
      } else if (conversion != typemap::ConversionId::Identity && v) {
        // (Non-key bytes → bytea columns never get here: they are digestOnServer.)
        if (!key && conversion == typemap::ConversionId::MySqlJsonToJsonb && cls == ValueClass::Json &&
                   v->find("\\u0000") == std::string_view::npos) {
          hashed = hashCanonical(ValueClass::Json, *v, m_canon);  // the conversion is the identity then
        } else {
          auto converted = typemap::convertValue(conversion, in[i], cols[i].conversionContext);
          if (!converted) {
            // The copy rejected this value: it cannot equal anything on the target.
            m_canon = "!" + std::string(in[i].value_or(""));
            hashed = hashValue(m_canon);
            v = m_canon;
          } else {
            m_converted = std::move(*converted);
            if (!m_converted) ++convertedValues;
            v = m_converted ? std::optional<std::string_view>(*m_converted) : std::nullopt;
          }
        }
      }
      if (!hashed) {
        if (!v) {
          hashed = hashValue(std::nullopt);
        } else if (key) {
          // Keys keep their canonical text: rows are matched by it.
          if (cls != ValueClass::Text) {
            canonicalize(cls, *v, m_canon);
            v = m_canon;
          }
          hashed = hashValue(v);
        } else {
          hashed = hashCanonical(cls, *v, m_canon);  // text in place; bytes and JSON streamed
        }
      }
      d.hashes[i] = *hashed;
      if (key) setKey(i, v);
    }
    d.matchKey.clear();
    d.rawKey.clear();
    const auto& keyIdx = m_job.copy.keyIndexes;
    for (size_t k = 0; k < keyIdx.size(); ++k) {
      const auto i = static_cast<size_t>(keyIdx[k]);
      if (k) {
        d.matchKey += '\x1f';
        d.rawKey += '\x1f';
      }
      d.matchKey += m_keyCanon[k];
      if (i < in.size() && in[i]) {
        d.rawKey.append(*in[i]);
      } else {
        d.rawKey += "NULL";
      }
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
  void setKey(size_t column, std::optional<std::string_view> v) {
    const auto& keyIdx = m_job.copy.keyIndexes;
    for (size_t k = 0; k < keyIdx.size(); ++k) {
      if (static_cast<size_t>(keyIdx[k]) == column) {
        m_keyCanon[k] = v ? std::string(*v) : std::string("\x00N", 2);
      }
    }
  }

  const VerifyJob& m_job;
  bool m_source;
  std::vector<bool> m_isKey;
  std::vector<std::string> m_keyCanon;
  std::string m_canon;
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

bool parseKey(const std::string& canonicalKey, std::int64_t& v) {
  auto [p, ec] = std::from_chars(canonicalKey.data(), canonicalKey.data() + canonicalKey.size(), v);
  return ec == std::errc() && p == canonicalKey.data() + canonicalKey.size();
}

/// Single integer key: both sides stream the chunk in key order (integers sort
/// the same on both engines) and are merged; no row goes through a hash table
/// (measured: the table's lookups were a quarter of the client's time).
/// `ordered` turns false when a key does not fit 64 bits (BIGINT UNSIGNED) or
/// rows arrive out of order: the caller then compares by hash table.
core::Status compareOrdered(const VerifyJob& job, const plan::Chunk& chunk, CompareContext& ctx, ChunkOutcome& out,
                            bool& ordered) {
  ordered = true;
  const std::size_t width = job.copy.columns.size();
  std::vector<std::int64_t> keys;
  std::vector<std::uint64_t> pool;
  keys.reserve(static_cast<std::size_t>(std::max<std::int64_t>(chunk.estimatedRows, 1024)));
  pool.reserve(keys.capacity() * width);
  Digester src(job, true);
  Digest d;
  std::int64_t sinceAdmit = 0;
  std::int64_t sourceRows = 0;
  auto notOrdered = [&] {
    ordered = false;
    return core::Error(core::ErrorKind::Cancelled, "keys out of order");
  };
  const std::string srcOrder = " ORDER BY " + ddl::quoteIdent(job.copy.sourceEngine, job.copy.keyColumns.front());
  const std::string tgtOrder = " ORDER BY " + ddl::quoteIdent(job.copy.targetEngine, job.targetKey.front());
  auto st = streamRows(ctx.source, job.sourceDigestSelect(sourcePredicate(job, chunk)) + srcOrder,
                       [&](const TextValues& row) -> core::Status {
                         src.digest(row, d);
                         ++sourceRows;
                         std::int64_t k = 0;
                         if (!parseKey(d.matchKey, k) || (!keys.empty() && k <= keys.back())) return notOrdered();
                         keys.push_back(k);
                         pool.insert(pool.end(), d.hashes.begin(), d.hashes.end());
                         return admit(ctx, sinceAdmit);
                       });
  if (!ordered) return {};
  FERRY_TRY(st);
  flushProgress(ctx, sinceAdmit);
  auto hashesAt = [&](std::size_t row) {
    return std::vector<std::uint64_t>(pool.begin() + static_cast<std::ptrdiff_t>(row * width),
                                      pool.begin() + static_cast<std::ptrdiff_t>((row + 1) * width));
  };
  std::vector<Difference> diffs;
  auto missing = [&](std::size_t row) {
    Difference diff;
    diff.kind = DiffKind::Missing;
    diff.key = job.copy.keyColumns.front() + "=" + std::to_string(keys[row]);
    diff.sourceKey = {std::to_string(keys[row])};
    diff.matchKey = std::to_string(keys[row]);
    diff.digest = hashesAt(row);
    diffs.push_back(std::move(diff));
  };
  Digester tgt(job, false);
  std::size_t next = 0;
  std::int64_t targetRows = 0;
  std::int64_t last = 0;
  st = streamRows(ctx.target, job.targetDigestSelect(targetPredicate(job, chunk)) + tgtOrder,
                  [&](const TextValues& row) -> core::Status {
                    tgt.digest(row, d);
                    ++targetRows;
                    std::int64_t k = 0;
                    if (!parseKey(d.matchKey, k) || (targetRows > 1 && k <= last)) return notOrdered();
                    last = k;
                    while (next < keys.size() && keys[next] < k) missing(next++);
                    if (next == keys.size() || keys[next] != k) {
                      Difference diff;
                      diff.kind = DiffKind::Extra;
                      diff.key = displayKey(job.targetKey, d.rawKey);
                      diff.targetKey = splitKey(d.rawKey);
                      diff.matchKey = d.matchKey;
                      diff.digest = d.hashes;
                      diffs.push_back(std::move(diff));
                      return {};
                    }
                    const auto* mine = pool.data() + next * width;
                    if (!std::equal(d.hashes.begin(), d.hashes.end(), mine)) {
                      Difference diff;
                      diff.kind = DiffKind::Changed;
                      diff.key = job.copy.keyColumns.front() + "=" + std::to_string(k);
                      diff.columns = changedColumns(job, hashesAt(next), d.hashes);
                      diff.sourceKey = {std::to_string(k)};
                      diff.targetKey = splitKey(d.rawKey);
                      diff.matchKey = d.matchKey;
                      diffs.push_back(std::move(diff));
                    }
                    ++next;
                    return {};
                  });
  if (!ordered) return {};
  FERRY_TRY(st);
  while (next < keys.size()) missing(next++);
  out.sourceRows += sourceRows;
  out.targetRows += targetRows;
  out.convertedValues += src.convertedValues;
  for (auto& diff : diffs) addDifference(out, std::move(diff), ctx.maxDifferences);
  return {};
}

core::Status compareByKey(const VerifyJob& job, const std::string& sourceSql, const std::string& targetSql,
                          std::int64_t estimatedRows, CompareContext& ctx, ChunkOutcome& out) {
  // Source rows by canonical key; their column hashes in one flat pool.
  struct Entry {
    std::size_t at;      ///< first column hash in `pool`
    std::string rawKey;  ///< short keys fit the string's own buffer: no allocation
  };
  const std::size_t width = job.copy.columns.size();
  std::unordered_map<std::string, Entry> source;
  source.reserve(static_cast<std::size_t>(std::max<std::int64_t>(estimatedRows, 1024)));
  std::vector<std::uint64_t> pool;
  Digester src(job, true);
  Digest d;
  std::int64_t sinceAdmit = 0;
  FERRY_TRY(streamRows(ctx.source, sourceSql, [&](const TextValues& row) {
    src.digest(row, d);
    ++out.sourceRows;
    auto [it, fresh] = source.try_emplace(d.matchKey, Entry{pool.size(), d.rawKey});
    if (fresh) {
      pool.insert(pool.end(), d.hashes.begin(), d.hashes.end());
    } else {
      std::copy(d.hashes.begin(), d.hashes.end(), pool.begin() + static_cast<std::ptrdiff_t>(it->second.at));
    }
    return admit(ctx, sinceAdmit);
  }));
  flushProgress(ctx, sinceAdmit);
  out.convertedValues += src.convertedValues;
  auto hashesAt = [&](std::size_t at) {
    return std::vector<std::uint64_t>(pool.begin() + static_cast<std::ptrdiff_t>(at),
                                      pool.begin() + static_cast<std::ptrdiff_t>(at + width));
  };
  Digester tgt(job, false);
  FERRY_TRY(streamRows(ctx.target, targetSql, [&](const TextValues& row) -> core::Status {
    tgt.digest(row, d);
    ++out.targetRows;
    auto it = source.find(d.matchKey);
    if (it == source.end()) {
      Difference diff;
      diff.kind = DiffKind::Extra;
      diff.key = displayKey(job.targetKey, d.rawKey);
      diff.targetKey = splitKey(d.rawKey);
      diff.matchKey = d.matchKey;
      diff.digest = d.hashes;
      addDifference(out, std::move(diff), ctx.maxDifferences);
      return {};
    }
    if (!std::equal(d.hashes.begin(), d.hashes.end(), pool.begin() + static_cast<std::ptrdiff_t>(it->second.at))) {
      Difference diff;
      diff.kind = DiffKind::Changed;
      diff.key = displayKey(job.copy.keyColumns, it->second.rawKey);
      diff.columns = changedColumns(job, hashesAt(it->second.at), d.hashes);
      diff.sourceKey = splitKey(it->second.rawKey);
      diff.targetKey = splitKey(d.rawKey);
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
    diff.key = displayKey(job.copy.keyColumns, e.rawKey);
    diff.sourceKey = splitKey(e.rawKey);
    diff.matchKey = key;
    diff.digest = hashesAt(e.at);
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
  const std::string srcSql = job.sourceDigestSelect("1=1");
  const std::string tgtSql = job.targetDigestSelect("1=1");
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

/// One aggregate per chunk and side: the row count and sums of fast 64-bit
/// (PostgreSQL hashtextextended) or 2×32-bit (MariaDB CRC32 + CRC32C) hashes of
/// each row's text. A pre-filter only: equal sums end the chunk's check, a
/// difference (or a hash that differs between server builds) sends the chunk
/// to row digests, which decide.
std::string serverHashSql(const VerifyJob& job, bool sourceSide, const std::string& predicate,
                          const SideConnection& side) {
  const model::Engine e = sourceSide ? job.copy.sourceEngine : job.copy.targetEngine;
  std::vector<std::string> exprs;
  for (size_t i = 0; i < job.copy.columns.size(); ++i) {
    exprs.push_back(sourceSide ? job.copy.columns[i].selectExpr : job.targetExprs[i]);
  }
  const std::string table = sourceSide ? job.sourceTableSql() : job.targetTableSql();
  if (e == model::Engine::PostgreSQL) {
    return "SELECT count(*), coalesce(sum(hashtextextended(ROW(" + core::join(exprs, ", ") + ")::text, 0)), 0) FROM " +
           table + " WHERE " + predicate;
  }
  // Bytes, not characters: columns of different character sets cannot be concatenated as text.
  std::vector<std::string> nulls, bytes;
  for (const auto& x : exprs) {
    nulls.push_back("ISNULL(" + x + ")");
    bytes.push_back("CAST(" + x + " AS BINARY)");
  }
  const std::string row = "CONCAT_WS('#', " + core::join(bytes, ", ") + ", CONCAT(" + core::join(nulls, ", ") + "))";
  const bool crc32c = e == model::Engine::MariaDB && side.my && side.my->serverVersion().atLeast(10, 8);
  const std::string sums = crc32c ? "COALESCE(SUM(CRC32(" + row + ")), 0), COALESCE(SUM(CRC32C(" + row + ")), 0)"
                                  : "COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(" + row + "), 1, 15), 16, 10) AS UNSIGNED)), 0)";
  return "SELECT COUNT(*), " + sums + " FROM " + table + " WHERE " + predicate;
}

core::Result<std::pair<std::int64_t, std::string>> serverHash(const SideConnection& side, const std::string& sql) {
  auto r = side.pg ? side.pg->query(sql) : side.my->query(sql);
  if (!r) return std::move(r).error();
  if (r->empty()) return core::Error(core::ErrorKind::Internal, "checksum query returned no row");
  std::string sums;
  for (std::size_t c = 1; c < r->columns().size(); ++c) sums += r->at(0, c).value_or("0") + "/";
  return std::pair<std::int64_t, std::string>(std::stoll(r->at(0, 0).value_or("0")), sums);
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
  copy::CopyTextRows rows;
  auto r = side.pg->copyOut("COPY (" + sql + ") TO STDOUT",
                            [&](std::string_view data) { return rows.feed(data, onRow); });
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
    auto s = serverHash(ctx.source, serverHashSql(job, true, sourcePredicate(job, chunk), ctx.source));
    if (!s) return std::move(s).error().context("source checksum of " + job.label());
    auto t = serverHash(ctx.target, serverHashSql(job, false, targetPredicate(job, chunk), ctx.target));
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
  if (job.copy.integerKey) {
    bool ordered = false;
    FERRY_TRY(compareOrdered(job, chunk, ctx, out, ordered));
    if (ordered) return out;
  }
  FERRY_TRY(compareByKey(job, job.sourceDigestSelect(sourcePredicate(job, chunk)),
                         job.targetDigestSelect(targetPredicate(job, chunk)), chunk.estimatedRows, ctx, out));
  return out;
}

core::Result<ChunkOutcome> compareKeys(const VerifyJob& job, const std::vector<std::vector<std::string>>& keys,
                                       CompareContext& ctx) {
  ChunkOutcome out;
  if (job.keyless() || keys.empty()) return out;
  // The target holds each key as the copy's converter wrote it.
  std::vector<std::vector<std::string>> targetKeys;
  targetKeys.reserve(keys.size());
  std::vector<const copy::ColumnJob*> keyCols;
  for (const auto& k : job.copy.keyColumns) {
    const copy::ColumnJob* found = nullptr;
    for (const auto& c : job.copy.columns) {
      if (c.sourceName == k) found = &c;
    }
    keyCols.push_back(found);
  }
  for (const auto& key : keys) {
    std::vector<std::string> t;
    for (std::size_t i = 0; i < key.size(); ++i) {
      const copy::ColumnJob* c = i < keyCols.size() ? keyCols[i] : nullptr;
      if (!c || c->conversion == typemap::ConversionId::Identity) {
        t.push_back(key[i]);
        continue;
      }
      auto v = typemap::convertValue(c->conversion, std::string_view(key[i]), c->conversionContext);
      if (!v) return std::move(v).error().context(job.label() + " key " + key[i]);
      t.push_back(*v ? **v : key[i]);
    }
    targetKeys.push_back(std::move(t));
  }
  const std::string sourceSql =
      job.sourceDigestSelect(keyListPredicate(job.copy.sourceEngine, job.copy.keyColumns, job.copy.keyNumeric, keys));
  const std::string targetSql =
      job.targetDigestSelect(keyListPredicate(job.copy.targetEngine, job.targetKey, job.copy.keyNumeric, targetKeys));
  FERRY_TRY(compareByKey(job, sourceSql, targetSql, static_cast<std::int64_t>(keys.size()), ctx, out));
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

// libFuzzer target for the MariaDB binlog parser and row decoder (issue 12):
// whatever the bytes, parsing ends in a value or an Error — never a read out of
// bounds, an overflow the sanitizers see, or a crash.
//
// Input layout: u16 length of a TABLE_MAP body, that body, one byte choosing the
// row event type, then the row event body. The same bytes also go to every other
// event parser. Seeds: ferry_binlog_tests writes real (TABLE_MAP, rows) pairs to
// $FERRY_BINLOG_SEEDS_DIR.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cdc/binlog_event.h"
#include "cdc/binlog_rows.h"

using namespace ferry::cdc::binlog;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Format format;
  format.postHeaderLength.assign(171, 0);
  format.postHeaderLength[ev::kQuery - 1] = 13;
  format.postHeaderLength[ev::kTableMap - 1] = 8;
  for (std::uint8_t t : {ev::kWriteRowsV1, ev::kUpdateRowsV1, ev::kDeleteRowsV1, ev::kWriteRowsCompressedV1,
                         ev::kUpdateRowsCompressedV1, ev::kDeleteRowsCompressedV1}) {
    format.postHeaderLength[t - 1] = 8;
  }
  format.postHeaderLength[ev::kQueryCompressed - 1] = 13;

  (void)parseHeader(in);
  (void)parseFormatDescription(in);
  (void)parseGtid(in, 1);
  (void)parseGtidList(in);
  (void)parseRotate(in, format);
  (void)parseQuery(in, format, false);
  (void)parseQuery(in, format, true);
  (void)uncompressPayload(in);

  if (size < 3) return 0;
  const std::size_t mapLen = static_cast<std::size_t>(data[0]) | (static_cast<std::size_t>(data[1]) << 8);
  if (2 + mapLen + 1 > size) return 0;
  auto map = parseTableMap(in.substr(2, mapLen), format);
  static constexpr std::uint8_t kTypes[] = {ev::kWriteRowsV1, ev::kUpdateRowsV1, ev::kDeleteRowsV1,
                                            ev::kWriteRowsCompressedV1, ev::kUpdateRowsCompressedV1,
                                            ev::kDeleteRowsCompressedV1};
  const std::uint8_t type = kTypes[data[2 + mapLen] % 6];
  auto rows = parseRows(in.substr(3 + mapLen), type, format);
  if (!map || !rows) return 0;
  std::vector<ValueText> texts(map->columns.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    texts[i].form = static_cast<TextForm>(i % 4);
    texts[i].fixedDecimals = i % 3 == 0 ? static_cast<int>(i % 31) : -1;
    texts[i].charset = i % 2 ? "latin1" : "utf8mb4";
  }
  (void)decodeRows(*rows, *map, texts);
  return 0;
}

// Renders a list command's rows the way Docker's formatter does for a
// --format value:
//   ""  or "table"      the command's default table
//   "table TEMPLATE"    a header row, then one row per item, aligned by
//                       tabwrite (minwidth 10, padding 3)
//   "json"              one compact JSON object per row ({{json .}})
//   anything else       TEMPLATE executed per row, one line each
// As in Docker, the two-character sequences `\t` and `\n` in the format
// become a tab and a newline, and surrounding spaces are trimmed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kayak/format/template.hpp"
#include "kayak/util/json.hpp"

namespace kayak::format {

struct ListFormat {
  // "table {{.Repository}}\t{{.Tag}}\t..." used for "" and "table".
  std::string default_table;
  // Column headers by field; other fields get default_header().
  Headers headers;
  // When set, unknown top-level fields are errors naming this row type
  // (see ExecuteOptions::root_type).
  std::string row_type;
  // Methods of a row (Docker's `.Label "key"`).
  Methods methods;
};

std::string render_list(std::string_view format, const std::vector<json::Value>& rows, const ListFormat& list);

// True when the format asks for a table (so commands can, for example,
// decide whether to truncate IDs the way Docker does only for tables).
bool is_table_format(std::string_view format);

// `inspect --format`: the template executed once per item, each followed
// by a newline ("json" prints the item as compact JSON).
std::string render_each(std::string_view format, const std::vector<json::Value>& items);

}  // namespace kayak::format

#include "kayak/cli/render.hpp"

#include "kayak/format/table.hpp"
#include "kayak/format/template.hpp"

#include <fmt/format.h>

namespace kayak::cli {

void render_rows(const std::vector<json::Value>& rows, const std::string& user_format,
                 const std::string& default_table, const HeaderMap& headers, const std::string& row_type,
                 const format::Methods& methods) {
  format::ListFormat list;
  list.default_table = default_table;
  list.headers = format::Headers(headers.begin(), headers.end());
  list.row_type = row_type;
  list.methods = methods;
  fmt::print("{}", format::render_list(user_format, rows, list));
}

void render_object(const json::Value& object, const std::string& format, const std::string& type) {
  if (format == "json") {
    fmt::print("{}\n", json::dump(object, {.escape_html = true}));
    return;
  }
  format::ExecuteOptions options;
  options.root_type = type;
  fmt::print("{}\n", format::Template::parse(format).execute(object, options));
}

}  // namespace kayak::cli

#include "kayak/cli/render.hpp"

#include "kayak/format/tabwriter.hpp"
#include "kayak/format/template.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

namespace kayak::cli {

namespace {

// Docker lets users type "\t" (backslash, t) for a column break.
std::string unescape_tabs(std::string_view format) { return str::replace_all(format, "\\t", "\t"); }

bool is_table(std::string_view format) { return format.substr(0, 5) == "table"; }

}  // namespace

void render_rows(const std::vector<json::Value>& rows, const std::string& user_format,
                 const std::string& default_table, const HeaderMap& headers) {
  std::string chosen = user_format.empty() ? default_table : user_format;
  if (chosen == "json") {
    std::string out;
    for (const auto& row : rows) out += json::dump(row, {.escape_html = true}) + "\n";
    fmt::print("{}", out);
    return;
  }
  bool table = is_table(chosen);
  if (table) {
    std::string body(str::trim(std::string_view(chosen).substr(5)));
    chosen = body.empty() ? std::string(str::trim(std::string_view(default_table).substr(5))) : body;
  }
  format::Template tmpl = format::Template::parse(unescape_tabs(chosen));
  std::string text;
  if (table) {
    format::Headers named(headers.begin(), headers.end());
    text += tmpl.execute_header(named) + "\n";
  }
  for (const auto& row : rows) text += tmpl.execute(row) + "\n";
  fmt::print("{}", format::tabwrite(text));
}

void render_object(const json::Value& object, const std::string& format) {
  if (format == "json") {
    fmt::print("{}\n", json::dump(object, {.escape_html = true}));
    return;
  }
  format::Template tmpl = format::Template::parse(unescape_tabs(format));
  fmt::print("{}\n", tmpl.execute(object));
}

}  // namespace kayak::cli

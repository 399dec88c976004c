#include "kayak/format/table.hpp"

#include "kayak/format/tabwriter.hpp"

namespace kayak::format {
namespace {

constexpr std::string_view kTableKey = "table";
constexpr std::string_view kJsonKey = "json";
constexpr std::string_view kJsonTemplate = "{{json .}}";

// Docker's preFormat: drop the "table" key, trim spaces, and turn the
// escapes users type in shells into real tabs and newlines.
std::string pre_format(std::string_view format) {
  if (format.starts_with(kTableKey)) format.remove_prefix(kTableKey.size());
  else if (format == kJsonKey) format = kJsonTemplate;
  while (!format.empty() && format.front() == ' ') format.remove_prefix(1);
  while (!format.empty() && format.back() == ' ') format.remove_suffix(1);
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '\\' && i + 1 < format.size() && (format[i + 1] == 't' || format[i + 1] == 'n')) {
      out += format[i + 1] == 't' ? '\t' : '\n';
      ++i;
    } else {
      out += format[i];
    }
  }
  return out;
}

}  // namespace

bool is_table_format(std::string_view format) { return format.empty() || format.starts_with(kTableKey); }

std::string render_list(std::string_view format, const std::vector<json::Value>& rows, const ListFormat& list) {
  if (format.empty() || format == kTableKey) format = list.default_table;
  Template tmpl = Template::parse(pre_format(format));
  ExecuteOptions options;
  options.root_type = list.row_type;
  options.methods = list.methods;
  std::string body;
  // Rows first: a bad field should fail before any header is produced.
  for (const auto& row : rows) {
    body += tmpl.execute(row, options);
    body += '\n';
  }
  if (!format.starts_with(kTableKey)) return body;
  return tabwrite(tmpl.execute_header(list.headers) + "\n" + body);
}

std::string render_each(std::string_view format, const std::vector<json::Value>& items) {
  std::string text = format == kJsonKey ? std::string(kJsonTemplate) : std::string(format);
  Template tmpl = Template::parse(text);
  std::string out;
  for (const auto& item : items) {
    out += tmpl.execute(item);
    out += '\n';
  }
  return out;
}

}  // namespace kayak::format

#include "mount_csv.hpp"

#include "kayak/util/error.hpp"

namespace kayak::commands {

std::vector<std::string> parse_csv_record(std::string_view text) {
  // Go's reader stops at the first line end: a record is one line.
  text = text.substr(0, text.find('\n'));
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.empty()) fail("EOF");
  std::vector<std::string> fields;
  size_t i = 0;
  while (true) {
    std::string field;
    if (i < text.size() && text[i] == '"') {
      i++;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] != '"') {
          field += text[i++];
        } else if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
        } else {
          closed = true;
          i++;
          break;
        }
      }
      if (!closed || (i < text.size() && text[i] != ',')) {
        fail("parse error on line 1, column {}: extraneous or missing \" in quoted-field", i + 1);
      }
    } else {
      while (i < text.size() && text[i] != ',') {
        if (text[i] == '"') fail("parse error on line 1, column {}: bare \" in non-quoted field", i + 1);
        field += text[i++];
      }
    }
    fields.push_back(std::move(field));
    if (i >= text.size()) break;
    i++;  // the comma
    if (i == text.size()) {
      fields.emplace_back();
      break;
    }
  }
  return fields;
}

}  // namespace kayak::commands

#include "kayak/format/template.hpp"

#include <cctype>

#include "template_exec.hpp"
#include "template_tree.hpp"

namespace kayak::format {

Template Template::parse(std::string_view text) { return Template(detail::parse_tree(text)); }

std::string Template::execute(const json::Value& data, const ExecuteOptions& options) const {
  return detail::execute_tree(*tree_, data, options, nullptr);
}

std::string Template::execute_header(const Headers& headers) const {
  return detail::execute_tree(*tree_, json::Value::object(), {}, &headers);
}

// Splits camel case the way the common Go camelcase package does: a new
// word starts at a lower->upper change, before the last capital of a run
// of capitals followed by a lower-case letter ("HTTPPort" -> HTTP Port),
// and between letters and digits.
std::string default_header(std::string_view field) {
  enum Class { Lower, Upper, Digit, Other };
  auto class_of = [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::islower(u)) return Lower;
    if (std::isupper(u)) return Upper;
    if (std::isdigit(u)) return Digit;
    return Other;
  };
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (i > 0) {
      Class prev = class_of(field[i - 1]);
      Class cur = class_of(field[i]);
      bool next_lower = i + 1 < field.size() && class_of(field[i + 1]) == Lower;
      bool boundary = (cur != prev && !(prev == Upper && cur == Lower)) ||
                      (prev == Upper && cur == Upper && next_lower);
      if (boundary && !out.empty() && out.back() != ' ') out += ' ';
    }
    if (class_of(field[i]) == Other) {
      // "_" and other punctuation separate words.
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(field[i])));
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace kayak::format

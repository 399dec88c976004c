#include "kayak/quadlet/unit_file.hpp"

#include "kayak/util/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace kayak::quadlet {

namespace {

constexpr std::string_view kSpace = " \t\n\r";

std::string_view trim(std::string_view s) {
  size_t start = s.find_first_not_of(kSpace);
  if (start == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(kSpace);
  return s.substr(start, end - start + 1);
}

bool is_comment(std::string_view trimmed) {
  return !trimmed.empty() && (trimmed[0] == '#' || trimmed[0] == ';');
}

// systemd.syntax(7): a line ending in a backslash goes on with the next.
bool continues(std::string_view line) { return !line.empty() && line.back() == '\\'; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escape at text[i] (just after the backslash); advances i past it.
void decode_escape(std::string_view text, size_t& i, std::string& out) {
  if (i >= text.size()) fail("a backslash ends the value");
  char c = text[i++];
  switch (c) {
    case 'a': out += '\a'; return;
    case 'b': out += '\b'; return;
    case 'f': out += '\f'; return;
    case 'n': out += '\n'; return;
    case 'r': out += '\r'; return;
    case 't': out += '\t'; return;
    case 'v': out += '\v'; return;
    case 's': out += ' '; return;
    case '\\': case '"': case '\'': out += c; return;
    case 'x': {
      int hi = i < text.size() ? hex_digit(text[i]) : -1;
      int lo = i + 1 < text.size() ? hex_digit(text[i + 1]) : -1;
      if (hi < 0 || lo < 0) fail("bad escape \\x: two hex digits expected");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
      return;
    }
    default:
      if (c >= '0' && c <= '7') {
        if (i + 1 >= text.size() || text[i] < '0' || text[i] > '7' || text[i + 1] < '0' || text[i + 1] > '7')
          fail("bad octal escape: three digits expected");
        out += static_cast<char>((c - '0') * 64 + (text[i] - '0') * 8 + (text[i + 1] - '0'));
        i += 2;
        return;
      }
      fail("unknown escape \\{}", c);
  }
}

}  // namespace

UnitFile UnitFile::parse(std::string_view text, std::vector<Diagnostic>& diagnostics) {
  UnitFile unit;
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    int first_line = line_no;
    std::string_view line = trim(raw);
    if (line.empty() || is_comment(line)) continue;

    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3 || line.find_first_of("[]", 1) != line.size() - 1) {
        diagnostics.push_back({first_line, fmt::format("invalid section header '{}'", line)});
        continue;
      }
      unit.sections_.push_back({std::string(line.substr(1, line.size() - 2)), first_line, {}});
      continue;
    }

    // Join continued lines: the backslash becomes a space; comment lines
    // in between are skipped.
    std::string joined(line);
    while (continues(joined) && !text.empty()) {
      joined.back() = ' ';
      while (!text.empty()) {
        size_t next_nl = text.find('\n');
        std::string_view next = trim(text.substr(0, next_nl));
        text.remove_prefix(next_nl == std::string_view::npos ? text.size() : next_nl + 1);
        ++line_no;
        if (is_comment(next)) continue;
        joined += next;
        break;
      }
    }
    if (continues(joined)) joined.pop_back();  // the file ended inside a continuation

    size_t eq = joined.find('=');
    if (eq == std::string::npos) {
      diagnostics.push_back({first_line, fmt::format("line is not Key=Value: '{}'", trim(joined))});
      continue;
    }
    std::string key(trim(std::string_view(joined).substr(0, eq)));
    std::string value(trim(std::string_view(joined).substr(eq + 1)));
    if (key.empty()) {
      diagnostics.push_back({first_line, "entry without a key"});
      continue;
    }
    if (unit.sections_.empty()) {
      diagnostics.push_back({first_line, fmt::format("{} outside of any section", key)});
      continue;
    }
    unit.sections_.back().entries.push_back({std::move(key), std::move(value), first_line});
  }
  return unit;
}

const UnitSection* UnitFile::section(std::string_view name) const {
  for (const auto& s : sections_)
    if (s.name == name) return &s;
  return nullptr;
}

UnitSection& UnitFile::section_slot(std::string_view name) {
  for (auto& s : sections_)
    if (s.name == name) return s;
  sections_.push_back({std::string(name), 0, {}});
  return sections_.back();
}

std::vector<const UnitEntry*> UnitFile::values(std::string_view section, std::string_view key) const {
  std::vector<const UnitEntry*> found;
  // A section may appear more than once; its entries add up in file order.
  for (const auto& s : sections_) {
    if (s.name != section) continue;
    for (const auto& e : s.entries) {
      if (e.key != key) continue;
      if (e.value.empty()) {
        found.clear();
      } else {
        found.push_back(&e);
      }
    }
  }
  return found;
}

const UnitEntry* UnitFile::last(std::string_view section, std::string_view key) const {
  const UnitEntry* found = nullptr;
  for (const auto& s : sections_) {
    if (s.name != section) continue;
    for (const auto& e : s.entries)
      if (e.key == key) found = &e;
  }
  return found;
}

void UnitFile::add(std::string_view section, std::string key, std::string value) {
  section_slot(section).entries.push_back({std::move(key), std::move(value), 0});
}

std::string UnitFile::to_string() const {
  std::string out;
  for (const auto& s : sections_) {
    if (!out.empty()) out += '\n';
    out += fmt::format("[{}]\n", s.name);
    for (const auto& e : s.entries) out += fmt::format("{}={}\n", e.key, e.value);
  }
  return out;
}

std::optional<bool> parse_unit_bool(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto yes : {"1", "yes", "y", "true", "t", "on"})
    if (lower == yes) return true;
  for (auto no : {"0", "no", "n", "false", "f", "off"})
    if (lower == no) return false;
  return std::nullopt;
}

std::vector<std::string> split_unit_words(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  for (;;) {
    while (i < text.size() && kSpace.find(text[i]) != std::string_view::npos) ++i;
    if (i >= text.size()) break;
    std::string word;
    char quote = 0;
    while (i < text.size()) {
      char c = text[i];
      if (quote) {
        ++i;
        if (c == quote) {
          quote = 0;
        } else if (c == '\\') {
          decode_escape(text, i, word);
        } else {
          word += c;
        }
        continue;
      }
      if (kSpace.find(c) != std::string_view::npos) break;
      ++i;
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '\\') {
        decode_escape(text, i, word);
      } else {
        word += c;
      }
    }
    if (quote) fail("unterminated quote {}", quote);
    words.push_back(std::move(word));
  }
  return words;
}

std::string quote_unit_word(std::string_view word) {
  bool plain = !word.empty() && std::none_of(word.begin(), word.end(), [](char c) {
    return c == '"' || c == '\'' || c == '\\' || static_cast<unsigned char>(c) < 0x21 || c == 0x7f;
  });
  if (plain) return std::string(word);
  std::string out = "\"";
  for (char c : word) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace kayak::quadlet

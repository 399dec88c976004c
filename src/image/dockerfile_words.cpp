// Word processing for Dockerfile-style changes; see dockerfile_words.hpp.
#include "dockerfile_words.hpp"

#include "kayak/util/error.hpp"

#include <cctype>
#include <limits>

namespace kayak::image::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// A cursor over one word. Processing stops at `stop` (used for the word
// inside ${NAME:-word}, which ends at the matching '}').
class WordLexer {
public:
  WordLexer(std::string_view text, const EnvLookup& env) : text_(text), env_(env) {}

  std::string process(char stop = '\0') {
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (stop != '\0' && c == stop) break;
      ++pos_;
      switch (c) {
      case '\'':
        single_quoted(out);
        break;
      case '"':
        double_quoted(out);
        break;
      case '$':
        out += dollar();
        break;
      case '\\':
        // Outside quotes a backslash takes the next character literally; a
        // trailing one is dropped.
        if (pos_ < text_.size()) out += text_[pos_++];
        break;
      default:
        out += c;
      }
    }
    return out;
  }

  bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  void skip() { ++pos_; }

private:
  void single_quoted(std::string& out) {
    size_t close = text_.find('\'', pos_);
    if (close == std::string_view::npos) fail("unexpected end of statement while looking for matching single-quote");
    out.append(text_.substr(pos_, close - pos_));
    pos_ = close + 1;
  }

  void double_quoted(std::string& out) {
    while (true) {
      if (pos_ >= text_.size()) fail("unexpected end of statement while looking for matching double-quote");
      char c = text_[pos_++];
      if (c == '"') return;
      if (c == '$') {
        out += dollar();
      } else if (c == '\\') {
        if (pos_ >= text_.size()) fail("unexpected end of statement while looking for matching double-quote");
        char next = text_[pos_++];
        // Inside double quotes only \" \$ and \\ are escapes.
        if (next != '"' && next != '$' && next != '\\') out += '\\';
        out += next;
      } else {
        out += c;
      }
    }
  }

  std::string name() {
    size_t start = pos_;
    while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  // After a '$': a variable, a ${...} substitution, or a literal '$'.
  std::string dollar() {
    if (at('{')) {
      ++pos_;
      std::string var = name();
      if (var.empty()) fail("bad substitution: missing variable name in ${{}}");
      std::optional<std::string> value = env_(var);
      if (at('}')) {
        ++pos_;
        return value.value_or("");
      }
      bool colon = at(':');
      if (colon) ++pos_;
      if (pos_ >= text_.size()) fail("syntax error: missing '}}'");
      char modifier = text_[pos_++];
      if (modifier != '-' && modifier != '+' && modifier != '?')
        fail("unsupported modifier ({}) in substitution", modifier);
      std::string word = process('}');
      if (!at('}')) fail("syntax error: missing '}}'");
      ++pos_;
      // With ':' an empty value counts as unset, as in the shell.
      bool set = value.has_value() && (!colon || !value->empty());
      switch (modifier) {
      case '-':
        return set ? *value : word;
      case '+':
        return set ? word : std::string();
      default:  // '?'
        if (!set) fail("{}: {}", var, word.empty() ? "is not allowed to be unset" : word);
        return *value;
      }
    }
    std::string var = name();
    if (var.empty()) return "$";
    return env_(var).value_or("");
  }

  std::string_view text_;
  const EnvLookup& env_;
  size_t pos_ = 0;
};

}  // namespace

std::string process_word(std::string_view word, const EnvLookup& env) {
  WordLexer lexer(word, env);
  return lexer.process();
}

std::vector<std::string> split_quoted_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = '\0';
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote == '\0' && is_space(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    word += c;
    if (c == '\\' && quote != '\'' && i + 1 < text.size()) {
      word += text[++i];
    } else if (quote == '\0' && (c == '"' || c == '\'')) {
      quote = c;
    } else if (c == quote) {
      quote = '\0';
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::vector<std::string> split_whitespace(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_space(text[i])) ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

std::optional<int64_t> parse_go_duration(std::string_view text) {
  if (text == "0") return 0;
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  struct Unit {
    std::string_view name;
    double ns;
  };
  static constexpr Unit kUnits[] = {{"ns", 1}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3}, {"ms", 1e6},
                                    {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
  double total = 0;
  while (!text.empty()) {
    size_t i = 0;
    bool digits = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, digits = true;
    }
    if (!digits) return std::nullopt;
    double number = std::stod(std::string(text.substr(0, i)));
    text.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const auto& u : kUnits) {
      // The longest unit that matches wins ("ms" over "m").
      if (text.starts_with(u.name) && (!unit || u.name.size() > unit->name.size())) unit = &u;
    }
    if (!unit) return std::nullopt;
    text.remove_prefix(unit->name.size());
    total += number * unit->ns;
  }
  if (total > static_cast<double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  auto ns = static_cast<int64_t>(total + 0.5);
  return negative ? -ns : ns;
}

}  // namespace kayak::image::detail

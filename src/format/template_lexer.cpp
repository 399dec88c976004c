// A port of the state machine in Go's text/template/parse/lex.go, written
// as one loop per state. Tokens carry byte offsets because Go's execution
// errors report "line:column" computed from them.
#include "template_lexer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "kayak/format/go_print.hpp"
#include "utf8.hpp"

namespace kayak::format::detail {
namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr size_t kTrimMarkerLen = 2;  // "-" plus one space

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_alnum(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  // Bytes of multi-byte UTF-8 sequences count as letters: Go accepts any
  // Unicode letter in identifiers, and we do not need to be stricter.
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || u >= 0x80;
}

bool has_left_trim_marker(std::string_view s) { return s.size() >= 2 && s[0] == '-' && is_space(s[1]); }
bool has_right_trim_marker(std::string_view s) { return s.size() >= 2 && is_space(s[0]) && s[1] == '-'; }

// Go's %#U: "U+007D '}'".
std::string describe_rune(std::string_view at) {
  size_t len = 0;
  char32_t r = decode_utf8(at, len);
  if (at.empty()) return "U+FFFFFFFFFFFFFFFF";  // Go's eof rune (-1) in %#U
  if (r == kInvalidRune) r = 0xfffd;
  std::string out = fmt::format("U+{:04X}", static_cast<uint32_t>(r));
  bool printable = (r >= 0x20 && r < 0x7f) || r >= 0xa0;
  if (printable) {
    out += " '";
    append_utf8(out, r);
    out += "'";
  }
  return out;
}

const std::map<std::string_view, Tok>& keywords() {
  static const std::map<std::string_view, Tok> table = {
      {"block", Tok::Block}, {"break", Tok::Break}, {"continue", Tok::Continue},
      {"define", Tok::Define},   {"else", Tok::Else},   {"end", Tok::End},     {"if", Tok::If},
      {"range", Tok::Range},     {"nil", Tok::Nil},     {"template", Tok::Template},
      {"with", Tok::With},
  };
  return table;
}

class Lexer {
public:
  explicit Lexer(std::string_view input) : in_(input) {
    for (size_t i = 0; i < in_.size(); ++i) {
      if (in_[i] == '\n') newlines_.push_back(i);
    }
  }

  std::vector<Token> run() {
    while (!done_) lex_text();
    return std::move(tokens_);
  }

private:
  int line_at(size_t pos) const {
    return 1 + static_cast<int>(std::lower_bound(newlines_.begin(), newlines_.end(), pos) - newlines_.begin());
  }

  void emit(Tok type, size_t start, size_t end) {
    tokens_.push_back({type, start, std::string(in_.substr(start, end - start)), line_at(start)});
  }

  void error(std::string message, size_t at) {
    tokens_.push_back({Tok::Error, at, std::move(message), line_at(at)});
    done_ = true;
  }

  char peek(size_t at) const { return at < in_.size() ? in_[at] : '\0'; }
  bool at_eof(size_t at) const { return at >= in_.size(); }

  // Returns (delimiter here, with trim marker).
  std::pair<bool, bool> at_right_delim(size_t at) const {
    std::string_view rest = in_.substr(std::min(at, in_.size()));
    if (has_right_trim_marker(rest) && rest.substr(kTrimMarkerLen).starts_with(kRightDelim)) return {true, true};
    return {rest.starts_with(kRightDelim), false};
  }

  bool at_terminator(size_t at) const {
    if (at_eof(at)) return true;
    char c = in_[at];
    if (is_space(c)) return true;
    switch (c) {
    case '.': case ',': case '|': case ':': case ')': case '(': return true;
    default: break;
    }
    return in_.substr(at).starts_with(kRightDelim);
  }

  void lex_text() {
    size_t x = in_.find(kLeftDelim, pos_);
    if (x == std::string_view::npos) {
      if (pos_ < in_.size()) emit(Tok::Text, pos_, in_.size());
      tokens_.push_back({Tok::Eof, in_.size(), "", line_at(in_.size())});
      done_ = true;
      return;
    }
    size_t text_end = x;
    if (has_left_trim_marker(in_.substr(x + kLeftDelim.size()))) {
      while (text_end > pos_ && is_space(in_[text_end - 1])) --text_end;
    }
    if (text_end > pos_) emit(Tok::Text, pos_, text_end);
    pos_ = x;
    lex_left_delim();
  }

  void lex_left_delim() {
    size_t start = pos_;
    pos_ += kLeftDelim.size();
    bool trim = has_left_trim_marker(in_.substr(pos_));
    size_t after_marker = trim ? kTrimMarkerLen : 0;
    if (in_.substr(pos_ + after_marker).starts_with(kLeftComment)) {
      pos_ += after_marker;
      lex_comment();
      return;
    }
    emit(Tok::LeftDelim, start, pos_);
    pos_ += after_marker;
    paren_depth_ = 0;
    lex_inside_action();
  }

  void lex_comment() {
    size_t start = pos_;
    pos_ += kLeftComment.size();
    size_t end = in_.find(kRightComment, pos_);
    if (end == std::string_view::npos) return error("unclosed comment", start);
    pos_ = end + kRightComment.size();
    auto [delim, trim] = at_right_delim(pos_);
    if (!delim) return error("comment ends before closing delimiter", start);
    if (trim) pos_ += kTrimMarkerLen;
    pos_ += kRightDelim.size();
    if (trim) skip_leading_space();
  }

  void skip_leading_space() {
    while (pos_ < in_.size() && is_space(in_[pos_])) ++pos_;
  }

  void lex_right_delim(bool trim) {
    if (trim) pos_ += kTrimMarkerLen;
    emit(Tok::RightDelim, pos_, pos_ + kRightDelim.size());
    pos_ += kRightDelim.size();
    if (trim) skip_leading_space();
  }

  // Lexes tokens until the action's closing delimiter (or an error).
  void lex_inside_action() {
    while (!done_) {
      auto [delim, trim] = at_right_delim(pos_);
      if (delim) {
        if (paren_depth_ == 0) return lex_right_delim(trim);
        return error("unclosed left paren", pos_);
      }
      size_t start = pos_;
      if (at_eof(pos_)) return error("unclosed action", pos_);
      char c = in_[pos_];
      if (is_space(c)) {
        lex_space();
        if (returned_to_text_) {
          returned_to_text_ = false;
          return;
        }
        continue;
      }
      ++pos_;
      switch (c) {
      case '=': emit(Tok::Assign, start, pos_); continue;
      case ':':
        if (peek(pos_) != '=') return error("expected :=", start);
        ++pos_;
        emit(Tok::Declare, start, pos_);
        continue;
      case '|': emit(Tok::Pipe, start, pos_); continue;
      case '"': lex_quote(start); continue;
      case '`': lex_raw_quote(start); continue;
      case '$': lex_field_or_variable(start, Tok::Variable); continue;
      case '\'': lex_char(start); continue;
      case '(':
        ++paren_depth_;
        emit(Tok::LeftParen, start, pos_);
        continue;
      case ')':
        --paren_depth_;
        if (paren_depth_ < 0) return error("unexpected right paren", start);
        emit(Tok::RightParen, start, pos_);
        continue;
      default: break;
      }
      if (c == '.' && pos_ < in_.size() && !(in_[pos_] >= '0' && in_[pos_] <= '9')) {
        lex_field_or_variable(start, Tok::Field);
        continue;
      }
      if (c == '.' || c == '+' || c == '-' || (c >= '0' && c <= '9')) {
        pos_ = start;
        lex_number();
        continue;
      }
      if (is_alnum(c)) {
        pos_ = start;
        lex_identifier();
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x80 && c >= 0x20 && c < 0x7f) {
        emit(Tok::Char, start, pos_);
        continue;
      }
      return error("unrecognized character in action: " + describe_rune(in_.substr(start)), start);
    }
  }

  void lex_space() {
    size_t start = pos_;
    size_t spaces = 0;
    while (pos_ < in_.size() && is_space(in_[pos_])) {
      ++pos_;
      ++spaces;
    }
    // A space followed by "-}}" belongs to the trim marker.
    std::string_view from_last = in_.substr(pos_ - 1);
    if (has_right_trim_marker(from_last) && from_last.substr(kTrimMarkerLen).starts_with(kRightDelim)) {
      --pos_;
      if (spaces == 1) {
        if (paren_depth_ != 0) return error("unclosed left paren", pos_);
        lex_right_delim(true);
        returned_to_text_ = true;
        return;
      }
    }
    emit(Tok::Space, start, pos_);
  }

  void lex_quote(size_t start) {
    while (true) {
      if (at_eof(pos_)) return error("unterminated quoted string", start);
      char c = in_[pos_++];
      if (c == '\\') {
        if (at_eof(pos_) || in_[pos_] == '\n') return error("unterminated quoted string", start);
        ++pos_;
      } else if (c == '\n') {
        return error("unterminated quoted string", start);
      } else if (c == '"') {
        break;
      }
    }
    emit(Tok::String, start, pos_);
  }

  void lex_raw_quote(size_t start) {
    size_t end = in_.find('`', pos_);
    if (end == std::string_view::npos) return error("unterminated raw quoted string", start);
    pos_ = end + 1;
    emit(Tok::RawString, start, pos_);
  }

  void lex_char(size_t start) {
    while (true) {
      if (at_eof(pos_)) return error("unterminated character constant", start);
      char c = in_[pos_++];
      if (c == '\\') {
        if (at_eof(pos_) || in_[pos_] == '\n') return error("unterminated character constant", start);
        ++pos_;
      } else if (c == '\n') {
        return error("unterminated character constant", start);
      } else if (c == '\'') {
        break;
      }
    }
    emit(Tok::CharConstant, start, pos_);
  }

  void lex_field_or_variable(size_t start, Tok type) {
    if (at_terminator(pos_)) {
      emit(type == Tok::Variable ? Tok::Variable : Tok::Dot, start, pos_);
      return;
    }
    while (pos_ < in_.size() && is_alnum(in_[pos_])) ++pos_;
    if (!at_terminator(pos_)) return error("bad character " + describe_rune(in_.substr(pos_)), start);
    emit(type, start, pos_);
  }

  void lex_identifier() {
    size_t start = pos_;
    while (pos_ < in_.size() && is_alnum(in_[pos_])) ++pos_;
    if (!at_terminator(pos_)) return error("bad character " + describe_rune(in_.substr(pos_)), start);
    std::string_view word = in_.substr(start, pos_ - start);
    auto it = keywords().find(word);
    if (it != keywords().end()) {
      emit(it->second, start, pos_);
    } else if (word == "true" || word == "false") {
      emit(Tok::Bool, start, pos_);
    } else {
      emit(Tok::Identifier, start, pos_);
    }
  }

  bool accept(std::string_view valid) {
    if (pos_ < in_.size() && valid.find(in_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void accept_run(std::string_view valid) {
    while (accept(valid)) {
    }
  }

  // Go's scanNumber: false when an alphanumeric follows the number.
  bool scan_number() {
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 11 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 23 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (pos_ < in_.size() && is_alnum(in_[pos_])) {
      ++pos_;
      return false;
    }
    return true;
  }

  void lex_number() {
    size_t start = pos_;
    auto bad = [&] { error(fmt::format("bad number syntax: {}", go_quote(in_.substr(start, pos_ - start))), start); };
    if (!scan_number()) return bad();
    if (peek(pos_) == '+' || peek(pos_) == '-') {
      // A complex constant such as 1+2i: the second part must end in 'i'.
      if (!scan_number() || in_[pos_ - 1] != 'i') return bad();
    }
    emit(Tok::Number, start, pos_);
  }

  std::string_view in_;
  size_t pos_ = 0;
  int paren_depth_ = 0;
  bool done_ = false;
  bool returned_to_text_ = false;
  std::vector<Token> tokens_;
  std::vector<size_t> newlines_;
};

}  // namespace

bool is_keyword(Tok type) { return type >= Tok::Block; }

std::string describe(const Token& token) {
  if (token.type == Tok::Eof) return "EOF";
  if (token.type == Tok::Error) return token.val;
  if (is_keyword(token.type)) return "<" + token.val + ">";
  // Go's %.10q: at most ten runes of the value, quoted, then "...".
  if (token.val.size() > 10) return go_quote(utf8_prefix(token.val, 10)) + "...";
  return go_quote(token.val);
}

std::vector<Token> lex(std::string_view text) { return Lexer(text).run(); }

}  // namespace kayak::format::detail

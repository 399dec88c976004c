#include "kayak/registry/auth_challenge.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/strings.hpp"

namespace kayak::registry {

namespace {

bool is_token_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~/").find(c) != std::string_view::npos;
}

class Scanner {
public:
  explicit Scanner(std::string_view text) : text_(text) {}
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  size_t pos() const { return pos_; }
  void seek(size_t pos) { pos_ = pos; }
  void advance() { ++pos_; }
  void skip_spaces() {
    while (!done() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }
  void skip_spaces_and_commas() {
    while (!done() && (peek() == ' ' || peek() == '\t' || peek() == ',')) ++pos_;
  }
  std::string token() {
    size_t start = pos_;
    while (!done() && is_token_char(peek())) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // A quoted-string with backslash escapes; an unterminated one takes the rest.
  std::string quoted() {
    std::string out;
    ++pos_;  // opening quote
    while (!done() && peek() != '"') {
      if (peek() == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (!done()) ++pos_;  // closing quote
    return out;
  }

private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<Challenge> parse_challenges(std::string_view header) {
  std::vector<Challenge> challenges;
  Scanner in(header);
  while (true) {
    in.skip_spaces_and_commas();
    if (in.done()) break;
    std::string scheme = in.token();
    if (scheme.empty()) {
      in.advance();  // not a token: skip the stray character
      continue;
    }
    Challenge challenge{str::to_lower(scheme), {}};
    // auth-params until a token that is not followed by '=' starts the
    // next challenge.
    while (true) {
      size_t before = in.pos();
      in.skip_spaces_and_commas();
      std::string name = in.token();
      in.skip_spaces();
      if (name.empty() || in.peek() != '=') {
        // The next scheme (or a token68 credential, which we do not use).
        in.seek(before);
        break;
      }
      in.advance();  // '='
      in.skip_spaces();
      std::string value = in.peek() == '"' ? in.quoted() : in.token();
      challenge.params[str::to_lower(name)] = value;
    }
    challenges.push_back(std::move(challenge));
  }
  return challenges;
}

Token parse_token_response(std::string_view body) {
  json::Value doc;
  try {
    doc = json::parse(body, "token response");
  } catch (const Error&) {
    fail("the token server's answer is not JSON");
  }
  Token token;
  token.value = doc.string_or("token");
  if (token.value.empty()) token.value = doc.string_or("access_token");
  if (token.value.empty()) fail("the token server's answer holds no token");
  int64_t expires = doc.int_or("expires_in", 60);
  token.expires_in = expires < 60 ? 60 : expires;
  return token;
}

}  // namespace kayak::registry

// Tokens of Go's text/template language, lexed the way Go's lexer does so
// that error messages ("bad character U+007D '}'", "unclosed action") and
// the trim markers ("{{- ", " -}}") behave identically.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::format::detail {

enum class Tok {
  Error,         // val holds the message; always the last token
  Bool,          // true / false
  Char,          // any other printable ASCII character inside an action
  CharConstant,  // 'a'
  Assign,        // =
  Declare,       // :=
  Eof,
  Field,         // .Name
  Identifier,    // function name
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,      // $ or $name
  // Keywords (Go prints these as <name> in "unexpected" errors).
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
};

struct Token {
  Tok type;
  size_t pos;   // byte offset in the template text
  std::string val;
  int line;     // 1-based line of the token's start
};

bool is_keyword(Tok type);
// Go's item.String(): EOF, the error text, <keyword>, or the quoted value.
std::string describe(const Token& token);

// Lexes the whole template. The result always ends with Eof or Error.
std::vector<Token> lex(std::string_view text);

}  // namespace kayak::format::detail

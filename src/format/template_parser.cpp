// Recursive-descent parser following Go's text/template/parse/parse.go
// function by function (pipeline, command, operand, term, the control
// structures), so that the same mistakes produce the same messages.
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <set>

#include "kayak/format/go_print.hpp"
#include "kayak/util/error.hpp"
#include "template_functions.hpp"
#include "template_lexer.hpp"
#include "template_tree.hpp"
#include "utf8.hpp"

namespace kayak::format::detail {
namespace {

// Thrown inside the parser; converted to kayak::Error at the top so the
// message can carry Go's "template: :LINE: " prefix.
struct ParseFailure {
  std::string message;
  int line;
};

// strconv.Unquote for "..." and '...' literals; nullopt on bad syntax.
bool unquote(std::string_view quoted, std::string& out) {
  char q = quoted.front();
  if (q == '`') {
    out = std::string(quoted.substr(1, quoted.size() - 2));
    return true;
  }
  std::string_view body = quoted.substr(1, quoted.size() - 2);
  out.clear();
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == q) return false;
    if (c != '\\') {
      out += c;
      ++i;
      continue;
    }
    if (i + 1 >= body.size()) return false;
    char e = body[i + 1];
    i += 2;
    auto hex = [&](size_t n, uint32_t& value) {
      if (i + n > body.size()) return false;
      value = 0;
      for (size_t k = 0; k < n; ++k) {
        char h = body[i + k];
        int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
        if (d < 0) return false;
        value = value * 16 + static_cast<uint32_t>(d);
      }
      i += n;
      return true;
    };
    uint32_t value = 0;
    switch (e) {
    case 'a': out += '\a'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'n': out += '\n'; break;
    case 'r': out += '\r'; break;
    case 't': out += '\t'; break;
    case 'v': out += '\v'; break;
    case '\\': out += '\\'; break;
    case '\'': case '"':
      if (e != q) return false;
      out += e;
      break;
    case 'x':
      if (!hex(2, value)) return false;
      out += static_cast<char>(value);
      break;
    case 'u':
    case 'U':
      if (!hex(e == 'u' ? 4 : 8, value)) return false;
      if (value > 0x10ffff || (value >= 0xd800 && value < 0xe000)) return false;
      append_utf8(out, value);
      break;
    default:
      if (e >= '0' && e <= '7') {
        if (i + 2 > body.size()) return false;
        value = static_cast<uint32_t>(e - '0');
        for (size_t k = 0; k < 2; ++k) {
          char o = body[i + k];
          if (o < '0' || o > '7') return false;
          value = value * 8 + static_cast<uint32_t>(o - '0');
        }
        if (value > 255) return false;
        i += 2;
        out += static_cast<char>(value);
        break;
      }
      return false;
    }
  }
  return true;
}

// strconv's underscoreOK: '_' may only separate digits (a base prefix
// counts as a digit), as in Go integer literals.
bool underscores_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    if (p == 'b' || p == 'o' || p == 'x') {
      i = 2;
      saw = '0';
      hex = p == 'x';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((c >= '0' && c <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

class Parser {
public:
  Parser(std::string_view text) : tokens_(lex(text)) {}

  std::unique_ptr<Node> parse() {
    auto root = std::make_unique<Node>(NodeKind::List, peek().pos);
    while (peek().type != Tok::Eof) {
      auto n = text_or_action();
      if (is_end_or_else(*n)) errorf("unexpected {}", node_string(*n));
      root->children.push_back(std::move(n));
    }
    return root;
  }

private:
  static bool is_end_or_else(const Node& n) { return n.kind == NodeKind::End || n.kind == NodeKind::Else; }
  static bool is_end(const Node& n) { return n.kind == NodeKind::End; }

  [[noreturn]] void raise(std::string message) { throw ParseFailure{std::move(message), line_}; }

  template <typename... Args>
  [[noreturn]] void errorf(fmt::format_string<Args...> format, Args&&... args) {
    raise(fmt::format(format, std::forward<Args>(args)...));
  }

  const Token& next() {
    const Token& t = tokens_[index_];
    if (index_ + 1 < tokens_.size()) ++index_;
    else at_end_ = true;
    line_ = t.line;
    return t;
  }
  void backup() {
    if (at_end_) at_end_ = false;
    else --index_;
  }
  const Token& peek() {
    line_ = tokens_[index_].line;
    return tokens_[index_];
  }
  const Token& next_non_space() {
    const Token* t;
    do {
      t = &next();
    } while (t->type == Tok::Space);
    return *t;
  }
  const Token& peek_non_space() {
    const Token& t = next_non_space();
    backup();
    return t;
  }

  [[noreturn]] void unexpected(const Token& token, std::string_view context) {
    if (token.type == Tok::Error) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = fmt::format(" in action started at :{}", action_line_);
        if (token.val.ends_with(" action")) extra = extra.substr(std::string_view(" in action").size());
      }
      raise(token.val + extra);
    }
    errorf("unexpected {} in {}", describe(token), context);
  }

  const Token& expect(Tok type, std::string_view context) {
    const Token& t = next_non_space();
    if (t.type != type) unexpected(t, context);
    return t;
  }


  std::unique_ptr<Node> text_or_action() {
    const Token& token = next_non_space();
    switch (token.type) {
    case Tok::Text: {
      auto n = std::make_unique<Node>(NodeKind::Text, token.pos);
      n->text = token.val;
      return n;
    }
    case Tok::LeftDelim: {
      int saved = action_line_;
      action_line_ = token.line;
      auto n = action();
      action_line_ = saved;
      return n;
    }
    default: unexpected(token, "input");
    }
  }

  std::unique_ptr<Node> action() {
    const Token& token = next_non_space();
    switch (token.type) {
    case Tok::Block: case Tok::Define: case Tok::Template:
      errorf("{{{{{}}}}} is not supported", token.val);
    case Tok::Break: return break_control(token, "break", NodeKind::Break);
    case Tok::Continue: return break_control(token, "continue", NodeKind::Continue);
    case Tok::Else: return else_control();
    case Tok::End: return std::make_unique<Node>(NodeKind::End, expect(Tok::RightDelim, "end").pos);
    case Tok::If: return control(NodeKind::If, "if");
    case Tok::Range: return control(NodeKind::Range, "range");
    case Tok::With: return control(NodeKind::With, "with");
    default: break;
    }
    backup();
    const Token& start = peek();
    auto n = std::make_unique<Node>(NodeKind::Action, start.pos);
    n->pipe = pipeline("command", Tok::RightDelim);
    return n;
  }

  std::unique_ptr<Node> break_control(const Token& token, std::string_view word, NodeKind kind) {
    const Token& t = next_non_space();
    if (t.type != Tok::RightDelim) unexpected(t, fmt::format("{{{{{}}}}}", word));
    if (range_depth_ == 0) errorf("{{{{{}}}}} outside {{{{range}}}}", word);
    return std::make_unique<Node>(kind, token.pos);
  }

  std::unique_ptr<Node> else_control() {
    const Token& peeked = peek_non_space();
    // "{{else if ...}}" and "{{else with ...}}": leave the keyword pending
    // for control() to chain.
    if (peeked.type == Tok::If || peeked.type == Tok::With) return std::make_unique<Node>(NodeKind::Else, peeked.pos);
    return std::make_unique<Node>(NodeKind::Else, expect(Tok::RightDelim, "else").pos);
  }

  // Parses statements up to {{end}} or {{else}}; returns the marker too.
  std::pair<std::unique_ptr<Node>, std::unique_ptr<Node>> item_list() {
    auto list = std::make_unique<Node>(NodeKind::List, peek_non_space().pos);
    while (peek_non_space().type != Tok::Eof) {
      auto n = text_or_action();
      if (is_end_or_else(*n)) return {std::move(list), std::move(n)};
      list->children.push_back(std::move(n));
    }
    errorf("unexpected EOF");
  }

  // Nesting is bounded so hostile formats cannot exhaust the stack of the
  // recursive parser and executor (Go bounds parentheses the same way).
  void enter() {
    if (++depth_ > kMaxDepth) errorf("max expression depth exceeded");
  }

  std::unique_ptr<Node> control(NodeKind kind, std::string_view context) {
    enter();
    size_t vars_mark = vars_.size();
    auto pipe = pipeline(context, Tok::RightDelim);
    auto node = std::make_unique<Node>(kind, pipe->pos);
    if (kind == NodeKind::Range) ++range_depth_;
    auto [list, next_marker] = item_list();
    if (kind == NodeKind::Range) --range_depth_;
    if (!is_end(*next_marker)) {
      if (kind == NodeKind::If && peek().type == Tok::If) {
        next();
        node->else_list = std::make_unique<Node>(NodeKind::List, next_marker->pos);
        node->else_list->children.push_back(control(NodeKind::If, "if"));
      } else if (kind == NodeKind::With && peek().type == Tok::With) {
        next();
        node->else_list = std::make_unique<Node>(NodeKind::List, next_marker->pos);
        node->else_list->children.push_back(control(NodeKind::With, "with"));
      } else {
        auto [else_list, end_marker] = item_list();
        if (!is_end(*end_marker)) errorf("expected end; found {}", node_string(*end_marker));
        node->else_list = std::move(else_list);
      }
    }
    node->pipe = std::move(pipe);
    node->list = std::move(list);
    vars_.resize(vars_mark);
    --depth_;
    return node;
  }

  std::unique_ptr<Node> pipeline(std::string_view context, Tok end) {
    const Token& first = peek_non_space();
    auto pipe = std::make_unique<Node>(NodeKind::Pipe, first.pos);
    // Declarations: "$x :=", "$x =", and in range "$i, $e :=".
    while (true) {
      const Token& v = peek_non_space();
      if (v.type != Tok::Variable) break;
      size_t before = index_;
      bool was_at_end = at_end_;
      next_non_space();
      const Token& after_var = peek();
      const Token& n = peek_non_space();
      if (n.type == Tok::Assign || n.type == Tok::Declare) {
        pipe->is_assign = n.type == Tok::Assign;
        next_non_space();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        break;
      }
      if (n.type == Tok::Char && n.val == ",") {
        next_non_space();
        pipe->decl.push_back(v.val);
        vars_.push_back(v.val);
        if (context == "range" && pipe->decl.size() < 2) {
          Tok t = peek_non_space().type;
          if (t == Tok::Variable || t == Tok::RightDelim || t == Tok::RightParen) continue;
          errorf("range can only initialize variables");
        }
        errorf("too many declarations in {}", context);
      }
      (void)after_var;
      // Not a declaration: "$x" is an operand; rewind to before it.
      index_ = before;
      at_end_ = was_at_end;
      break;
    }
    while (true) {
      const Token& token = next_non_space();
      if (token.type == end) {
        check_pipeline(*pipe, context);
        return pipe;
      }
      switch (token.type) {
      case Tok::Bool: case Tok::CharConstant: case Tok::Dot: case Tok::Field: case Tok::Identifier:
      case Tok::Number: case Tok::Nil: case Tok::RawString: case Tok::String: case Tok::Variable:
      case Tok::LeftParen:
        backup();
        pipe->children.push_back(command());
        break;
      default: unexpected(token, context);
      }
    }
  }

  void check_pipeline(const Node& pipe, std::string_view context) {
    if (pipe.children.empty()) errorf("missing value for {}", context);
    for (size_t i = 1; i < pipe.children.size(); ++i) {
      switch (pipe.children[i]->children[0]->kind) {
      case NodeKind::Bool: case NodeKind::Dot: case NodeKind::Nil: case NodeKind::Number: case NodeKind::String:
        errorf("non executable command in pipeline stage {}", i + 1);
      default: break;
      }
    }
  }

  std::unique_ptr<Node> command() {
    auto cmd = std::make_unique<Node>(NodeKind::Command, peek_non_space().pos);
    while (true) {
      peek_non_space();
      if (auto op = operand()) cmd->children.push_back(std::move(op));
      const Token& token = next();
      if (token.type == Tok::Space) continue;
      if (token.type == Tok::RightDelim || token.type == Tok::RightParen) {
        backup();
      } else if (token.type != Tok::Pipe) {
        unexpected(token, "operand");
      }
      break;
    }
    if (cmd->children.empty()) errorf("empty command");
    return cmd;
  }

  std::unique_ptr<Node> operand() {
    auto node = term();
    if (!node) return nullptr;
    if (peek().type == Tok::Field) {
      size_t chain_pos = peek().pos;
      std::vector<std::string> fields;
      while (peek().type == Tok::Field) fields.push_back(next().val.substr(1));
      switch (node->kind) {
      case NodeKind::Field:
      case NodeKind::Variable:
        // Go re-creates the node at the position of the chained field,
        // which is where its errors point.
        node->idents.insert(node->idents.end(), fields.begin(), fields.end());
        node->pos = chain_pos;
        break;
      case NodeKind::Bool: case NodeKind::String: case NodeKind::Number: case NodeKind::Nil: case NodeKind::Dot:
        errorf("unexpected . after term {}", go_quote(node_string(*node)));
      default: {
        auto chain = std::make_unique<Node>(NodeKind::Chain, chain_pos);
        chain->idents = std::move(fields);
        chain->children.push_back(std::move(node));
        node = std::move(chain);
      }
      }
    }
    return node;
  }

  std::unique_ptr<Node> term() {
    const Token& token = next_non_space();
    switch (token.type) {
    case Tok::Identifier: {
      if (!is_function(token.val)) errorf("function {} not defined", go_quote(token.val));
      auto n = std::make_unique<Node>(NodeKind::Identifier, token.pos);
      n->text = token.val;
      return n;
    }
    case Tok::Dot: return std::make_unique<Node>(NodeKind::Dot, token.pos);
    case Tok::Nil: return std::make_unique<Node>(NodeKind::Nil, token.pos);
    case Tok::Variable: return use_var(token);
    case Tok::Field: {
      auto n = std::make_unique<Node>(NodeKind::Field, token.pos);
      n->idents.push_back(token.val.substr(1));
      return n;
    }
    case Tok::Bool: {
      auto n = std::make_unique<Node>(NodeKind::Bool, token.pos);
      n->constant = token.val == "true";
      n->text = token.val;
      return n;
    }
    case Tok::CharConstant: case Tok::Number: return number(token);
    case Tok::LeftParen: {
      enter();
      auto n = pipeline("parenthesized pipeline", Tok::RightParen);
      --depth_;
      return n;
    }
    case Tok::String: case Tok::RawString: {
      std::string value;
      if (!unquote(token.val, value)) errorf("invalid syntax");
      auto n = std::make_unique<Node>(NodeKind::String, token.pos);
      n->text = token.val;
      n->constant = std::move(value);
      return n;
    }
    default: backup(); return nullptr;
    }
  }

  std::unique_ptr<Node> use_var(const Token& token) {
    auto n = std::make_unique<Node>(NodeKind::Variable, token.pos);
    n->idents.push_back(token.val);
    for (const auto& name : vars_) {
      if (name == token.val) return n;
    }
    errorf("undefined variable {}", go_quote(token.val));
  }

  // Go's number rules: integers (decimal, 0x, 0o, 0b, underscores) become
  // int, anything with '.', 'e' or 'p' float64, a 'c' literal its code point.
  std::unique_ptr<Node> number(const Token& token) {
    auto n = std::make_unique<Node>(NodeKind::Number, token.pos);
    n->text = token.val;
    if (token.type == Tok::CharConstant) {
      std::string value;
      if (!unquote(token.val, value)) errorf("malformed character constant: {}", token.val);
      size_t len = 0;
      char32_t r = decode_utf8(value, len);
      if (r == kInvalidRune || len != value.size()) errorf("malformed character constant: {}", token.val);
      n->constant = static_cast<int64_t>(r);
      return n;
    }
    std::string text = token.val;
    if (!text.empty() && text.back() == 'i') errorf("complex numbers are not supported: {}", text);
    if (text.find('_') != std::string::npos && !underscores_ok(text)) errorf("illegal number syntax: {}", go_quote(text));
    std::string clean;
    for (char c : text) {
      if (c != '_') clean += c;
    }
    bool negative = false;
    std::string_view digits = clean;
    if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
      negative = digits[0] == '-';
      digits.remove_prefix(1);
    }
    int base = 10;
    std::string_view body = digits;
    if (body.size() > 1 && body[0] == '0') {
      char p = body[1];
      if (p == 'x' || p == 'X') { base = 16; body.remove_prefix(2); }
      else if (p == 'o' || p == 'O') { base = 8; body.remove_prefix(2); }
      else if (p == 'b' || p == 'B') { base = 2; body.remove_prefix(2); }
      else if (body.find_first_of(".eE") == std::string_view::npos) { base = 8; body.remove_prefix(1); }
    }
    bool is_float = base == 10 ? digits.find_first_of(".eE") != std::string_view::npos
                               : base == 16 && digits.find_first_of(".pP") != std::string_view::npos;
    if (!is_float && !body.empty()) {
      uint64_t magnitude = 0;
      auto res = std::from_chars(body.data(), body.data() + body.size(), magnitude, base);
      if (res.ec == std::errc() && res.ptr == body.data() + body.size()) {
        if (magnitude > static_cast<uint64_t>(INT64_MAX) + (negative ? 1 : 0)) errorf("{} overflows int", text);
        n->constant = negative ? static_cast<int64_t>(0 - magnitude) : static_cast<int64_t>(magnitude);
        return n;
      }
      if (res.ec == std::errc::result_out_of_range) errorf("{} overflows int", text);
    }
    if (base == 10 && !digits.empty()) {
      char* end = nullptr;
      std::string copy(clean);
      double d = std::strtod(copy.c_str(), &end);
      if (end == copy.c_str() + copy.size() && std::isfinite(d)) {
        n->constant = d;
        return n;
      }
    }
    errorf("illegal number syntax: {}", go_quote(text));
  }

  std::vector<Token> tokens_;
  size_t index_ = 0;
  bool at_end_ = false;
  int line_ = 1;
  int action_line_ = 0;
  int range_depth_ = 0;
  std::vector<std::string> vars_{"$"};
  static constexpr int kMaxDepth = 1000;
  int depth_ = 0;
};

std::string pipe_string(const Node& pipe);

std::string operand_string(const Node& n) {
  if (n.kind == NodeKind::Pipe) return "(" + pipe_string(n) + ")";
  return node_string(n);
}

std::string pipe_string(const Node& pipe) {
  std::string s;
  if (!pipe.decl.empty()) {
    for (size_t i = 0; i < pipe.decl.size(); ++i) {
      if (i) s += ", ";
      s += pipe.decl[i];
    }
    s += pipe.is_assign ? " = " : " := ";
  }
  for (size_t i = 0; i < pipe.children.size(); ++i) {
    if (i) s += " | ";
    s += node_string(*pipe.children[i]);
  }
  return s;
}

std::string list_string(const Node* list) {
  std::string s;
  if (!list) return s;
  for (const auto& c : list->children) s += node_string(*c);
  return s;
}

}  // namespace

std::string node_string(const Node& n) {
  switch (n.kind) {
  case NodeKind::List: return list_string(&n);
  case NodeKind::Text: return n.text;
  case NodeKind::Action: return "{{" + pipe_string(*n.pipe) + "}}";
  case NodeKind::If: case NodeKind::Range: case NodeKind::With: {
    const char* word = n.kind == NodeKind::If ? "if" : n.kind == NodeKind::Range ? "range" : "with";
    std::string s = fmt::format("{{{{{} {}}}}}{}", word, pipe_string(*n.pipe), list_string(n.list.get()));
    if (n.else_list) s += "{{else}}" + list_string(n.else_list.get());
    return s + "{{end}}";
  }
  case NodeKind::Break: return "{{break}}";
  case NodeKind::Continue: return "{{continue}}";
  case NodeKind::Pipe: return pipe_string(n);
  case NodeKind::Command: {
    std::string s;
    for (size_t i = 0; i < n.children.size(); ++i) {
      if (i) s += ' ';
      s += operand_string(*n.children[i]);
    }
    return s;
  }
  case NodeKind::Field: {
    std::string s;
    for (const auto& f : n.idents) s += "." + f;
    return s;
  }
  case NodeKind::Variable: {
    std::string s;
    for (size_t i = 0; i < n.idents.size(); ++i) s += (i ? "." : "") + n.idents[i];
    return s;
  }
  case NodeKind::Chain: {
    std::string s = operand_string(*n.children[0]);
    for (const auto& f : n.idents) s += "." + f;
    return s;
  }
  case NodeKind::Identifier: return n.text;
  case NodeKind::Dot: return ".";
  case NodeKind::Nil: return "nil";
  case NodeKind::Bool: case NodeKind::Number: case NodeKind::String: return n.text;
  case NodeKind::End: return "{{end}}";
  case NodeKind::Else: return "{{else}}";
  }
  return {};
}

std::shared_ptr<const Tree> parse_tree(std::string_view text) {
  auto tree = std::make_shared<Tree>();
  tree->source = std::string(text);
  try {
    tree->root = Parser(tree->source).parse();
  } catch (const ParseFailure& failure) {
    throw Error(fmt::format("template: :{}: {}", failure.line, failure.message));
  }
  return tree;
}

}  // namespace kayak::format::detail

// The parse tree of a template, shaped like Go's text/template/parse nodes
// so execution can report errors at the same node, with the same text, as
// Go does ("executing \"\" at <.Foo>: ...").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kayak/util/json.hpp"

namespace kayak::format::detail {

enum class NodeKind {
  // Statements
  List,      // children
  Text,      // text
  Action,    // pipe
  If,        // pipe, list, else_list
  Range,     // pipe, list, else_list
  With,      // pipe, list, else_list
  Break,
  Continue,
  // Pipelines and their parts
  Pipe,        // children: commands; decl: variables declared or assigned
  Command,     // children: operands
  // Operands
  Field,       // idents: ["Config", "Cmd"]
  Variable,    // idents: ["$x", "Field", ...]
  Chain,       // children[0]: the operand; idents: fields applied to it
  Identifier,  // text: function name
  Dot,
  Nil,
  Bool,        // constant
  Number,      // constant; text: source spelling
  String,      // constant; text: source spelling (quoted)
  // {{end}} and {{else}}: only seen inside the parser, never in a tree.
  End,
  Else,
};

struct Node {
  NodeKind kind;
  size_t pos = 0;  // byte offset in the template, for error locations
  std::string text;
  std::vector<std::string> idents;
  json::Value constant;
  std::vector<std::unique_ptr<Node>> children;
  // Pipe only.
  std::vector<std::string> decl;
  bool is_assign = false;
  // Action/If/Range/With.
  std::unique_ptr<Node> pipe;
  std::unique_ptr<Node> list;
  std::unique_ptr<Node> else_list;

  Node(NodeKind k, size_t p) : kind(k), pos(p) {}
};

// Go's Node.String(), used as the <context> of execution errors.
std::string node_string(const Node& node);

struct Tree {
  std::string source;
  std::unique_ptr<Node> root;
};

// Parses template text; throws kayak::Error with Go's wording
// ("template: :1: unexpected \"}\" in operand").
std::shared_ptr<const Tree> parse_tree(std::string_view text);

}  // namespace kayak::format::detail

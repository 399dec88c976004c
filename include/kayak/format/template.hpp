// Go text/template, the language of every --format flag, evaluated over
// JSON values. Supported: text, {{.Field.Chain}}, {{.}}, $variables
// (:= and =), literals, pipelines, parenthesised calls, {{- -}} trimming,
// comments, if/else if/else, range (lists, maps in key order, integers;
// break/continue), with/else with, and the functions and, or, not, len,
// index, slice, print, printf, println, eq, ne, lt, le, gt, ge, plus
// Docker's json, split, join, title, lower, upper, pad, truncate.
// Not supported: define/template/block; method calls only for the
// top-level methods a command declares (ExecuteOptions::methods).
//
// Output and errors follow Go: a missing field prints "<no value>", null
// "<nil>", lists "[a b]", maps "map[k:v]"; parse errors read
// `template: :1: unexpected "}" in operand`, execution errors
// `template: :1:2: executing "" at <.Foo>: ...`. Both throw kayak::Error.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kayak/util/json.hpp"

namespace kayak::format {

namespace detail {
struct Tree;
}

// Column headers by field name ("ID" -> "IMAGE ID").
using Headers = std::map<std::string, std::string, std::less<>>;

// A method of the top-level row, as Docker's formatter structs have them
// (`{{.Label "com.example.key"}}`): called with the row and the evaluated
// arguments.
using Method = std::function<json::Value(const json::Value& row, const std::vector<json::Value>& args)>;
using Methods = std::map<std::string, Method, std::less<>>;

struct ExecuteOptions {
  // Docker's rows are Go structs, so a misspelt field is an error there
  // ("can't evaluate field Foo in type <root_type>"). When root_type is
  // set, a field missing from the top-level object fails the same way;
  // otherwise it prints "<no value>" like a Go map.
  std::string root_type;
  // Methods of the top-level row, by name.
  Methods methods;
};

class Template {
public:
  // Throws kayak::Error with Go's parse error text.
  static Template parse(std::string_view text);

  std::string execute(const json::Value& data, const ExecuteOptions& options = {}) const;

  // The header row of a table: every field prints its column header
  // (from `headers`, else default_header of its last name), and json,
  // split, join, title, lower, upper, truncate, index and len pass their
  // first argument through, as Docker's header functions do.
  std::string execute_header(const Headers& headers) const;

private:
  explicit Template(std::shared_ptr<const detail::Tree> tree) : tree_(std::move(tree)) {}
  std::shared_ptr<const detail::Tree> tree_;
};

inline Template parse_template(std::string_view text) { return Template::parse(text); }

// A header for a field no command named: its camel-case words upper-cased
// and spaced ("CreatedSince" -> "CREATED SINCE", "ID" -> "ID").
std::string default_header(std::string_view field);

}  // namespace kayak::format

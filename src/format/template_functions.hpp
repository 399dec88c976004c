// The functions a template may call: Go's builtins (and, or, not, len,
// index, slice, print, printf, println, eq, ne, lt, le, gt, ge, html, js,
// urlquery) and the ones
// Docker adds (json, split, join, title, lower, upper, pad, truncate).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "template_value.hpp"

namespace kayak::format::detail {

// Parameter types, checked the way Go checks a typed function's arguments.
enum class Param { Any, String, Int, StringList };

// What an implementation throws; the executor reports it as
// "error calling NAME: MESSAGE".
struct CallError {
  std::string message;
};

using FunctionImpl = Val (*)(const std::vector<Val>& args);

struct Function {
  std::string_view name;
  std::vector<Param> params;        // fixed parameters
  std::optional<Param> variadic;    // type of further arguments, if any
  FunctionImpl impl;                // null for and/or, which the executor short-circuits
  bool header_passthrough;          // returns its first argument when rendering a table header
};

const Function* find_function(std::string_view name);
bool is_function(std::string_view name);
// Go's "string", "int", "[]string", "interface {}" for error messages.
std::string_view param_type_name(Param type);
// Go's isTrue: false for invalid, nil, false, 0, and empty strings/lists/maps.
bool truth(const Val& value);

}  // namespace kayak::format::detail

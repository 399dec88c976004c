// Template functions. Error texts follow Go's text/template builtins
// ("index out of range: 5", "incompatible types for comparison") because
// users search for them.
#include "template_functions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "kayak/format/go_print.hpp"
#include "utf8.hpp"

namespace kayak::format::detail {
namespace {

[[noreturn]] void call_error(std::string message) { throw CallError{std::move(message)}; }

// Go's basicKind classes for comparisons.
enum class Kind { Invalid, Bool, Int, Float, String, Other };

// Go compares through indirectInterface, which turns a nil interface into
// an invalid value; JSON null therefore compares like a missing value.
Kind kind_of(const Val& v) {
  if (!v.valid()) return Kind::Invalid;
  switch (v.get().type()) {
  case json::Type::Null: return Kind::Invalid;
  case json::Type::Bool: return Kind::Bool;
  case json::Type::Int: return Kind::Int;
  case json::Type::Double: return Kind::Float;
  case json::Type::String: return Kind::String;
  default: return Kind::Other;
  }
}

bool equal_same_kind(Kind kind, const Val& a, const Val& b) {
  switch (kind) {
  case Kind::Bool: return a.get().as_bool() == b.get().as_bool();
  case Kind::Int: return a.get().as_int() == b.get().as_int();
  case Kind::Float: return a.get().as_double() == b.get().as_double();
  case Kind::String: return a.get().as_string() == b.get().as_string();
  case Kind::Invalid: return true;  // nil == nil
  case Kind::Other: call_error("non-comparable types");
  }
  return false;
}

Val fn_eq(const std::vector<Val>& args) {
  if (args.size() < 2) call_error("missing argument for comparison");
  Kind k1 = kind_of(args[0]);
  for (size_t i = 1; i < args.size(); ++i) {
    Kind k2 = kind_of(args[i]);
    if (k1 != k2) {
      if (k1 != Kind::Invalid && k2 != Kind::Invalid) call_error("incompatible types for comparison");
      continue;
    }
    if (equal_same_kind(k1, args[0], args[i])) return Val::make(true);
  }
  return Val::make(false);
}

Val fn_ne(const std::vector<Val>& args) { return Val::make(!fn_eq(args).get().as_bool()); }

bool less(const Val& a, const Val& b) {
  Kind k1 = kind_of(a);
  Kind k2 = kind_of(b);
  auto ordered = [](Kind k) { return k == Kind::Int || k == Kind::Float || k == Kind::String; };
  if (!ordered(k1) || !ordered(k2)) call_error("invalid type for comparison");
  if (k1 != k2) call_error("incompatible types for comparison");
  switch (k1) {
  case Kind::Int: return a.get().as_int() < b.get().as_int();
  case Kind::Float: return a.get().as_double() < b.get().as_double();
  default: return a.get().as_string() < b.get().as_string();
  }
}

Val fn_lt(const std::vector<Val>& args) { return Val::make(less(args[0], args[1])); }
Val fn_le(const std::vector<Val>& args) {
  return Val::make(less(args[0], args[1]) || fn_eq(args).get().as_bool());
}
Val fn_gt(const std::vector<Val>& args) { return Val::make(!fn_le(args).get().as_bool()); }
Val fn_ge(const std::vector<Val>& args) { return Val::make(!less(args[0], args[1])); }

Val fn_not(const std::vector<Val>& args) { return Val::make(!truth(args[0])); }

Val fn_len(const std::vector<Val>& args) {
  const Val& v = args[0];
  if (!v.valid() || v.get().is_null()) call_error("len of nil pointer");
  switch (v.get().type()) {
  case json::Type::String: return Val::make(static_cast<int64_t>(v.get().as_string().size()));
  case json::Type::Array:
  case json::Type::Object: return Val::make(static_cast<int64_t>(v.get().size()));
  default: call_error(fmt::format("len of type {}", go_type_name(v.get())));
  }
}

// Go checks x against the capacity, and reflect then rejects x == length
// with its own message; `what` is "slice" or "string" for that message.
int64_t index_arg(const Val& index, size_t length, std::string_view what) {
  if (!index.valid() || index.get().is_null()) call_error("cannot index slice/array with nil");
  if (!index.get().is_int()) {
    call_error(fmt::format("cannot index slice/array with type {}", go_type_name(index.get())));
  }
  int64_t x = index.get().as_int();
  if (x < 0 || static_cast<uint64_t>(x) > length) call_error(fmt::format("index out of range: {}", x));
  if (static_cast<uint64_t>(x) == length && !what.empty()) call_error(fmt::format("reflect: {} index out of range", what));
  return x;
}

// A missing key yields the map's zero value. JSON objects carry no element
// type, so guess the common case: a map of strings (labels) gives "", as
// Docker's map[string]string does; anything else gives nil.
Val missing_member(const json::Value& object) {
  const auto& members = object.as_object();
  bool strings = std::all_of(members.begin(), members.end(),
                             [](const json::Member& m) { return m.second.is_string(); });
  return Val::make(strings ? json::Value("") : json::Value());
}

Val fn_index(const std::vector<Val>& args) {
  Val item = args[0];
  if (!item.valid() || item.get().is_null()) call_error("index of untyped nil");
  for (size_t i = 1; i < args.size(); ++i) {
    const Val& index = args[i];
    if (item.get().is_null()) call_error("index of nil pointer");
    switch (item.get().type()) {
    case json::Type::Array: {
      const auto& array = item.get().as_array();
      item = item.child(array[static_cast<size_t>(index_arg(index, array.size(), "slice"))]);
      break;
    }
    case json::Type::String: {
      const auto& s = item.get().as_string();
      // Indexing a Go string yields a byte.
      item = Val::make(static_cast<int64_t>(static_cast<unsigned char>(s[static_cast<size_t>(index_arg(index, s.size(), "string"))])));
      break;
    }
    case json::Type::Object: {
      if (!index.valid() || index.get().is_null()) call_error("value is nil; should be of type string");
      if (!index.get().is_string()) {
        call_error(fmt::format("value has type {}; should be string", go_type_name(index.get())));
      }
      const json::Value* member = item.get().find(index.get().as_string());
      item = member ? item.child(*member) : missing_member(item.get());
      break;
    }
    default: call_error(fmt::format("can't index item of type {}", go_type_name(item.get())));
    }
  }
  return item;
}

Val fn_slice(const std::vector<Val>& args) {
  const Val& item = args[0];
  if (!item.valid() || item.get().is_null()) call_error("slice of untyped nil");
  if (args.size() > 4) call_error(fmt::format("too many slice indexes: {}", args.size() - 1));
  bool is_string = item.get().is_string();
  if (!is_string && !item.get().is_array()) {
    call_error(fmt::format("can't slice item of type {}", go_type_name(item.get())));
  }
  if (is_string && args.size() == 4) call_error("cannot 3-index slice a string");
  size_t length = item.get().size();
  std::array<size_t, 3> idx = {0, length, length};
  for (size_t i = 1; i < args.size(); ++i) {
    // Slice bounds may equal the length.
    idx[i - 1] = static_cast<size_t>(index_arg(args[i], length, ""));
  }
  if (idx[0] > idx[1]) call_error(fmt::format("invalid slice index: {} > {}", idx[0], idx[1]));
  if (args.size() == 4 && idx[1] > idx[2]) call_error(fmt::format("invalid slice index: {} > {}", idx[1], idx[2]));
  if (is_string) return Val::make(item.get().as_string().substr(idx[0], idx[1] - idx[0]));
  const auto& array = item.get().as_array();
  return Val::make(json::Array(array.begin() + static_cast<ptrdiff_t>(idx[0]),
                               array.begin() + static_cast<ptrdiff_t>(idx[1])));
}

// fmt.Sprint: a space between operands when neither side is a string.
Val fn_print(const std::vector<Val>& args) {
  std::string out;
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    json::Value v = args[i].to_json();
    bool is_string = v.is_string();
    if (i > 0 && !is_string && !prev_string) out += ' ';
    out += go_sprint(v);
    prev_string = is_string;
  }
  return Val::make(std::move(out));
}

Val fn_println(const std::vector<Val>& args) {
  std::string out;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    out += go_sprint(args[i].to_json());
  }
  return Val::make(out + "\n");
}

Val fn_printf(const std::vector<Val>& args) {
  std::vector<json::Value> rest;
  for (size_t i = 1; i < args.size(); ++i) rest.push_back(args[i].to_json());
  return Val::make(go_sprintf(args[0].get().as_string(), rest));
}

// Docker's json: encoding/json without HTML escaping, no trailing newline.
Val fn_json(const std::vector<Val>& args) {
  json::DumpOptions options;
  options.escape_html = false;
  return Val::make(json::dump(args[0].to_json(), options));
}

// strings.Split: an empty separator splits into UTF-8 sequences.
Val fn_split(const std::vector<Val>& args) {
  const std::string& s = args[0].get().as_string();
  const std::string& sep = args[1].get().as_string();
  json::Array parts;
  if (sep.empty()) {
    for (size_t i = 0; i < s.size();) {
      size_t len = 0;
      decode_utf8(std::string_view(s).substr(i), len);
      parts.emplace_back(s.substr(i, len));
      i += len;
    }
    return Val::make(std::move(parts));
  }
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    if (at == std::string::npos) break;
    parts.emplace_back(s.substr(start, at - start));
    start = at + sep.size();
  }
  parts.emplace_back(s.substr(start));
  return Val::make(std::move(parts));
}

Val fn_join(const std::vector<Val>& args) {
  std::string out;
  const json::Value& list = args[0].get();
  if (list.is_array()) {
    bool first = true;
    for (const auto& item : list.as_array()) {
      if (!first) out += args[1].get().as_string();
      first = false;
      out += item.as_string();
    }
  }
  return Val::make(std::move(out));
}

// strings.Title: upper-cases letters that follow a separator. ASCII letters,
// digits and '_' are not separators, other ASCII is, and beyond ASCII only
// spaces are.
Val fn_title(const std::vector<Val>& args) {
  std::string_view s = args[0].get().as_string();
  std::string out;
  bool after_separator = true;
  for (size_t i = 0; i < s.size();) {
    size_t len = 0;
    char32_t r = decode_utf8(s.substr(i), len);
    if (r == kInvalidRune) {
      out += s[i];
      after_separator = false;
    } else {
      append_utf8(out, after_separator ? to_upper_rune(r) : r);
      bool ascii_word = r < 0x80 && (std::isalnum(static_cast<int>(r)) || r == '_');
      after_separator = r < 0x80 ? !ascii_word : (r == 0xa0 || r == 0x85 || r == 0x3000 || (r >= 0x2000 && r <= 0x200a));
    }
    i += len;
  }
  return Val::make(std::move(out));
}

Val fn_upper(const std::vector<Val>& args) { return Val::make(map_runes(args[0].get().as_string(), to_upper_rune)); }
Val fn_lower(const std::vector<Val>& args) { return Val::make(map_runes(args[0].get().as_string(), to_lower_rune)); }

// Go's evalArgs for html/js/urlquery: a lone string as is, else fmt.Sprint.
std::string sprint_args(const std::vector<Val>& args) {
  if (args.size() == 1 && args[0].valid() && args[0].get().is_string()) return args[0].get().as_string();
  return fn_print(args).get().as_string();
}

Val fn_html(const std::vector<Val>& args) {
  std::string out;
  for (char c : sprint_args(args)) {
    switch (c) {
    case '"': out += "&#34;"; break;
    case '\'': out += "&#39;"; break;
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '\0': out += "\xef\xbf\xbd"; break;  // U+FFFD
    default: out += c;
    }
  }
  return Val::make(std::move(out));
}

Val fn_js(const std::vector<Val>& args) {
  std::string s = sprint_args(args);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '"': out += "\\\""; break;
      case '<': out += "\\u003C"; break;
      case '>': out += "\\u003E"; break;
      case '&': out += "\\u0026"; break;
      case '=': out += "\\u003D"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u00{:02X}", c);
        else out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t len = 0;
    char32_t r = decode_utf8(std::string_view(s).substr(i), len);
    if (r == kInvalidRune) r = 0xfffd;
    if (is_printable_rune(r)) out += s.substr(i, len);
    else out += fmt::format("\\u{:04X}", static_cast<unsigned>(r));
    i += len;
  }
  return Val::make(std::move(out));
}

// url.QueryEscape.
Val fn_urlquery(const std::vector<Val>& args) {
  std::string out;
  for (char ch : sprint_args(args)) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += ch;
    else if (c == ' ') out += '+';
    else out += fmt::format("%{:02X}", c);
  }
  return Val::make(std::move(out));
}

// Docker's pad: spaces around a non-empty string.
Val fn_pad(const std::vector<Val>& args) {
  const std::string& s = args[0].get().as_string();
  int64_t prefix = args[1].get().as_int();
  int64_t suffix = args[2].get().as_int();
  if (s.empty()) return Val::make("");
  if (prefix < 0 || suffix < 0) call_error("strings: negative Repeat count");
  if (prefix > 1'000'000 || suffix > 1'000'000) call_error("strings: Repeat output length overflow");
  return Val::make(std::string(static_cast<size_t>(prefix), ' ') + s + std::string(static_cast<size_t>(suffix), ' '));
}

// Docker's truncate: the first `length` bytes, when the string is longer.
Val fn_truncate(const std::vector<Val>& args) {
  const std::string& s = args[0].get().as_string();
  int64_t length = args[1].get().as_int();
  if (static_cast<int64_t>(s.size()) < length) return args[0];
  if (length < 0) call_error(fmt::format("runtime error: slice bounds out of range [:{}]", length));
  return Val::make(s.substr(0, static_cast<size_t>(length)));
}

const std::vector<Function>& functions() {
  using P = Param;
  static const std::vector<Function> table = {
      {"and", {P::Any}, P::Any, nullptr, false},
      {"or", {P::Any}, P::Any, nullptr, false},
      {"not", {P::Any}, std::nullopt, fn_not, false},
      {"len", {P::Any}, std::nullopt, fn_len, true},
      {"index", {P::Any}, P::Any, fn_index, true},
      {"slice", {P::Any}, P::Any, fn_slice, false},
      {"print", {}, P::Any, fn_print, false},
      {"printf", {P::String}, P::Any, fn_printf, false},
      {"println", {}, P::Any, fn_println, false},
      {"eq", {P::Any}, P::Any, fn_eq, false},
      {"ne", {P::Any, P::Any}, std::nullopt, fn_ne, false},
      {"lt", {P::Any, P::Any}, std::nullopt, fn_lt, false},
      {"le", {P::Any, P::Any}, std::nullopt, fn_le, false},
      {"gt", {P::Any, P::Any}, std::nullopt, fn_gt, false},
      {"ge", {P::Any, P::Any}, std::nullopt, fn_ge, false},
      {"json", {P::Any}, std::nullopt, fn_json, true},
      {"split", {P::String, P::String}, std::nullopt, fn_split, true},
      {"join", {P::StringList, P::String}, std::nullopt, fn_join, true},
      {"title", {P::String}, std::nullopt, fn_title, true},
      {"lower", {P::String}, std::nullopt, fn_lower, true},
      {"upper", {P::String}, std::nullopt, fn_upper, true},
      {"pad", {P::String, P::Int, P::Int}, std::nullopt, fn_pad, false},
      {"truncate", {P::String, P::Int}, std::nullopt, fn_truncate, true},
      {"html", {}, P::Any, fn_html, false},
      {"js", {}, P::Any, fn_js, false},
      {"urlquery", {}, P::Any, fn_urlquery, false},
  };
  return table;
}

}  // namespace

const Function* find_function(std::string_view name) {
  for (const auto& f : functions()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool is_function(std::string_view name) { return find_function(name) != nullptr; }

std::string_view param_type_name(Param type) {
  switch (type) {
  case Param::Any: return "interface {}";
  case Param::String: return "string";
  case Param::Int: return "int";
  case Param::StringList: return "[]string";
  }
  return "interface {}";
}

bool truth(const Val& value) {
  if (!value.valid()) return false;
  const json::Value& v = value.get();
  switch (v.type()) {
  case json::Type::Null: return false;
  case json::Type::Bool: return v.as_bool();
  case json::Type::Int: return v.as_int() != 0;
  case json::Type::Double: return v.as_double() != 0;
  default: return !v.empty();
  }
}

}  // namespace kayak::format::detail

#include "kayak/util/json.hpp"

#include "kayak/util/error.hpp"

#include <yajl/yajl_parse.h>

#include <cmath>
#include <cstring>
#include <memory>

namespace kayak::json {

namespace {

const char* type_name(Type type) {
  switch (type) {
  case Type::Null: return "null";
  case Type::Bool: return "boolean";
  case Type::Int:
  case Type::Double: return "number";
  case Type::String: return "string";
  case Type::Array: return "array";
  case Type::Object: return "object";
  }
  return "value";
}

[[noreturn]] void wrong_type(Type want, Type have) {
  fail("JSON: expected {}, found {}", type_name(want), type_name(have));
}

const Value& null_value() {
  static const Value null;
  return null;
}

}  // namespace

Value Value::strings(const std::vector<std::string>& items) {
  Array array;
  array.reserve(items.size());
  for (const auto& item : items) {
    array.emplace_back(item);
  }
  return Value(std::move(array));
}

bool Value::as_bool() const {
  if (!is_bool()) wrong_type(Type::Bool, type());
  return std::get<bool>(data_);
}

int64_t Value::as_int() const {
  if (is_int()) return std::get<int64_t>(data_);
  if (type() == Type::Double) {
    double d = std::get<double>(data_);
    if (std::trunc(d) == d && std::fabs(d) < 9.2e18) return static_cast<int64_t>(d);
  }
  wrong_type(Type::Int, type());
}

double Value::as_double() const {
  if (type() == Type::Double) return std::get<double>(data_);
  if (is_int()) return static_cast<double>(std::get<int64_t>(data_));
  wrong_type(Type::Double, type());
}

const std::string& Value::as_string() const {
  if (!is_string()) wrong_type(Type::String, type());
  return std::get<std::string>(data_);
}

const Array& Value::as_array() const {
  if (!is_array()) wrong_type(Type::Array, type());
  return std::get<Array>(data_);
}

Array& Value::as_array() {
  if (!is_array()) wrong_type(Type::Array, type());
  return std::get<Array>(data_);
}

const Object& Value::as_object() const {
  if (!is_object()) wrong_type(Type::Object, type());
  return std::get<Object>(data_);
}

Object& Value::as_object() {
  if (!is_object()) wrong_type(Type::Object, type());
  return std::get<Object>(data_);
}

std::string Value::string_or(std::string_view key, std::string fallback) const {
  const Value* v = find(key);
  return v && v->is_string() ? v->as_string() : fallback;
}

int64_t Value::int_or(std::string_view key, int64_t fallback) const {
  const Value* v = find(key);
  if (!v || !v->is_number()) return fallback;
  return v->is_int() ? v->as_int() : static_cast<int64_t>(v->as_double());
}

bool Value::bool_or(std::string_view key, bool fallback) const {
  const Value* v = find(key);
  return v && v->is_bool() ? v->as_bool() : fallback;
}

std::vector<std::string> Value::strings_at(std::string_view key) const {
  std::vector<std::string> out;
  const Value* v = find(key);
  if (!v || !v->is_array()) return out;
  for (const auto& item : v->as_array()) {
    if (item.is_string()) out.push_back(item.as_string());
  }
  return out;
}

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [name, value] : std::get<Object>(data_)) {
    if (name == key) return &value;
  }
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

const Value& Value::operator[](std::string_view key) const {
  const Value* v = find(key);
  return v ? *v : null_value();
}

Value& Value::slot(std::string_view key) {
  if (is_null()) data_ = Object{};
  if (Value* v = find(key)) return *v;
  auto& object = as_object();
  object.emplace_back(std::string(key), Value());
  return object.back().second;
}

Value& Value::set(std::string_view key, Value value) {
  Value& member = slot(key);
  member = std::move(value);
  return member;
}

bool Value::erase(std::string_view key) {
  if (!is_object()) return false;
  auto& object = std::get<Object>(data_);
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it->first == key) {
      object.erase(it);
      return true;
    }
  }
  return false;
}

const Value& Value::operator[](size_t index) const {
  const auto& array = as_array();
  if (index >= array.size()) fail("JSON: index {} out of range", index);
  return array[index];
}

Value& Value::push_back(Value value) {
  if (is_null()) data_ = Array{};
  auto& array = as_array();
  array.push_back(std::move(value));
  return array.back();
}

size_t Value::size() const {
  switch (type()) {
  case Type::Array: return std::get<Array>(data_).size();
  case Type::Object: return std::get<Object>(data_).size();
  case Type::String: return std::get<std::string>(data_).size();
  default: return 0;
  }
}

// ---- parsing -------------------------------------------------------------

namespace {

// Builds a Value tree from yajl's callbacks. `stack` holds the open
// containers; `keys` the member names awaiting their values (one per open
// object level, consumed when the value arrives).
struct Builder {
  Value root;
  bool have_root = false;
  std::vector<Value*> stack;
  std::vector<std::string> keys;

  Value& add(Value value) {
    if (stack.empty()) {
      root = std::move(value);
      have_root = true;
      return root;
    }
    Value* top = stack.back();
    if (top->is_array()) return top->push_back(std::move(value));
    auto& object = top->as_object();
    object.emplace_back(std::move(keys.back()), std::move(value));
    keys.pop_back();
    return object.back().second;
  }
};

Builder& builder(void* ctx) { return *static_cast<Builder*>(ctx); }

int on_null(void* ctx) { builder(ctx).add(Value()); return 1; }
int on_bool(void* ctx, int b) { builder(ctx).add(Value(b != 0)); return 1; }
int on_number(void* ctx, const char* text, size_t len) {
  std::string s(text, len);
  if (s.find_first_of(".eE") == std::string::npos) {
    errno = 0;
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0') {
      builder(ctx).add(Value(static_cast<int64_t>(i)));
      return 1;
    }
  }
  builder(ctx).add(Value(std::strtod(s.c_str(), nullptr)));
  return 1;
}
int on_string(void* ctx, const unsigned char* text, size_t len) {
  builder(ctx).add(Value(std::string(reinterpret_cast<const char*>(text), len)));
  return 1;
}
int on_start_map(void* ctx) {
  auto& b = builder(ctx);
  b.stack.push_back(&b.add(Value::object()));
  return 1;
}
int on_map_key(void* ctx, const unsigned char* text, size_t len) {
  builder(ctx).keys.emplace_back(reinterpret_cast<const char*>(text), len);
  return 1;
}
int on_start_array(void* ctx) {
  auto& b = builder(ctx);
  b.stack.push_back(&b.add(Value::array()));
  return 1;
}
int on_end_container(void* ctx) {
  builder(ctx).stack.pop_back();
  return 1;
}

const yajl_callbacks kCallbacks = {
  on_null, on_bool, nullptr, nullptr, on_number, on_string,
  on_start_map, on_map_key, on_end_container, on_start_array, on_end_container,
};

}  // namespace

Value parse(std::string_view text, std::string_view what) {
  Builder b;
  std::unique_ptr<yajl_handle_t, void (*)(yajl_handle)> handle(
    yajl_alloc(&kCallbacks, nullptr, &b), yajl_free);
  if (!handle) fail("{}: out of memory", what);

  auto check = [&](yajl_status status) {
    if (status == yajl_status_ok) return;
    unsigned char* message = yajl_get_error(handle.get(), 0,
      reinterpret_cast<const unsigned char*>(text.data()), text.size());
    std::string detail = message ? reinterpret_cast<char*>(message) : "parse error";
    if (message) yajl_free_error(handle.get(), message);
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    fail("malformed {}: {}", what, detail);
  };
  check(yajl_parse(handle.get(), reinterpret_cast<const unsigned char*>(text.data()), text.size()));
  check(yajl_complete_parse(handle.get()));
  if (!b.have_root) fail("malformed {}: empty document", what);
  return std::move(b.root);
}

// ---- serialising ---------------------------------------------------------

std::string quote(std::string_view text, bool escape_html) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20 || (escape_html && (c == '<' || c == '>' || c == '&'))) {
        out += fmt::format("\\u{:04x}", c);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  out.push_back('"');
  return out;
}

namespace {

std::string format_double(double d) {
  if (std::isnan(d) || std::isinf(d)) return "null";
  if (std::trunc(d) == d && std::fabs(d) < 1e21) return fmt::format("{:.0f}", d);
  return fmt::format("{}", d);
}

void dump_into(std::string& out, const Value& value, const DumpOptions& options, int depth) {
  auto newline = [&](int level) {
    if (options.indent <= 0) return;
    out.push_back('\n');
    out.append(static_cast<size_t>(level * options.indent), ' ');
  };
  switch (value.type()) {
  case Type::Null: out += "null"; break;
  case Type::Bool: out += value.as_bool() ? "true" : "false"; break;
  case Type::Int: out += std::to_string(value.as_int()); break;
  case Type::Double: out += format_double(value.as_double()); break;
  case Type::String: out += quote(value.as_string(), options.escape_html); break;
  case Type::Array: {
    const auto& array = value.as_array();
    if (array.empty()) { out += "[]"; break; }
    out.push_back('[');
    for (size_t i = 0; i < array.size(); ++i) {
      if (i) out.push_back(',');
      newline(depth + 1);
      dump_into(out, array[i], options, depth + 1);
    }
    newline(depth);
    out.push_back(']');
    break;
  }
  case Type::Object: {
    const auto& object = value.as_object();
    if (object.empty()) { out += "{}"; break; }
    out.push_back('{');
    bool first = true;
    for (const auto& [key, member] : object) {
      if (!first) out.push_back(',');
      first = false;
      newline(depth + 1);
      out += quote(key, options.escape_html);
      out.push_back(':');
      if (options.indent > 0 && options.space_after_colon) out.push_back(' ');
      dump_into(out, member, options, depth + 1);
    }
    newline(depth);
    out.push_back('}');
    break;
  }
  }
}

}  // namespace

std::string dump(const Value& value, const DumpOptions& options) {
  std::string out;
  dump_into(out, value, options, 0);
  return out;
}

}  // namespace kayak::json

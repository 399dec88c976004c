// A small JSON value tree. Objects keep their insertion order, because
// Docker-compatible output (inspect, --format json) has a fixed field order.
// Parsing uses yajl; malformed input throws kayak::Error.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kayak::json {

class Value;
using Array = std::vector<Value>;
using Member = std::pair<std::string, Value>;
using Object = std::vector<Member>;

enum class Type { Null, Bool, Int, Double, String, Array, Object };

class Value {
public:
  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool b) : data_(b) {}
  Value(int i) : data_(static_cast<int64_t>(i)) {}
  Value(unsigned int i) : data_(static_cast<int64_t>(i)) {}
  Value(long i) : data_(static_cast<int64_t>(i)) {}
  Value(long long i) : data_(static_cast<int64_t>(i)) {}
  Value(unsigned long i) : data_(static_cast<int64_t>(i)) {}
  Value(unsigned long long i) : data_(static_cast<int64_t>(i)) {}
  Value(double d) : data_(d) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(const char* s) : data_(std::string(s)) {}
  Value(Array a) : data_(std::move(a)) {}
  Value(Object o) : data_(std::move(o)) {}

  static Value object() { return Value(Object{}); }
  static Value array() { return Value(Array{}); }
  // An array of strings, the most common list in image configs.
  static Value strings(const std::vector<std::string>& items);

  Type type() const { return static_cast<Type>(data_.index()); }
  bool is_null() const { return type() == Type::Null; }
  bool is_bool() const { return type() == Type::Bool; }
  bool is_int() const { return type() == Type::Int; }
  bool is_number() const { return type() == Type::Int || type() == Type::Double; }
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::Array; }
  bool is_object() const { return type() == Type::Object; }

  // Typed access; a wrong type throws kayak::Error naming the expected type.
  bool as_bool() const;
  int64_t as_int() const;     // also accepts an integral double
  double as_double() const;   // also accepts an int
  const std::string& as_string() const;
  const Array& as_array() const;
  Array& as_array();
  const Object& as_object() const;
  Object& as_object();

  // Lenient access for optional fields: the fallback when missing or of
  // another type.
  std::string string_or(std::string_view key, std::string fallback = {}) const;
  int64_t int_or(std::string_view key, int64_t fallback = 0) const;
  bool bool_or(std::string_view key, bool fallback = false) const;
  // A list of strings under key; empty when absent or null.
  std::vector<std::string> strings_at(std::string_view key) const;

  // Object member lookup: nullptr when missing (or this is not an object).
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  // Member or a shared null value when missing (never inserts, also on a
  // non-const value, so reading cannot change what is later written).
  const Value& operator[](std::string_view key) const;
  const Value& operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  // Insert-or-get for building documents; turns a null into an object.
  Value& slot(std::string_view key);
  // Replace or append a member, keeping the position of an existing one.
  Value& set(std::string_view key, Value value);
  bool erase(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }

  // Array element access (throws when out of range).
  const Value& operator[](size_t index) const;
  const Value& operator[](int index) const { return (*this)[static_cast<size_t>(index)]; }
  Value& push_back(Value value);

  // Number of array elements or object members, string length; 0 otherwise.
  size_t size() const;
  bool empty() const { return size() == 0; }

  bool operator==(const Value& other) const = default;

private:
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, Array, Object> data_;
};

struct DumpOptions {
  int indent = 0;           // 0: compact; otherwise spaces per level
  bool escape_html = false; // Go's encoding/json escapes <, >, & as \u003c...
  bool space_after_colon = true;  // only used when indent > 0
};

// Parses exactly one JSON document; trailing garbage is an error.
// `what` names the document in error messages ("manifest.json").
Value parse(std::string_view text, std::string_view what = "JSON");
std::string dump(const Value& value, const DumpOptions& options = {});
// Escapes a string as a JSON string literal (with quotes).
std::string quote(std::string_view text, bool escape_html = false);

}  // namespace kayak::json

// A value during template execution: Go's reflect.Value reduced to what
// JSON data can hold. "Invalid" is Go's zero Value, the result of looking
// up a missing map key; it prints "<no value>", while a JSON null is Go's
// nil and prints "<nil>".
#pragma once

#include <memory>

#include "kayak/util/json.hpp"

namespace kayak::format::detail {

class Val {
public:
  Val() = default;  // invalid

  // Refers to data owned elsewhere (the caller's document, or `owner`).
  static Val ref(const json::Value& value, std::shared_ptr<const json::Value> owner = nullptr) {
    Val v;
    v.ptr_ = &value;
    v.owner_ = std::move(owner);
    return v;
  }
  // Owns a computed value (a function result, a literal).
  static Val make(json::Value value) {
    auto owned = std::make_shared<const json::Value>(std::move(value));
    return ref(*owned, owned);
  }

  bool valid() const { return ptr_ != nullptr; }
  const json::Value& get() const { return *ptr_; }
  const json::Value* address() const { return ptr_; }
  // A member or element of this value, kept alive with it.
  Val child(const json::Value& part) const { return ref(part, owner_); }
  // The value as a function argument: invalid becomes nil, as Go does when
  // it passes a missing value to an interface{} parameter.
  json::Value to_json() const { return valid() ? *ptr_ : json::Value(); }

private:
  const json::Value* ptr_ = nullptr;
  std::shared_ptr<const json::Value> owner_;
};

}  // namespace kayak::format::detail

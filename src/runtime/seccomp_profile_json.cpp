// Docker's seccomp profile JSON <-> SeccompProfile. Field names and
// meanings follow moby's profile format (defaultAction, defaultErrnoRet,
// architectures | archMap, flags, syscalls[{names | name, action, errnoRet,
// args, includes, excludes, comment}]). Unknown fields are ignored, as
// Docker's decoder does.
#include "kayak/runtime/seccomp.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/strings.hpp"

#include "seccomp_names.hpp"

namespace kayak::runtime {
namespace {

using json::Value;

// Every error names the document and the place in it.
class Reader {
public:
  explicit Reader(std::string_view source) : source_(source) {}

  template <typename... Args>
  [[noreturn]] void error(fmt::format_string<Args...> format, Args&&... args) const {
    fail("{}: {}", source_, fmt::format(format, std::forward<Args>(args)...));
  }

  const Value& object(const Value& v, std::string_view where) const {
    if (!v.is_object()) error("{} must be an object", where);
    return v;
  }

  std::string string(const Value& v, std::string_view where) const {
    if (!v.is_string()) error("{} must be a string", where);
    return v.as_string();
  }

  // Absent and null are both an empty list (Go decodes null into nil).
  std::vector<std::string> strings(const Value& parent, std::string_view key, std::string_view where) const {
    std::vector<std::string> out;
    const Value* v = parent.find(key);
    if (!v || v->is_null()) return out;
    if (!v->is_array()) error("{}.{} must be a list of strings", where, key);
    for (const auto& item : v->as_array()) {
      if (!item.is_string()) error("{}.{} must be a list of strings", where, key);
      out.push_back(item.as_string());
    }
    return out;
  }

  // Go decodes these into uint64/uint: negative or fractional is an error.
  uint64_t unsigned_number(const Value& v, std::string_view where) const {
    if (v.is_int()) {
      if (v.as_int() < 0) error("{} must not be negative", where);
      return static_cast<uint64_t>(v.as_int());
    }
    if (v.type() == json::Type::Double) {
      // Past INT64_MAX the JSON layer hands us a double (exact up to 2^53,
      // which covers every flag and mask profiles use in practice).
      double d = v.as_double();
      if (d >= 0 && d < 18446744073709551616.0 && static_cast<double>(static_cast<uint64_t>(d)) == d) {
        return static_cast<uint64_t>(d);
      }
    }
    error("{} must be an unsigned integer", where);
  }

  std::optional<unsigned> errno_value(const Value& parent, std::string_view key, std::string_view where) const {
    const Value* v = parent.find(key);
    if (!v || v->is_null()) return std::nullopt;
    uint64_t n = unsigned_number(*v, fmt::format("{}.{}", where, key));
    if (n > 4095) error("{}.{} {} is not an errno value", where, key, n);
    return static_cast<unsigned>(n);
  }

  SeccompAction action(const Value& parent, std::string_view key, std::string_view where) const {
    const Value* v = parent.find(key);
    if (!v || v->is_null()) error("{}.{} is missing", where, key);
    std::string name = string(*v, fmt::format("{}.{}", where, key));
    auto parsed = seccomp_names::parse_action(name);
    if (!parsed) error("unknown action \"{}\" in {}.{}", name, where, key);
    if (*parsed == SeccompAction::Notify) {
      error("action SCMP_ACT_NOTIFY in {}.{} needs a seccomp listener, which kayak does not provide", where, key);
    }
    return *parsed;
  }

  KernelVersion kernel(const Value& v, std::string_view where) const {
    std::string text = string(v, where);
    auto parts = str::split(text, '.');
    std::optional<uint64_t> major, minor;
    if (parts.size() == 2) {
      major = str::parse_uint(parts[0]);
      minor = str::parse_uint(parts[1]);
    }
    if (!major || !minor || *major > 255 || *minor > 255 || (*major == 0 && *minor == 0)) {
      error("invalid kernel version \"{}\" in {}, expected \"<kernel>.<major>\"", text, where);
    }
    return {static_cast<unsigned>(*major), static_cast<unsigned>(*minor)};
  }

  SeccompCondition condition(const Value& parent, std::string_view key, std::string_view where) const {
    SeccompCondition c;
    const Value* v = parent.find(key);
    if (!v || v->is_null()) return c;
    std::string here = fmt::format("{}.{}", where, key);
    object(*v, here);
    c.caps = strings(*v, "caps", here);
    c.arches = strings(*v, "arches", here);
    if (const Value* k = v->find("minKernel"); k && !k->is_null() && !(k->is_string() && k->as_string().empty())) {
      c.min_kernel = kernel(*k, here + ".minKernel");
    }
    return c;
  }

  SeccompArg arg(const Value& v, std::string_view where) const {
    object(v, where);
    SeccompArg a;
    const Value* index = v.find("index");
    if (!index) error("{}.index is missing", where);
    uint64_t i = unsigned_number(*index, fmt::format("{}.index", where));
    if (i > 5) error("{}.index {} is out of range (0-5)", where, i);
    a.index = static_cast<unsigned>(i);
    if (const Value* value = v.find("value")) a.value = unsigned_number(*value, fmt::format("{}.value", where));
    if (const Value* two = v.find("valueTwo")) a.value_two = unsigned_number(*two, fmt::format("{}.valueTwo", where));
    const Value* op = v.find("op");
    if (!op) error("{}.op is missing", where);
    std::string name = string(*op, fmt::format("{}.op", where));
    auto parsed = seccomp_names::parse_op(name);
    if (!parsed) error("unknown operator \"{}\" in {}.op", name, where);
    a.op = *parsed;
    return a;
  }

  SeccompRule rule(const Value& v, std::string_view where) const {
    object(v, where);
    SeccompRule r;
    r.names = strings(v, "names", where);
    if (const Value* name = v.find("name"); name && !name->is_null()) {
      std::string single = string(*name, fmt::format("{}.name", where));
      if (!single.empty()) {
        if (!r.names.empty()) error("{} has both \"name\" and \"names\"; use one", where);
        r.names = {single};
      }
    }
    if (r.names.empty()) error("{} names no syscall", where);
    r.action = action(v, "action", where);
    r.errno_ret = errno_value(v, "errnoRet", where);
    if (const Value* args = v.find("args"); args && !args->is_null()) {
      if (!args->is_array()) error("{}.args must be a list", where);
      size_t i = 0;
      for (const auto& item : args->as_array()) r.args.push_back(arg(item, fmt::format("{}.args[{}]", where, i++)));
    }
    r.includes = condition(v, "includes", where);
    r.excludes = condition(v, "excludes", where);
    r.comment = v.string_or("comment");
    return r;
  }

  SeccompProfile profile(const Value& root) const {
    object(root, "the profile");
    SeccompProfile p;
    p.default_action = action(root, "defaultAction", "profile");
    p.default_errno = errno_value(root, "defaultErrnoRet", "profile");
    p.architectures = strings(root, "architectures", "profile");
    if (const Value* map = root.find("archMap"); map && !map->is_null()) {
      if (!map->is_array()) error("profile.archMap must be a list");
      size_t i = 0;
      for (const auto& item : map->as_array()) {
        std::string here = fmt::format("profile.archMap[{}]", i++);
        object(item, here);
        const Value* arch = item.find("architecture");
        if (!arch) error("{}.architecture is missing", here);
        p.arch_map.push_back({string(*arch, here + ".architecture"), strings(item, "subArchitectures", here)});
      }
    }
    if (!p.architectures.empty() && !p.arch_map.empty()) {
      error("both 'architectures' and 'archMap' are specified; use either 'architectures' or 'archMap'");
    }
    p.flags = strings(root, "flags", "profile");
    if (!root.string_or("listenerPath").empty()) {
      error("listenerPath needs a seccomp listener, which kayak does not provide");
    }
    if (const Value* calls = root.find("syscalls"); calls && !calls->is_null()) {
      if (!calls->is_array()) error("profile.syscalls must be a list");
      size_t i = 0;
      for (const auto& item : calls->as_array()) p.syscalls.push_back(rule(item, fmt::format("syscalls[{}]", i++)));
    }
    return p;
  }

private:
  std::string source_;
};

Value strings_value(const std::vector<std::string>& items) { return Value::strings(items); }

Value number_value(uint64_t n) {
  if (n <= static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<long long>(n));
  return Value(static_cast<double>(n));
}

Value condition_value(const SeccompCondition& c) {
  Value v = Value::object();
  if (!c.caps.empty()) v.set("caps", strings_value(c.caps));
  if (!c.arches.empty()) v.set("arches", strings_value(c.arches));
  if (c.min_kernel) v.set("minKernel", fmt::format("{}.{}", c.min_kernel->major, c.min_kernel->minor));
  return v;
}

}  // namespace

SeccompProfile parse_seccomp_profile(std::string_view json_text, std::string_view source) {
  // json::parse says "malformed <source>: ...": the source says what it is.
  Value root = json::parse(json_text, source.empty() ? std::string_view("seccomp profile") : source);
  return Reader(source).profile(root);
}

std::string seccomp_profile_json(const SeccompProfile& p) {
  Value root = Value::object();
  root.set("defaultAction", std::string(seccomp_names::action_name(p.default_action)));
  if (p.default_errno) root.set("defaultErrnoRet", *p.default_errno);
  if (!p.architectures.empty()) root.set("architectures", strings_value(p.architectures));
  if (!p.arch_map.empty()) {
    Value map = Value::array();
    for (const auto& a : p.arch_map) {
      Value entry = Value::object();
      entry.set("architecture", a.arch);
      entry.set("subArchitectures", a.sub_arches.empty() ? Value() : strings_value(a.sub_arches));
      map.push_back(std::move(entry));
    }
    root.set("archMap", std::move(map));
  }
  if (!p.flags.empty()) root.set("flags", strings_value(p.flags));
  Value calls = Value::array();
  for (const auto& r : p.syscalls) {
    Value rule = Value::object();
    rule.set("names", strings_value(r.names));
    rule.set("action", std::string(seccomp_names::action_name(r.action)));
    if (r.errno_ret) rule.set("errnoRet", *r.errno_ret);
    if (!r.args.empty()) {
      Value args = Value::array();
      for (const auto& a : r.args) {
        Value arg = Value::object();
        arg.set("index", a.index);
        arg.set("value", number_value(a.value));
        arg.set("valueTwo", number_value(a.value_two));
        arg.set("op", std::string(seccomp_names::op_name(a.op)));
        args.push_back(std::move(arg));
      }
      rule.set("args", std::move(args));
    }
    if (!r.comment.empty()) rule.set("comment", r.comment);
    if (!r.includes.empty()) rule.set("includes", condition_value(r.includes));
    if (!r.excludes.empty()) rule.set("excludes", condition_value(r.excludes));
    calls.push_back(std::move(rule));
  }
  root.set("syscalls", std::move(calls));
  return json::dump(root, {.indent = 4}) + "\n";
}

}  // namespace kayak::runtime

#include "kayak/cli/invocation.hpp"

#include "kayak/util/error.hpp"

namespace kayak::cli {

Invocation::Invocation(CommandTable table, const Command& command, std::string invoked_path,
                       GlobalOptions global, FlagValues values, std::vector<std::string> args)
  : table_(table),
    command_(&command),
    invoked_path_(std::move(invoked_path)),
    global_(std::move(global)),
    values_(std::move(values)),
    args_(std::move(args)) {}

const Flag& Invocation::declared(std::string_view long_name) const {
  const Flag* flag = find_flag(*command_, long_name);
  // A handler asking for an undeclared flag would silently read "unset"
  // forever; make the typo loud instead.
  if (!flag) fail("internal error: command \"{}\" has no flag --{}", command_path(), long_name);
  return *flag;
}

bool Invocation::flag(std::string_view long_name) const {
  const Flag& spec = declared(long_name);
  auto it = values_.find(long_name);
  if (it != values_.end() && !it->second.empty()) return it->second.back() == "true";
  return spec.default_value == "true";
}

bool Invocation::is_set(std::string_view long_name) const {
  declared(long_name);
  return values_.find(long_name) != values_.end();
}

std::optional<std::string> Invocation::value(std::string_view long_name) const {
  const Flag& spec = declared(long_name);
  auto it = values_.find(long_name);
  if (it != values_.end() && !it->second.empty()) return it->second.back();
  if (!spec.default_value.empty()) return std::string(spec.default_value);
  return std::nullopt;
}

std::string Invocation::value_or(std::string_view long_name, std::string fallback) const {
  std::optional<std::string> v = value(long_name);
  return v ? *v : std::move(fallback);
}

std::vector<std::string> Invocation::values(std::string_view long_name) const {
  declared(long_name);
  auto it = values_.find(long_name);
  if (it == values_.end()) return {};
  return it->second;
}

std::string Invocation::command_path() const {
  return std::string(command_->names.front());
}

}  // namespace kayak::cli

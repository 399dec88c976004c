// Lookups over a command table.
#include "kayak/cli/command_table.hpp"

#include <algorithm>

namespace kayak::cli {

const Command* find_command(CommandTable table, std::string_view path) {
  for (const Command& command : table) {
    for (std::string_view name : command.names) {
      if (name == path) return &command;
    }
  }
  return nullptr;
}

std::string_view name_under(const Command& command, std::string_view parent_path) {
  for (std::string_view name : command.names) {
    std::string_view rest = name;
    if (!parent_path.empty()) {
      if (name.size() <= parent_path.size() + 1 || !name.starts_with(parent_path) ||
          name[parent_path.size()] != ' ')
        continue;
      rest = name.substr(parent_path.size() + 1);
    }
    if (rest.find(' ') == std::string_view::npos) return rest;
  }
  return {};
}

const Flag* find_flag(const Command& command, std::string_view name) {
  for (const Flag& flag : command.flags) {
    if (flag.name == name) return &flag;
  }
  if (name == help_flag().name) return &help_flag();
  return nullptr;
}

bool has_visible_flags(const Command& command) {
  for (const Flag& flag : command.flags) {
    if (!flag.hidden) return true;
  }
  return false;
}

}  // namespace kayak::cli

namespace kayak::cli {

Complete arg_completion(const Command& command, size_t index) {
  if (command.arg_complete.empty()) return Complete::None;
  return command.arg_complete[std::min(index, command.arg_complete.size() - 1)];
}

}  // namespace kayak::cli

// What a handler gets: the resolved command, its flag values and positional
// arguments, and the global options. Handlers read flags by long name; asking
// for a flag the command does not declare is a programming error and throws.
#pragma once

#include "kayak/cli/command_table.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::cli {

// Global flags resolved against the environment (flag > env > default).
// An empty string means "use the default", which the owning module computes.
struct GlobalOptions {
  std::string root;       // --root, KAYAK_ROOT
  std::string runroot;    // --runroot, KAYAK_RUNROOT
  std::string log_level;  // --log-level
};

// Flag values as given on the command line, keyed by long name; Bool flags
// hold "true"/"false".
using FlagValues = std::map<std::string, std::vector<std::string>, std::less<>>;

class Invocation {
public:
  Invocation(CommandTable table, const Command& command, std::string invoked_path,
             GlobalOptions global, FlagValues values, std::vector<std::string> args);

  const GlobalOptions& global() const { return global_; }

  // A Bool flag: its last given value, else its table default.
  bool flag(std::string_view long_name) const;
  // Whether the user gave the flag at all.
  bool is_set(std::string_view long_name) const;
  // Last given value, else the table default, else nullopt.
  std::optional<std::string> value(std::string_view long_name) const;
  std::string value_or(std::string_view long_name, std::string fallback) const;
  // Every given value of a repeatable flag, in order.
  std::vector<std::string> values(std::string_view long_name) const;

  const std::vector<std::string>& args() const { return args_; }
  // Canonical path of the command: "image ls" even when invoked as "images".
  std::string command_path() const;
  // The path as the user typed it: "images".
  const std::string& invoked_path() const { return invoked_path_; }
  const Command& command() const { return *command_; }
  // The table this was parsed from (help and completion walk it).
  CommandTable table() const { return table_; }

private:
  const Flag& declared(std::string_view long_name) const;

  CommandTable table_;
  const Command* command_;
  std::string invoked_path_;
  GlobalOptions global_;
  FlagValues values_;
  std::vector<std::string> args_;
};

}  // namespace kayak::cli

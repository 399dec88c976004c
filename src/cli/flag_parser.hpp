// Flag parsing with cobra/pflag's rules: --name=value, --name value,
// combined shorthands (-aq), -fvalue, -f=value, -f value, bool flags that
// take =true|false but never the next argument, repeatable lists, and "--"
// to end flags.
#pragma once

#include "kayak/cli/command_table.hpp"
#include "kayak/cli/invocation.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::cli {

struct FlagParseResult {
  FlagValues values;
  std::vector<std::string> positionals;
};

struct FlagParseOptions {
  // Also accept -h/--help (the "-h" only when no flag of the list has it).
  bool implicit_help = true;
  // false: the first positional argument ends flag parsing.
  bool interspersed = true;
  // What to put in "See '<hint> --help'." after an error: "kayak images".
  std::string_view help_hint;
};

// Throws UsageError for unknown flags, missing values, bad bools/choices.
FlagParseResult parse_flags(std::span<const Flag> flags, std::span<const std::string> args,
                            const FlagParseOptions& options);

}  // namespace kayak::cli

#include "flag_parser.hpp"

#include "kayak/cli/parser.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

#include <optional>

namespace kayak::cli {

namespace {

class FlagParser {
public:
  FlagParser(std::span<const Flag> flags, std::span<const std::string> args,
             const FlagParseOptions& options)
    : flags_(flags), args_(args), options_(options) {}

  FlagParseResult run() {
    while (next_ < args_.size()) {
      const std::string& arg = args_[next_++];
      if (arg == "--") {
        take_rest();
      } else if (arg.starts_with("--")) {
        long_flag(std::string_view(arg).substr(2));
      } else if (arg.size() > 1 && arg[0] == '-') {
        shorthands(std::string_view(arg).substr(1));
      } else {
        result_.positionals.push_back(arg);
        if (!options_.interspersed) take_rest();
      }
    }
    return std::move(result_);
  }

private:
  void take_rest() {
    while (next_ < args_.size()) result_.positionals.push_back(args_[next_++]);
  }

  [[noreturn]] void usage_error(const std::string& what) const {
    throw UsageError(fmt::format("{}\nSee '{} --help'.", what, options_.help_hint));
  }

  const Flag* by_name(std::string_view name) const {
    for (const Flag& flag : flags_) {
      if (flag.name == name) return &flag;
    }
    if (options_.implicit_help && name == help_flag().name) return &help_flag();
    return nullptr;
  }

  const Flag* by_shorthand(char c) const {
    for (const Flag& flag : flags_) {
      if (flag.shorthand == c) return &flag;
    }
    if (options_.implicit_help && c == help_flag().shorthand) return &help_flag();
    return nullptr;
  }

  // --name, --name=value, --name value
  void long_flag(std::string_view text) {
    size_t eq = text.find('=');
    std::string_view name = text.substr(0, eq);
    const Flag* flag = by_name(name);
    if (!flag || name.empty()) usage_error(fmt::format("unknown flag: --{}", name));
    std::optional<std::string_view> inline_value;
    if (eq != std::string_view::npos) inline_value = text.substr(eq + 1);

    if (flag->type == FlagType::Bool) {
      store(*flag, inline_value ? bool_value(*flag, *inline_value) : "true");
    } else if (inline_value) {
      store(*flag, std::string(*inline_value));
    } else if (next_ < args_.size()) {
      // pflag takes the next argument whatever it looks like.
      store(*flag, args_[next_++]);
    } else {
      usage_error(fmt::format("flag needs an argument: --{}", name));
    }
  }

  // -a, -aq, -fvalue, -f=value, -f value, -H=false
  void shorthands(std::string_view group) {
    for (size_t i = 0; i < group.size(); ++i) {
      char c = group[i];
      const Flag* flag = by_shorthand(c);
      if (!flag) usage_error(fmt::format("unknown shorthand flag: '{}' in -{}", c, group));
      std::string_view rest = group.substr(i + 1);

      if (flag->type == FlagType::Bool) {
        if (rest.starts_with('=')) {
          store(*flag, bool_value(*flag, rest.substr(1)));
          return;
        }
        store(*flag, "true");
        continue;
      }
      if (rest.starts_with('=')) {
        store(*flag, std::string(rest.substr(1)));
      } else if (!rest.empty()) {
        store(*flag, std::string(rest));
      } else if (next_ < args_.size()) {
        store(*flag, args_[next_++]);
      } else {
        usage_error(fmt::format("flag needs an argument: '{}' in -{}", c, group));
      }
      return;  // a value flag consumes the rest of the group
    }
  }

  static std::string display_name(const Flag& flag) {
    if (flag.shorthand) return fmt::format("-{}, --{}", flag.shorthand, flag.name);
    return fmt::format("--{}", flag.name);
  }

  // Go's strconv.ParseBool spellings, as cobra accepts them.
  std::string bool_value(const Flag& flag, std::string_view text) const {
    for (std::string_view yes : {"1", "t", "T", "true", "TRUE", "True"}) {
      if (text == yes) return "true";
    }
    for (std::string_view no : {"0", "f", "F", "false", "FALSE", "False"}) {
      if (text == no) return "false";
    }
    usage_error(fmt::format("invalid argument \"{}\" for \"{}\" flag: expected true or false", text,
                            display_name(flag)));
  }

  void store(const Flag& flag, std::string value) {
    if (!flag.choices.empty()) check_choice(flag, value);
    std::vector<std::string>& slot = result_.values[std::string(flag.name)];
    // A plain flag given twice keeps only the last value (pflag); lists keep all.
    if (flag.type != FlagType::StringList) slot.clear();
    slot.push_back(std::move(value));
  }

  void check_choice(const Flag& flag, const std::string& value) const {
    for (std::string_view choice : flag.choices) {
      if (choice == value) return;
    }
    std::vector<std::string> names(flag.choices.begin(), flag.choices.end());
    usage_error(fmt::format("invalid argument \"{}\" for \"{}\" flag: must be one of {}", value,
                            display_name(flag), str::join(names, ", ")));
  }

  std::span<const Flag> flags_;
  std::span<const std::string> args_;
  const FlagParseOptions& options_;
  size_t next_ = 0;
  FlagParseResult result_;
};

}  // namespace

FlagParseResult parse_flags(std::span<const Flag> flags, std::span<const std::string> args,
                            const FlagParseOptions& options) {
  return FlagParser(flags, args, options).run();
}

}  // namespace kayak::cli

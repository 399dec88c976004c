// `kayak help [COMMAND...]`: the same text as `kayak COMMAND --help`.
#include "kayak/cli/handlers.hpp"
#include "kayak/cli/help.hpp"
#include "kayak/cli/parser.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace kayak::cli {

int handle_help(Invocation& inv) {
  const std::vector<std::string>& words = inv.args();
  std::string text;
  if (words.empty()) {
    text = root_help(inv.table());
  } else {
    Resolution found = resolve(inv.table(), words);
    if (!found.command || found.consumed != words.size())
      throw UsageError(fmt::format("unknown help topic \"{}\"\nSee 'kayak --help'.",
                                   str::join(words, " ")));
    text = help_for(inv.table(), found.command, found.path);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace kayak::cli

#include "kayak/cli/dispatch.hpp"

#include "kayak/cli/help.hpp"
#include "kayak_config.h"

#include <fmt/format.h>

#include <cstdio>

namespace kayak::cli {

std::string version_line() { return fmt::format("kayak version {}", KAYAK_VERSION); }

int execute(ParsedCommandLine& parsed) {
  switch (parsed.action) {
  case ParsedCommandLine::Action::Help: {
    std::string text = help_for(parsed.table, parsed.command, parsed.invoked_path);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  case ParsedCommandLine::Action::Version:
    std::puts(version_line().c_str());
    return 0;
  case ParsedCommandLine::Action::Run:
    break;
  }
  return parsed.command->handler(*parsed.invocation);
}

}  // namespace kayak::cli

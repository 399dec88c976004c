// Carries out a parsed command line: prints help or the version, or runs
// the command's handler.
#pragma once

#include "kayak/cli/parser.hpp"

#include <string>

namespace kayak::cli {

// "kayak version 0.1.0"
std::string version_line();

// Returns the exit code. Handler errors propagate as exceptions.
int execute(ParsedCommandLine& parsed);

}  // namespace kayak::cli

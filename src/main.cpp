// kayak: a daemonless, rootless container engine. main() parses the command
// line, applies the global options and runs the command; every failure ends
// here as "Error: ..." on stderr with Docker's exit codes.
#include "kayak/cli/dispatch.hpp"
#include "kayak/cli/parser.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>

namespace {

int report(const char* message, int exit_code) {
  std::fflush(stdout);
  // One write, so concurrent processes do not interleave mid-message.
  std::string line = std::string("Error: ") + message + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace kayak;
  try {
    std::vector<std::string> args = cli::arguments_from_argv(argc, argv);
    cli::ParsedCommandLine parsed = cli::parse(args);
    if (!parsed.global.log_level.empty())
      log::set_level(log::parse_level(parsed.global.log_level));
    int code = cli::execute(parsed);
    // A full disk or closed pipe on stdout must not look like success.
    if (std::fflush(stdout) != 0 || std::ferror(stdout))
      return report("write to standard output failed", 125);
    return code;
  } catch (const Error& e) {
    return report(e.what(), e.exit_code());
  } catch (const std::exception& e) {
    return report(e.what(), 125);
  }
}

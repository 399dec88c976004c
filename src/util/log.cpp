#include "kayak/util/log.hpp"

#include "kayak/util/error.hpp"

#include <unistd.h>

namespace kayak::log {

namespace {
Level g_level = Level::Warn;
}

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

Level parse_level(std::string_view text) {
  if (text == "debug" || text == "trace") return Level::Debug;
  if (text == "info") return Level::Info;
  if (text == "warn" || text == "warning") return Level::Warn;
  if (text == "error") return Level::Error;
  if (text == "fatal") return Level::Fatal;
  if (text == "panic") return Level::Panic;
  fail("invalid log level \"{}\": use one of debug, info, warn, error, fatal, panic", std::string(text));
}

void write(Level level, const std::string& message) {
  const char* prefix = "";
  switch (level) {
  case Level::Debug: prefix = "DEBU[0000] "; break;
  case Level::Info: prefix = "INFO[0000] "; break;
  case Level::Warn: prefix = "WARN[0000] "; break;
  default: prefix = "ERRO[0000] "; break;
  }
  std::string line = std::string(prefix) + message + "\n";
  // One write so concurrent processes do not interleave mid-line.
  ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace kayak::log

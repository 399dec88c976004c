// Diagnostics on stderr, filtered by --log-level. Library code uses warn()
// for things a user should know but that do not stop the command.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace kayak::log {

enum class Level { Debug, Info, Warn, Error, Fatal, Panic };

void set_level(Level level);
Level level();
// Parses "debug", "info", "warn", "error", "fatal", "panic"; throws on others.
Level parse_level(std::string_view text);

void write(Level level, const std::string& message);

template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  if (level() <= Level::Warn) write(Level::Warn, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  if (level() <= Level::Info) write(Level::Info, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  if (level() <= Level::Debug) write(Level::Debug, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace kayak::log

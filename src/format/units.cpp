#include "kayak/format/units.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>

namespace kayak::format {
namespace {

constexpr std::array<const char*, 9> kDecimalUnits = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
constexpr std::array<const char*, 9> kBinaryUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};

// Divides by `base` while the size is at least one base unit, as go-units
// does, then prints with C's %.*g, which renders like Go's %.*g (same
// significant-digit rounding, trailing zeros dropped, "1e+03" exponents).
std::string scaled(double size, double base, const std::array<const char*, 9>& units, int precision) {
  size_t unit = 0;
  while (size >= base && unit + 1 < units.size()) {
    size /= base;
    ++unit;
  }
  char number[64];
  std::snprintf(number, sizeof number, "%.*g", precision, size);
  return std::string(number) + units[unit];
}

// Go's time.Duration accessors, computed the same way so that rounding at
// the thresholds matches (whole part and remainder converted separately).
constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;

double in_units(int64_t ns, int64_t unit) {
  return static_cast<double>(ns / unit) + static_cast<double>(ns % unit) / static_cast<double>(unit);
}

}  // namespace

std::string human_size(int64_t bytes, int precision) {
  return scaled(static_cast<double>(bytes), 1000.0, kDecimalUnits, precision);
}

std::string bytes_size(int64_t bytes) {
  return scaled(static_cast<double>(bytes), 1024.0, kBinaryUnits, 4);
}

std::string human_duration(int64_t ns) {
  int64_t seconds = static_cast<int64_t>(in_units(ns, kSecond));
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return fmt::format("{} seconds", seconds);
  int64_t minutes = static_cast<int64_t>(in_units(ns, kMinute));
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return fmt::format("{} minutes", minutes);
  int64_t hours = static_cast<int64_t>(in_units(ns, kHour) + 0.5);
  if (hours == 1) return "About an hour";
  if (hours < 48) return fmt::format("{} hours", hours);
  if (hours < 24 * 7 * 2) return fmt::format("{} days", hours / 24);
  if (hours < 24 * 30 * 2) return fmt::format("{} weeks", hours / 24 / 7);
  if (hours < 24 * 365 * 2) return fmt::format("{} months", hours / 24 / 30);
  // Years use the unrounded hour count, as go-units does.
  return fmt::format("{} years", static_cast<int64_t>(in_units(ns, kHour)) / 24 / 365);
}

std::string human_since(int64_t then_ns, int64_t now_ns) {
  return human_duration(now_ns - then_ns) + " ago";
}

std::string truncate_id(std::string_view id) {
  if (auto colon = id.find(':'); colon != std::string_view::npos) id.remove_prefix(colon + 1);
  return std::string(id.substr(0, 12));
}

}  // namespace kayak::format

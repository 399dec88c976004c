#include "kayak/monitor/log_time.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/time.hpp"

#include <ctime>
#include <string>

namespace kayak::monitor {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A local-time "YYYY-MM-DD[THH:MM[:SS[.frac]]]" without zone.
std::optional<int64_t> parse_local(std::string_view s) {
  struct tm tm {};
  int64_t frac = 0;
  std::string text(s);
  const char* end = ::strptime(text.c_str(), "%Y-%m-%d", &tm);
  if (!end) return std::nullopt;
  if (*end == 'T' || *end == ' ') {
    const char* time_end = ::strptime(end + 1, "%H:%M:%S", &tm);
    if (!time_end) time_end = ::strptime(end + 1, "%H:%M", &tm);
    if (!time_end) return std::nullopt;
    end = time_end;
    if (*end == '.') {
      ++end;
      int64_t scale = 100000000;
      if (!is_digit(*end)) return std::nullopt;
      while (is_digit(*end)) {
        frac += (*end - '0') * scale;
        scale /= 10;
        ++end;
      }
    }
  }
  if (*end != '\0') return std::nullopt;
  tm.tm_isdst = -1;
  time_t secs = ::mktime(&tm);
  if (secs == static_cast<time_t>(-1)) return std::nullopt;
  return static_cast<int64_t>(secs) * 1000000000 + frac;
}

// "seconds[.fraction]" since the epoch.
std::optional<int64_t> parse_unix(std::string_view s) {
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  if (whole.empty() || whole.size() > 12) return std::nullopt;
  int64_t secs = 0;
  for (char c : whole) {
    if (!is_digit(c)) return std::nullopt;
    secs = secs * 10 + (c - '0');
  }
  int64_t frac = 0;
  if (dot != std::string_view::npos) {
    std::string_view digits = s.substr(dot + 1);
    if (digits.empty() || digits.size() > 9) return std::nullopt;
    int64_t scale = 100000000;
    for (char c : digits) {
      if (!is_digit(c)) return std::nullopt;
      frac += (c - '0') * scale;
      scale /= 10;
    }
  }
  return secs * 1000000000 + frac;
}

}  // namespace

std::optional<int64_t> parse_go_duration(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  static const std::pair<std::string_view, int64_t> units[] = {
    {"ns", 1}, {"us", 1000}, {"\xc2\xb5s", 1000}, {"\xce\xbcs", 1000}, {"ms", 1000000},
    {"s", 1000000000}, {"m", 60LL * 1000000000}, {"h", 3600LL * 1000000000},
  };
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double value = 0;
    bool any = false;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + (s[i++] - '0');
      any = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && is_digit(s[i])) {
        value += (s[i++] - '0') * scale;
        scale /= 10;
        any = true;
      }
    }
    if (!any) return std::nullopt;
    s.remove_prefix(i);
    int64_t unit = 0;
    for (const auto& [name, ns] : units) {
      // Longest match first matters only for "ms" vs "m": "ms" is listed first.
      if (s.starts_with(name)) {
        unit = ns;
        s.remove_prefix(name.size());
        break;
      }
    }
    if (!unit) return std::nullopt;
    total += value * static_cast<long double>(unit);
  }
  if (total > 9.2e18L) return std::nullopt;
  int64_t ns = static_cast<int64_t>(total);
  return negative ? -ns : ns;
}

int64_t parse_log_time_filter(std::string_view text, int64_t now_ns) {
  if (auto duration = parse_go_duration(text)) return now_ns - *duration;
  if (auto time = timeutil::parse_rfc3339(text)) return *time;
  if (auto time = parse_local(text)) return *time;
  if (auto time = parse_unix(text)) return *time;
  fail("invalid time \"{}\": use a duration (10m, 1h30m), an RFC 3339 time or a Unix timestamp", text);
}

}  // namespace kayak::monitor

#include "kayak/format/progress.hpp"

#include "kayak/format/units.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace kayak::format {

std::string go_duration_seconds(int64_t seconds) {
  if (seconds <= 0) return "0s";
  int64_t h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
  if (h) return fmt::format("{}h{}m{}s", h, m, s);
  if (m) return fmt::format("{}m{}s", m, s);
  return fmt::format("{}s", s);
}

std::string progress_bar(int64_t current, int64_t total, int width, int64_t start, int64_t now) {
  if (current <= 0 && total <= 0) return "";
  if (total <= 0) return fmt::format("{:>8}", human_size(current, 4));
  // Half a percent per '=': a 50-column bar.
  int percentage = static_cast<int>(static_cast<double>(current) / static_cast<double>(total) * 100) / 2;
  percentage = std::min(percentage, 50);
  std::string bar;
  if (width > 110) {
    bar = "[" + std::string(static_cast<size_t>(std::max(percentage, 0)), '=') + ">" +
          std::string(static_cast<size_t>(std::max(50 - percentage, 0)), ' ') + "] ";
  }
  std::string numbers = current > total ? fmt::format("{:>8}", human_size(current, 4))
                                        : fmt::format("{:>8}/{}", human_size(current, 4), human_size(total, 4));
  std::string left;
  if (current > 0 && start > 0 && percentage < 50 && width > 50) {
    // Time per byte so far (whole nanoseconds, as Go's Duration division)
    // times the bytes still to come, cut to whole seconds.
    int64_t per_byte_ns = std::max<int64_t>(now - start, 0) * 1'000'000'000 / current;
    left = " " + go_duration_seconds(per_byte_ns * (total - current) / 1'000'000'000);
  }
  return bar + numbers + left;
}

ProgressDisplay::ProgressDisplay(Sink sink, bool terminal, int width)
  : sink_(std::move(sink)), terminal_(terminal), width_(width) {}

void ProgressDisplay::line(std::string_view text) {
  // Later updates must not move the cursor back into an earlier block
  // (pull -a: one block per tag).
  lines_.clear();
  sink_(std::string(text) + "\n");
}

void ProgressDisplay::status(std::string_view id, std::string_view status) {
  show(id, status, "", false);
}

void ProgressDisplay::progress(std::string_view id, std::string_view status, int64_t current, int64_t total,
                               int64_t start, int64_t now) {
  if (!terminal_) return;
  show(id, status, progress_bar(current, total, width_, start, now), true);
}

void ProgressDisplay::show(std::string_view id, std::string_view status, const std::string& bar, bool has_bar) {
  if (!terminal_) {
    sink_(fmt::format("{}: {}\n", id, status));
    return;
  }
  // Every ID owns the line it first appeared on; the cursor rests on the
  // line below the block, so an update moves up, rewrites and moves back.
  std::string out;
  auto it = lines_.find(id);
  if (it == lines_.end()) {
    it = lines_.emplace(std::string(id), static_cast<unsigned>(lines_.size())).first;
    out += "\n";
  }
  unsigned up = static_cast<unsigned>(lines_.size()) - it->second;
  out += fmt::format("\x1b[{}A", up);
  out += "\x1b[2K\r";
  out += fmt::format("{}: {} {}\r", id, status, has_bar ? bar : "");
  out += fmt::format("\x1b[{}B", up);
  sink_(out);
}

}  // namespace kayak::format

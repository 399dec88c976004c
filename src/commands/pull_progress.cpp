#include "pull_progress.hpp"

#include "kayak/util/stream.hpp"

#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

namespace kayak::commands {

namespace {

int64_t monotonic_ms() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

int terminal_width(int fd) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 200;  // Docker's width when the terminal does not say
}

// Redraws of one layer's bar at most this often (Docker's progress reader
// updates about as often).
constexpr int64_t kRedrawMs = 100;

}  // namespace

std::string short_layer_id(const std::string& digest) {
  auto colon = digest.find(':');
  return digest.substr(colon == std::string::npos ? 0 : colon + 1, 12);
}

PullProgress::PullProgress(bool quiet) {
  if (quiet) return;
  bool tty = ::isatty(STDERR_FILENO);
  display_ = std::make_unique<format::ProgressDisplay>(
    [](std::string_view text) {
      // Unbuffered and all at once: lines from one write never interleave.
      try {
        write_all(STDERR_FILENO, text.data(), text.size(), "stderr");
      } catch (...) {
        // A closed stderr must not fail the pull.
      }
    },
    tty, tty ? terminal_width(STDERR_FILENO) : 200);
}

void PullProgress::line(const std::string& text) {
  if (display_) display_->line(text);
}

void PullProgress::status(const std::string& id, const std::string& status) {
  if (display_) display_->status(id, status);
}

void PullProgress::transfer(const std::string& id, const char* label, int64_t done, int64_t total) {
  if (!display_ || !display_->terminal()) return;
  Layer& layer = layers_[id];
  int64_t now_ms = monotonic_ms();
  if (!layer.start) layer.start = ::time(nullptr);
  bool finished = total > 0 && done >= total;
  if (!finished && layer.last_shown && now_ms - layer.last_shown < kRedrawMs) return;
  layer.last_shown = now_ms;
  display_->progress(id, label, done, total, layer.start, ::time(nullptr));
}

void PullProgress::extracting(const std::string& id) {
  if (display_) display_->progress(id, "Extracting", 0, 0);
}

}  // namespace kayak::commands

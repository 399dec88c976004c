// Transfer progress as Docker's CLI shows it (its jsonmessage stream
// display), so `pull` and `push` look and scroll the same:
//
//   latest: Pulling from library/nginx
//   a2abf6c4d29d: Downloading [=====>                      ]  1.2MB/3.6MB 2s
//   a9edb18cadd1: Download complete
//
// On a terminal every ID keeps one line, rewritten in place with ANSI
// cursor moves; lines without an ID end that block. Elsewhere (a pipe, a
// log file) each status is a plain line of its own and the bar updates
// ("Downloading", "Extracting" with counts) are left out, as Docker does.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

namespace kayak::format {

// Docker's JSONProgress rendering: "[==>   ]  1.2MB/3.6MB 2s". The bar
// needs more than 110 columns, the time left more than 50; start and now
// are Unix seconds (start 0: no time left). "" when there is nothing to
// show; a total <= 0 shows the current size alone.
std::string progress_bar(int64_t current, int64_t total, int width, int64_t start = 0, int64_t now = 0);

// Go's time.Duration String() for whole seconds: "0s", "45s", "1m5s", "2h0m3s".
std::string go_duration_seconds(int64_t seconds);

class ProgressDisplay {
public:
  using Sink = std::function<void(std::string_view)>;
  // terminal: rewrite lines in place; width: the terminal's columns.
  ProgressDisplay(Sink sink, bool terminal, int width = 200);

  // A line of its own ("Digest: sha256:..."); ends the current block of
  // per-ID lines.
  void line(std::string_view text);
  // An ID's status without counts ("Pulling fs layer", "Pull complete"):
  // shown in both modes.
  void status(std::string_view id, std::string_view status);
  // An ID's status with counts ("Downloading" 1.2MB of 3.6MB): on a
  // terminal only; start and now are Unix seconds for the time left.
  void progress(std::string_view id, std::string_view status, int64_t current, int64_t total, int64_t start = 0,
                int64_t now = 0);

  bool terminal() const { return terminal_; }

private:
  void show(std::string_view id, std::string_view status, const std::string& bar, bool has_bar);

  Sink sink_;
  bool terminal_;
  int width_;
  std::map<std::string, unsigned, std::less<>> lines_;  // ID -> its line in the current block
};

}  // namespace kayak::format

// The progress of one pull (or push) on stderr, in Docker's words: a status per
// layer (its 12-hex short digest), download bars on a terminal, nothing at
// all with -q. Wraps format::ProgressDisplay with the clock and the
// throttling a poll loop needs (it reports progress far more often than a
// terminal should be redrawn).
#pragma once

#include "kayak/format/progress.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace kayak::commands {

class PullProgress {
public:
  // quiet: print nothing. Otherwise stderr, rewritten in place when it is
  // a terminal.
  explicit PullProgress(bool quiet);

  void line(const std::string& text);
  void status(const std::string& id, const std::string& status);
  // Download progress of a layer; the first call starts its clock.
  void downloading(const std::string& id, int64_t done, int64_t total) { transfer(id, "Downloading", done, total); }
  // Upload progress of a layer (push), likewise.
  void pushing(const std::string& id, int64_t done, int64_t total) { transfer(id, "Pushing", done, total); }
  // "Extracting" (a bar-less progress line: terminal only).
  void extracting(const std::string& id);

private:
  void transfer(const std::string& id, const char* label, int64_t done, int64_t total);

  struct Layer {
    int64_t start = 0;        // Unix seconds of the first byte
    int64_t last_shown = 0;   // monotonic ms of the last redraw
  };
  std::unique_ptr<format::ProgressDisplay> display_;
  std::map<std::string, Layer> layers_;
};

// A layer's ID in progress lines: the first 12 hex digits of its digest.
std::string short_layer_id(const std::string& digest);

}  // namespace kayak::commands

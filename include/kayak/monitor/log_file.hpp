// The container log in k8s-file format (DESIGN "Storage": containers/<id>/ctr.log),
// one line per piece of output as the monitor read it:
//
//   2026-11-28T05:00:00.123456789Z stdout F hello
//   2026-11-28T05:00:00.123456789Z stderr P no newline yet
//
// F marks the end of a line of output; P a piece without its newline (the
// reader joins P pieces with the next F of the same stream). With a size
// limit (--log-opt max-size) the file is rotated: the full file becomes
// ctr.log.1 (replacing an older one) and writing goes on in a new ctr.log,
// so the log never takes more than twice the limit.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kayak/util/fd.hpp"

namespace kayak::monitor {

enum class LogStream { Stdout, Stderr };

struct LogEntry {
  int64_t time_ns = 0;
  LogStream stream = LogStream::Stdout;
  bool partial = false;  // P: the text has no newline yet
  std::string text;      // without the newline

  bool operator==(const LogEntry&) const = default;
};

// One log line, newline included.
std::string format_log_line(const LogEntry& entry);
// Parses one line (without its newline); nullopt when it is not a log line.
std::optional<LogEntry> parse_log_line(std::string_view line);

class LogWriter {
public:
  // Appends to path (created 0600 when missing). max_size 0: no rotation.
  LogWriter(std::string path, uint64_t max_size);

  // Writes what one read of a stream returned: a line per '\n', and the
  // remainder (if any) as a partial line.
  void write(LogStream stream, std::string_view data, int64_t time_ns);

  const std::string& path() const { return path_; }

private:
  void append(const std::string& line);
  void rotate();

  std::string path_;
  uint64_t max_size_;
  uint64_t size_ = 0;
  UniqueFd fd_;
};

// The previous file of a rotated log ("ctr.log.1").
std::string rotated_log_path(const std::string& path);

// Joins partial pieces into whole lines as the log is read: feed entries in
// file order, take the completed ones. A stream's trailing partial piece
// (the container's last output without a newline) is given by finish().
class LogJoiner {
public:
  // Returns the completed entry, if this one completes a line.
  std::optional<LogEntry> add(LogEntry entry);
  // Pieces still waiting for their newline, oldest first.
  std::vector<LogEntry> finish();

private:
  std::optional<LogEntry> pending_[2];
};

// Reads the whole log (ctr.log.1 then ctr.log), partial lines joined. A
// missing file reads as empty.
std::vector<LogEntry> read_log(const std::string& path);

// Follows a log as it grows (logs -f), across rotations: each poll() reads
// whatever was appended since the last one and hands out whole entries.
class LogFollower {
public:
  // The first poll() reads the whole log (ctr.log.1, then ctr.log), so
  // nothing written between reading and following is lost or repeated.
  explicit LogFollower(std::string path);
  // Reads new lines; calls sink for each raw entry (partial pieces not
  // joined: the caller runs them through a LogJoiner). Lines that are not
  // log lines are skipped.
  void poll(const std::function<void(LogEntry)>& sink);

private:
  void read_available(const std::function<void(LogEntry)>& sink);

  std::string path_;
  bool started_ = false;
  UniqueFd fd_;
  uint64_t inode_ = 0;
  std::string buffer_;  // an incomplete last line
};

}  // namespace kayak::monitor

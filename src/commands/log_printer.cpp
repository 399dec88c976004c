// Printing a k8s-file log as `logs` shows it: joined lines, filters, tail,
// timestamps, following.
#include "kayak/commands/container_logs.hpp"
#include "log_source.hpp"

#include "kayak/monitor/log_file.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <unistd.h>

#include <deque>

namespace kayak::commands {

namespace {

using monitor::LogEntry;
using monitor::LogStream;

// How often `logs -f` looks for new lines and for the container's end.
constexpr useconds_t kFollowIntervalUs = 100000;

class Printer {
public:
  Printer(const LogsOptions& options, const std::function<void(std::string_view)>& out,
          const std::function<void(std::string_view)>& err)
    : options_(options), out_(out), err_(err) {}

  bool wanted(const LogEntry& entry) const {
    if (options_.since_ns && entry.time_ns < *options_.since_ns) return false;
    if (options_.until_ns && entry.time_ns > *options_.until_ns) return false;
    return true;
  }

  void print(const LogEntry& entry) {
    std::string line;
    if (options_.timestamps) line = timeutil::format_rfc3339_nano(entry.time_ns) + " ";
    line += entry.text;
    // A partial entry is the container's last output without a newline.
    if (!entry.partial) line += '\n';
    (entry.stream == LogStream::Stdout ? out_ : err_)(line);
  }

private:
  const LogsOptions& options_;
  const std::function<void(std::string_view)>& out_;
  const std::function<void(std::string_view)>& err_;
};

}  // namespace

std::optional<size_t> parse_tail(const std::string& text) {
  if (text == "all" || text.empty()) return std::nullopt;
  auto n = str::parse_int(text);
  if (!n) fail("invalid value \"{}\" for --tail: a number or \"all\"", text);
  if (*n < 0) return std::nullopt;  // Docker: negative means all
  return static_cast<size_t>(*n);
}

void print_log_file(const std::string& path, const LogsOptions& options,
                    const std::function<void(std::string_view)>& out,
                    const std::function<void(std::string_view)>& err,
                    const std::function<bool()>& still_running) {
  monitor::LogFollower follower(path);
  print_log_source([&](const LogSink& sink) { follower.poll(sink); }, options, out, err, still_running);
}

void print_log_source(const LogSource& poll, const LogsOptions& options,
                      const std::function<void(std::string_view)>& out,
                      const std::function<void(std::string_view)>& err,
                      const std::function<bool()>& still_running) {
  Printer printer(options, out, err);
  monitor::LogJoiner joiner;

  // What is there now: filtered, then the last N.
  std::deque<LogEntry> backlog;
  poll([&](LogEntry raw) {
    if (auto entry = joiner.add(std::move(raw)); entry && printer.wanted(*entry)) {
      backlog.push_back(std::move(*entry));
      if (options.tail && backlog.size() > *options.tail) backlog.pop_front();
    }
  });
  if (!options.follow) {
    for (auto& rest : joiner.finish()) {
      if (!printer.wanted(rest)) continue;
      backlog.push_back(std::move(rest));
      if (options.tail && backlog.size() > *options.tail) backlog.pop_front();
    }
  }
  for (const auto& entry : backlog) printer.print(entry);
  if (!options.follow) return;

  // Follow until the container stops; a partial piece waits for its newline
  // (or the end). Past --until nothing more can match.
  auto pass = [&](LogEntry raw) {
    if (auto entry = joiner.add(std::move(raw)); entry && printer.wanted(*entry)) printer.print(*entry);
  };
  for (;;) {
    if (options.until_ns && timeutil::now_ns() > *options.until_ns) break;
    bool running = still_running();
    poll(pass);
    if (!running) break;
    ::usleep(kFollowIntervalUs);
  }
  for (auto& rest : joiner.finish())
    if (printer.wanted(rest)) printer.print(rest);
}

}  // namespace kayak::commands

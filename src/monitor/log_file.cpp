#include "kayak/monitor/log_file.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/time.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace kayak::monitor {

namespace {

constexpr std::string_view kStdout = "stdout";
constexpr std::string_view kStderr = "stderr";

bool all_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

int to_int(std::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

// Parses exactly the stamp format_log_line writes (fraction of any length,
// "Z" or a numeric offset as other k8s-file writers use).
std::optional<int64_t> parse_log_time(std::string_view s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  std::string_view year = s.substr(0, 4), mon = s.substr(5, 2), day = s.substr(8, 2);
  std::string_view hour = s.substr(11, 2), min = s.substr(14, 2), sec = s.substr(17, 2);
  for (auto part : {year, mon, day, hour, min, sec})
    if (!all_digits(part)) return std::nullopt;
  size_t pos = 19;
  int64_t frac = 0;
  if (s[pos] == '.') {
    ++pos;
    int64_t scale = 100000000;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  int64_t offset = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':' &&
             all_digits(s.substr(pos + 1, 2)) && all_digits(s.substr(pos + 4, 2))) {
    offset = (to_int(s.substr(pos + 1, 2)) * 3600 + to_int(s.substr(pos + 4, 2)) * 60) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  }
  if (pos != s.size()) return std::nullopt;
  struct tm tm {};
  tm.tm_year = to_int(year) - 1900;
  tm.tm_mon = to_int(mon) - 1;
  tm.tm_mday = to_int(day);
  tm.tm_hour = to_int(hour);
  tm.tm_min = to_int(min);
  tm.tm_sec = to_int(sec);
  int64_t secs = static_cast<int64_t>(::timegm(&tm)) - offset;
  return secs * 1000000000 + frac;
}

void write_all(int fd, const std::string& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail_errno("write {}", path);
    }
    done += static_cast<size_t>(n);
  }
}

UniqueFd open_log(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) fail_errno("open {}", path);
  return fd;
}

}  // namespace

std::string format_log_line(const LogEntry& entry) {
  // The stamp always has nine fraction digits, so lines sort and align.
  std::string line = timeutil::format_rfc3339_nano_fixed(entry.time_ns);
  line += ' ';
  line += entry.stream == LogStream::Stdout ? kStdout : kStderr;
  line += entry.partial ? " P " : " F ";
  line += entry.text;
  line += '\n';
  return line;
}

std::optional<LogEntry> parse_log_line(std::string_view line) {
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  auto time = parse_log_time(line.substr(0, space));
  if (!time) return std::nullopt;
  std::string_view rest = line.substr(space + 1);
  LogEntry entry;
  entry.time_ns = *time;
  if (rest.starts_with(kStdout)) {
    entry.stream = LogStream::Stdout;
  } else if (rest.starts_with(kStderr)) {
    entry.stream = LogStream::Stderr;
  } else {
    return std::nullopt;
  }
  rest.remove_prefix(kStdout.size());
  // " F text" / " P text"; an empty full line may end right after the tag.
  if (rest.size() < 2 || rest[0] != ' ' || (rest[1] != 'F' && rest[1] != 'P')) return std::nullopt;
  entry.partial = rest[1] == 'P';
  if (rest.size() > 2) {
    if (rest[2] != ' ') return std::nullopt;
    entry.text = std::string(rest.substr(3));
  }
  return entry;
}

std::string rotated_log_path(const std::string& path) { return path + ".1"; }

LogWriter::LogWriter(std::string path, uint64_t max_size)
  : path_(std::move(path)), max_size_(max_size), fd_(open_log(path_)) {
  struct stat st;
  if (::fstat(fd_.get(), &st) == 0) size_ = static_cast<uint64_t>(st.st_size);
}

void LogWriter::write(LogStream stream, std::string_view data, int64_t time_ns) {
  // One write per read of the stream, so a reader following the file sees
  // a chunk's lines together.
  std::string lines;
  while (!data.empty()) {
    size_t nl = data.find('\n');
    LogEntry entry{.time_ns = time_ns, .stream = stream, .partial = nl == std::string_view::npos, .text = {}};
    entry.text = std::string(data.substr(0, nl));
    data.remove_prefix(nl == std::string_view::npos ? data.size() : nl + 1);
    std::string line = format_log_line(entry);
    if (max_size_ && size_ + lines.size() + line.size() > max_size_ && size_ + lines.size() > 0) {
      append(lines);
      lines.clear();
      rotate();
    }
    lines += line;
  }
  append(lines);
}

void LogWriter::append(const std::string& lines) {
  if (lines.empty()) return;
  write_all(fd_.get(), lines, path_);
  size_ += lines.size();
}

void LogWriter::rotate() {
  // rename is atomic: a follower holding the old file reads it to its end,
  // then finds the new one at path_.
  if (::rename(path_.c_str(), rotated_log_path(path_).c_str()) != 0) fail_errno("rotate {}", path_);
  fd_ = open_log(path_);
  size_ = 0;
}

std::optional<LogEntry> LogJoiner::add(LogEntry entry) {
  auto& pending = pending_[entry.stream == LogStream::Stdout ? 0 : 1];
  if (pending) {
    pending->text += entry.text;
    pending->partial = entry.partial;
    entry = std::move(*pending);
    pending.reset();
  }
  if (entry.partial) {
    pending = std::move(entry);
    return std::nullopt;
  }
  return entry;
}

std::vector<LogEntry> LogJoiner::finish() {
  std::vector<LogEntry> rest;
  for (auto& pending : pending_) {
    if (pending) rest.push_back(std::move(*pending));
    pending.reset();
  }
  if (rest.size() == 2 && rest[1].time_ns < rest[0].time_ns) std::swap(rest[0], rest[1]);
  return rest;
}

std::vector<LogEntry> read_log(const std::string& path) {
  std::vector<LogEntry> entries;
  LogJoiner joiner;
  LogFollower follower(path);
  follower.poll([&](LogEntry entry) {
    if (auto done = joiner.add(std::move(entry))) entries.push_back(std::move(*done));
  });
  for (auto& rest : joiner.finish()) entries.push_back(std::move(rest));
  return entries;
}

LogFollower::LogFollower(std::string path) : path_(std::move(path)) {}

void LogFollower::read_available(const std::function<void(LogEntry)>& sink) {
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(fd_.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read {}", path_);
    if (n == 0) break;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
  size_t start = 0;
  for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (auto entry = parse_log_line(std::string_view(buffer_).substr(start, nl - start)))
      sink(std::move(*entry));
  }
  buffer_.erase(0, start);
}

void LogFollower::poll(const std::function<void(LogEntry)>& sink) {
  if (!started_) {
    started_ = true;
    UniqueFd old(::open(rotated_log_path(path_).c_str(), O_RDONLY | O_CLOEXEC));
    if (old) {
      std::swap(fd_, old);
      read_available(sink);
      buffer_.clear();
      fd_.reset();
    }
  }
  if (fd_) read_available(sink);
  // Rotated (or created) since we opened it: finish the old file, then go
  // on with the new one from its start.
  struct stat st;
  if (::stat(path_.c_str(), &st) != 0) return;
  if (fd_ && static_cast<uint64_t>(st.st_ino) == inode_) return;
  fd_.reset(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd_) return;
  struct stat opened;
  ::fstat(fd_.get(), &opened);
  inode_ = static_cast<uint64_t>(opened.st_ino);
  buffer_.clear();
  read_available(sink);
}

}  // namespace kayak::monitor

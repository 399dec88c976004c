#include "journal_reader.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

namespace kayak::commands {

namespace {

// MESSAGE is a string, or (for text that is not valid UTF-8) an array of
// byte values.
std::optional<std::string> message_text(const json::Value& value) {
  if (value.is_string()) return value.as_string();
  if (!value.is_array()) return std::nullopt;
  std::string text;
  for (const auto& byte : value.as_array()) {
    if (!byte.is_int()) return std::nullopt;
    text += static_cast<char>(byte.as_int());
  }
  return text;
}

}  // namespace

std::optional<monitor::LogEntry> parse_journal_json(std::string_view line, std::string* cursor) {
  json::Value doc;
  try {
    doc = json::parse(line, "journal entry");
  } catch (const Error&) {
    return std::nullopt;
  }
  if (!doc.is_object()) return std::nullopt;
  auto text = message_text(doc["MESSAGE"]);
  if (!text) return std::nullopt;
  monitor::LogEntry entry;
  entry.text = std::move(*text);
  entry.stream = doc.string_or("PRIORITY") == "3" ? monitor::LogStream::Stderr : monitor::LogStream::Stdout;
  entry.partial = doc.string_or("CONTAINER_PARTIAL_MESSAGE") == "true";
  auto usec = str::parse_int(doc.string_or("__REALTIME_TIMESTAMP"));
  entry.time_ns = usec ? *usec * 1000 : 0;
  if (cursor) *cursor = doc.string_or("__CURSOR");
  return entry;
}

std::string find_journalctl() {
  const char* path = std::getenv("PATH");
  for (const auto& dir : str::split(path ? path : "/usr/bin:/bin", ':')) {
    if (dir.empty()) continue;
    std::string candidate = std::string(dir) + "/journalctl";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

JournalReader::JournalReader(std::string container_id) : container_id_(std::move(container_id)) {
  journalctl_ = find_journalctl();
  if (journalctl_.empty())
    fail("this container logs to the journal (--log-driver journald) and journalctl is not available "
         "to read it back: read it where journald runs with journalctl CONTAINER_ID_FULL={}",
         container_id_);
}

JournalReader::~JournalReader() { stop_child(); }

void JournalReader::stop_child() {
  out_.reset();
  if (child_ > 0) {
    ::kill(child_, SIGTERM);
    int status;
    while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {}
    child_ = -1;
  }
}

void JournalReader::start() {
  std::vector<std::string> args = {journalctl_, "--no-pager", "-o", "json"};
  if (!cursor_.empty()) args.push_back("--after-cursor=" + cursor_);
  args.push_back("CONTAINER_ID_FULL=" + container_id_);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) fail_errno("pipe for journalctl");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) fail_errno("fork journalctl");
  if (pid == 0) {
    ::dup2(write_end.get(), STDOUT_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  child_ = pid;
  out_ = std::move(read_end);
}

void JournalReader::read_available(const std::function<void(monitor::LogEntry)>& sink) {
  char chunk[65536];
  for (;;) {
    ssize_t n = ::read(out_.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail_errno("read from journalctl");
    if (n == 0) break;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
  out_.reset();
  size_t start = 0;
  for (size_t nl; (nl = buffer_.find('\n', start)) != std::string::npos; start = nl + 1) {
    std::string cursor;
    if (auto entry = parse_journal_json(std::string_view(buffer_).substr(start, nl - start), &cursor)) {
      if (!cursor.empty()) cursor_ = cursor;
      sink(std::move(*entry));
    }
  }
  buffer_.clear();
}

void JournalReader::poll(const std::function<void(monitor::LogEntry)>& sink) {
  // Each poll is one journalctl run to its end, after the last entry seen:
  // so when the container has stopped, the last poll surely has everything
  // it wrote (a `journalctl --follow` could still be holding some back).
  start();
  read_available(sink);
  int status = 0;
  while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {}
  child_ = -1;
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1))
    fail("journalctl failed reading the log of {}", container_id_.substr(0, 12));
}

}  // namespace kayak::commands

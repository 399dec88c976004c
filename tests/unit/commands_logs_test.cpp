// `logs` output from a k8s-file log: streams apart, joined partial lines,
// --tail, --since/--until, -t, and -f following a log that grows.
#include "kayak/commands/container_logs.hpp"
#include "kayak/monitor/log_file.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

using namespace kayak;
using namespace kayak::commands;
using monitor::LogStream;

namespace {

constexpr int64_t kT = 1764306000000000000;  // 2025-11-28T05:00:00Z
constexpr int64_t kSecond = 1000000000;

struct Printed {
  std::string out, err;
};

LogsOptions with(std::function<void(LogsOptions&)> set) {
  LogsOptions options;
  set(options);
  return options;
}

Printed print(const std::string& path, const LogsOptions& options, std::function<bool()> running = [] { return false; }) {
  Printed printed;
  print_log_file(
    path, options, [&](std::string_view s) { printed.out += s; }, [&](std::string_view s) { printed.err += s; },
    running);
  return printed;
}

// A log: "one" (t), err "bad" (t+1s), "two" in two pieces (t+2s, t+3s),
// then "tail" without a newline (t+4s).
std::string sample_log(const fs::TempDir& dir) {
  std::string path = dir.path() + "/ctr.log";
  monitor::LogWriter writer(path, 0);
  writer.write(LogStream::Stdout, "one\n", kT);
  writer.write(LogStream::Stderr, "bad\n", kT + kSecond);
  writer.write(LogStream::Stdout, "t", kT + 2 * kSecond);
  writer.write(LogStream::Stdout, "wo\n", kT + 3 * kSecond);
  writer.write(LogStream::Stdout, "tail", kT + 4 * kSecond);
  return path;
}

}  // namespace

TEST_CASE("logs: stdout and stderr apart, pieces joined, the last partial line without a newline") {
  fs::TempDir dir;
  auto printed = print(sample_log(dir), {});
  CHECK(printed.out == "one\ntwo\ntail");
  CHECK(printed.err == "bad\n");
}

TEST_CASE("logs --tail counts whole lines of both streams") {
  fs::TempDir dir;
  std::string path = sample_log(dir);
  CHECK(print(path, with([](auto& o) { o.tail = 2; })).out == "two\ntail");
  CHECK(print(path, with([](auto& o) { o.tail = 3; })).err == "bad\n");
  CHECK(print(path, with([](auto& o) { o.tail = 0; })).out.empty());
  CHECK(parse_tail("all") == std::nullopt);
  CHECK(parse_tail("5") == 5u);
  CHECK(parse_tail("-1") == std::nullopt);
  CHECK_THROWS_AS(parse_tail("five"), Error);
}

TEST_CASE("logs --since/--until filter by the time a line started; -t shows it") {
  fs::TempDir dir;
  std::string path = sample_log(dir);
  LogsOptions since = with([](auto& o) { o.since_ns = kT + kSecond; });
  CHECK(print(path, since).out == "two\ntail");  // "two" began at t+2s
  LogsOptions until = with([](auto& o) { o.until_ns = kT + 2 * kSecond; });
  auto printed = print(path, until);
  CHECK(printed.out == "one\ntwo\n");
  CHECK(printed.err == "bad\n");
  LogsOptions stamps = with([](auto& o) {
    o.timestamps = true;
    o.tail = 1;
  });
  CHECK(print(path, stamps).out == "2025-11-28T05:00:04Z tail");
}

TEST_CASE("logs -f: prints what is appended until the container stops, then the last partial line") {
  fs::TempDir dir;
  std::string path = dir.path() + "/ctr.log";
  monitor::LogWriter writer(path, 0);
  writer.write(LogStream::Stdout, "before\n", kT);
  int polls = 0;
  // The "container" writes one more piece per poll, then stops.
  auto running = [&] {
    ++polls;
    if (polls == 1) writer.write(LogStream::Stdout, "during\npar", kT + kSecond);
    if (polls == 2) writer.write(LogStream::Stdout, "tial\nlast", kT + 2 * kSecond);
    return polls < 3;
  };
  auto printed = print(path, with([](auto& o) { o.follow = true; }), running);
  CHECK(printed.out == "before\nduring\npartial\nlast");
}

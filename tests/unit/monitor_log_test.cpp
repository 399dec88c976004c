// The k8s-file log (writer, reader, joiner, follower, rotation), the
// --since/--until time forms, and the attach protocol's framing.
#include "kayak/monitor/attach_protocol.hpp"
#include "kayak/monitor/log_file.hpp"
#include "kayak/monitor/log_time.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

using namespace kayak;
using namespace kayak::monitor;

namespace {

constexpr int64_t kT = 1764306000123456789;  // 2025-11-28T05:00:00.123456789Z

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    out.push_back(text.substr(start, nl - start));
  return out;
}

}  // namespace

TEST_CASE("log lines: conmon's k8s-file format, both ways") {
  LogEntry entry{.time_ns = kT, .stream = LogStream::Stderr, .partial = true, .text = "no newline"};
  CHECK(format_log_line(entry) == "2025-11-28T05:00:00.123456789Z stderr P no newline\n");
  auto parsed = parse_log_line("2025-11-28T05:00:00.123456789Z stderr P no newline");
  REQUIRE(parsed);
  CHECK(*parsed == entry);

  // Whole seconds keep nine digits, so lines align.
  CHECK(format_log_line({.time_ns = 1764306000000000000, .stream = LogStream::Stdout, .text = "x"}) ==
        "2025-11-28T05:00:00.000000000Z stdout F x\n");
  // An empty line, text with spaces and tabs kept as is, an offset zone.
  CHECK(parse_log_line("2025-11-28T05:00:00.1Z stdout F")->text.empty());
  CHECK(parse_log_line("2025-11-28T05:00:00Z stdout F  two  spaces\t")->text == " two  spaces\t");
  CHECK(parse_log_line("2025-11-28T06:00:00.123456789+01:00 stdout F x")->time_ns == kT);
  CHECK_FALSE(parse_log_line("garbage"));
  CHECK_FALSE(parse_log_line("2025-11-28T05:00:00Z stdin F x"));
  CHECK_FALSE(parse_log_line("2025-11-28T05:00:00Z stdout X x"));
  CHECK_FALSE(parse_log_line("2025-11-28T05:00:00Z stdout Fx"));
}

TEST_CASE("log writer: one line per newline, the rest as a partial line") {
  fs::TempDir dir;
  std::string path = dir.path() + "/ctr.log";
  LogWriter writer(path, 0);
  writer.write(LogStream::Stdout, "one\ntwo\nthr", kT);
  writer.write(LogStream::Stderr, "err\n", kT + 1);
  writer.write(LogStream::Stdout, "ee\n\n", kT + 2);
  auto lines = lines_of(fs::read_file(path));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] == "2025-11-28T05:00:00.123456789Z stdout F one");
  CHECK(lines[2] == "2025-11-28T05:00:00.123456789Z stdout P thr");
  CHECK(lines[3] == "2025-11-28T05:00:00.123456790Z stderr F err");
  CHECK(lines[4] == "2025-11-28T05:00:00.123456791Z stdout F ee");
  CHECK(lines[5] == "2025-11-28T05:00:00.123456791Z stdout F ");

  // The reader joins the partial piece with its stream's next full line,
  // across the other stream's lines in between.
  auto entries = read_log(path);
  REQUIRE(entries.size() == 5);
  CHECK(entries[0].text == "one");
  CHECK(entries[1].text == "two");
  CHECK(entries[2].text == "err");
  CHECK(entries[2].stream == LogStream::Stderr);
  CHECK(entries[3].text == "three");
  CHECK(entries[3].time_ns == kT);  // a joined line keeps its first piece's time
  CHECK(entries[4].text.empty());

  // A missing log is an empty log.
  CHECK(read_log(dir.path() + "/none.log").empty());
}

TEST_CASE("log joiner: a trailing partial line is still shown at the end") {
  LogJoiner joiner;
  CHECK_FALSE(joiner.add({.time_ns = 2, .stream = LogStream::Stderr, .partial = true, .text = "b"}));
  CHECK_FALSE(joiner.add({.time_ns = 1, .stream = LogStream::Stdout, .partial = true, .text = "a"}));
  auto rest = joiner.finish();
  REQUIRE(rest.size() == 2);
  CHECK(rest[0].text == "a");
  CHECK(rest[1].text == "b");
}

TEST_CASE("log rotation: max-size bounds each file, the reader sees both files") {
  fs::TempDir dir;
  std::string path = dir.path() + "/ctr.log";
  // Each line is 31 (time) + 9 + text + 1 bytes: "line-NN" makes 48.
  LogWriter writer(path, 100);
  LogFollower follower(path);
  std::vector<std::string> followed;
  auto follow = [&] {
    follower.poll([&](LogEntry e) { followed.push_back(e.text); });
  };
  for (int i = 0; i < 5; ++i) {
    writer.write(LogStream::Stdout, fmt::format("line-{:02}\n", i), kT + i);
    follow();
  }
  // 2 lines fit in 100 bytes: lines 0-1 rotated away twice, 2-3 in .1, 4 current.
  CHECK(lines_of(fs::read_file(path)).size() == 1);
  CHECK(lines_of(fs::read_file(rotated_log_path(path))).size() == 2);
  CHECK(fs::read_file(path).size() <= 100);
  auto entries = read_log(path);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].text == "line-02");
  CHECK(entries[2].text == "line-04");
  // Polling after every write, the follower saw each line exactly once.
  CHECK(followed == std::vector<std::string>{"line-00", "line-01", "line-02", "line-03", "line-04"});

  // One write larger than the limit rotates between its lines; no file
  // grows past the limit (a follower that is not quick enough misses the
  // file rotated away twice, as with Docker's rotation).
  writer.write(LogStream::Stdout, "a-long-line-1\na-long-line-2\na-long-line-3\n", kT);
  follow();
  CHECK(followed.back() == "a-long-line-3");
  CHECK(lines_of(fs::read_file(rotated_log_path(path))) .size() == 1);
  CHECK(fs::read_file(path).size() <= 100);
}

TEST_CASE("log follower: picks up appended lines and a log created later") {
  fs::TempDir dir;
  std::string path = dir.path() + "/ctr.log";
  LogFollower follower(path);
  std::vector<std::string> seen;
  follower.poll([&](LogEntry e) { seen.push_back(e.text); });
  CHECK(seen.empty());
  LogWriter writer(path, 0);
  writer.write(LogStream::Stdout, "first\n", kT);
  follower.poll([&](LogEntry e) { seen.push_back(e.text); });
  writer.write(LogStream::Stdout, "second\n", kT);
  follower.poll([&](LogEntry e) { seen.push_back(e.text); });
  CHECK(seen == std::vector<std::string>{"first", "second"});
}

TEST_CASE("since/until: durations, RFC 3339, dates and Unix timestamps as Docker takes them") {
  CHECK(parse_go_duration("10m") == 600'000'000'000);
  CHECK(parse_go_duration("1h30m") == 5'400'000'000'000);
  CHECK(parse_go_duration("1.5s") == 1'500'000'000);
  CHECK(parse_go_duration("300ms") == 300'000'000);
  CHECK(parse_go_duration("-2s") == -2'000'000'000);
  CHECK(parse_go_duration("0") == 0);
  CHECK_FALSE(parse_go_duration("10"));
  CHECK_FALSE(parse_go_duration("10x"));
  CHECK_FALSE(parse_go_duration(""));
  CHECK_FALSE(parse_go_duration("m"));

  const int64_t now = kT;
  CHECK(parse_log_time_filter("10m", now) == now - 600'000'000'000);
  CHECK(parse_log_time_filter("2025-11-28T05:00:00.123456789Z", now) == kT);
  CHECK(parse_log_time_filter("2025-11-28T06:00:00+01:00", now) == 1764306000'000000000);
  CHECK(parse_log_time_filter("1764306000", now) == 1764306000'000000000);
  CHECK(parse_log_time_filter("1764306000.5", now) == 1764306000'500000000);
  // Without a zone: local time, as Docker reads it.
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  CHECK(parse_log_time_filter("2025-11-28", now) == 1764288000'000000000);
  CHECK(parse_log_time_filter("2025-11-28T05:00:00", now) == 1764306000'000000000);
  CHECK(parse_log_time_filter("2025-11-28T05:00", now) == 1764306000'000000000);
  CHECK_THROWS_WITH_AS(parse_log_time_filter("yesterday", now),
                       doctest::Contains("invalid time \"yesterday\""), Error);
}

TEST_CASE("attach frames: encoded, split anywhere, decoded") {
  std::string stream = encode_frame(FrameType::Stdout, "hello") + encode_resize(40, 120) +
                       encode_int(FrameType::Exit, 137) + encode_frame(FrameType::CloseStdin, "");
  FrameDecoder decoder;
  std::vector<Frame> frames;
  // Byte by byte: frames come out only when complete.
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    while (auto f = decoder.next()) frames.push_back(*f);
  }
  REQUIRE(frames.size() == 4);
  CHECK(frames[0].type == FrameType::Stdout);
  CHECK(frames[0].payload == "hello");
  CHECK(decode_resize(frames[1].payload) == std::pair<uint16_t, uint16_t>{40, 120});
  CHECK(decode_int(frames[2].payload) == 137);
  CHECK(frames[3].type == FrameType::CloseStdin);
  CHECK_FALSE(decode_int("abc"));

  FrameDecoder bad;
  bad.feed(std::string("\x09\0\0\0\0", 5));
  CHECK_THROWS_AS(bad.next(), Error);
  FrameDecoder huge;
  huge.feed(std::string("\x01\x7f\0\0\0", 5));
  CHECK_THROWS_WITH_AS(huge.next(), doctest::Contains("too large"), Error);
}

// Progress rendering as Docker's jsonmessage display does it.
#include <doctest/doctest.h>

#include "kayak/format/progress.hpp"

#include <string>

using namespace kayak::format;

TEST_CASE("progress: bar, counts and time left") {
  CHECK(progress_bar(0, 0, 200) == "");
  CHECK(progress_bar(0, 3600000, 200) ==
        "[>                                                  ]       0B/3.6MB");
  CHECK(progress_bar(1200000, 3600000, 200) ==
        "[================>                                  ]    1.2MB/3.6MB");
  CHECK(progress_bar(3600000, 3600000, 200) ==
        "[==================================================>]    3.6MB/3.6MB");
  // Narrow terminals lose the bar, then the time left.
  CHECK(progress_bar(1200000, 3600000, 100, 1000, 1002) == "   1.2MB/3.6MB 3s");
  CHECK(progress_bar(1200000, 3600000, 40, 1000, 1002) == "   1.2MB/3.6MB");
  CHECK(progress_bar(45123456, 90246912, 120, 1000, 1030) ==
        "[=========================>                         ]  45.12MB/90.25MB 29s");
  // A wonky current beyond the total, and an unknown total.
  CHECK(progress_bar(5000, 4000, 80) == "     5kB");
  CHECK(progress_bar(5000, -1, 80) == "     5kB");
  // Complete: no time left.
  CHECK(progress_bar(4000, 4000, 80, 1000, 1010) == "     4kB/4kB");
}

TEST_CASE("progress: Go durations") {
  CHECK(go_duration_seconds(0) == "0s");
  CHECK(go_duration_seconds(-3) == "0s");
  CHECK(go_duration_seconds(45) == "45s");
  CHECK(go_duration_seconds(65) == "1m5s");
  CHECK(go_duration_seconds(3603) == "1h0m3s");
}

TEST_CASE("progress: plain lines leave out the counts") {
  std::string out;
  ProgressDisplay display([&](std::string_view s) { out += s; }, false);
  display.line("latest: Pulling from library/nginx");
  display.status("a2abf6c4d29d", "Pulling fs layer");
  display.status("a9edb18cadd1", "Pulling fs layer");
  display.status("a9edb18cadd1", "Waiting");
  display.progress("a2abf6c4d29d", "Downloading", 100, 1000);
  display.status("a2abf6c4d29d", "Verifying Checksum");
  display.status("a2abf6c4d29d", "Download complete");
  display.progress("a2abf6c4d29d", "Extracting", 100, 1000);
  display.status("a2abf6c4d29d", "Pull complete");
  display.line("Digest: sha256:0123");
  CHECK(out ==
        "latest: Pulling from library/nginx\n"
        "a2abf6c4d29d: Pulling fs layer\n"
        "a9edb18cadd1: Pulling fs layer\n"
        "a9edb18cadd1: Waiting\n"
        "a2abf6c4d29d: Verifying Checksum\n"
        "a2abf6c4d29d: Download complete\n"
        "a2abf6c4d29d: Pull complete\n"
        "Digest: sha256:0123\n");
}

TEST_CASE("progress: a terminal rewrites each ID's line in place") {
  std::string out;
  ProgressDisplay display([&](std::string_view s) { out += s; }, true, 200);
  display.line("latest: Pulling from library/nginx");
  display.status("aaaaaaaaaaaa", "Pulling fs layer");
  CHECK(out == "latest: Pulling from library/nginx\n"
               "\n\x1b[1A\x1b[2K\raaaaaaaaaaaa: Pulling fs layer \r\x1b[1B");
  out.clear();
  display.status("bbbbbbbbbbbb", "Pulling fs layer");
  CHECK(out == "\n\x1b[1A\x1b[2K\rbbbbbbbbbbbb: Pulling fs layer \r\x1b[1B");
  out.clear();
  // The first ID's line is two up from the cursor.
  display.progress("aaaaaaaaaaaa", "Downloading", 1800000, 3600000);
  CHECK(out == "\x1b[2A\x1b[2K\raaaaaaaaaaaa: Downloading "
               "[=========================>                         ]    1.8MB/3.6MB\r\x1b[2B");
  out.clear();
  // A line without an ID starts a new block: the same ID gets a new line.
  display.line("Digest: sha256:0123");
  display.status("aaaaaaaaaaaa", "Pull complete");
  CHECK(out == "Digest: sha256:0123\n\n\x1b[1A\x1b[2K\raaaaaaaaaaaa: Pull complete \r\x1b[1B");
}

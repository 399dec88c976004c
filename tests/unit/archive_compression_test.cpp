// Compression detection and DecompressingReader: real compressed data made
// by the system's gzip/bzip2/xz/zstd tools and by libarchive's writer.
#include "archive_test_support.hpp"

#include "kayak/archive/compression.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

#include <archive.h>
#include <archive_entry.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <sys/wait.h>

using namespace kayak;
using namespace kayak::archive;
using kayak::test::StringReader;

namespace {

std::string read_all(Reader& r, size_t bufsize = 1000) {
  std::string out;
  std::string buf(bufsize, '\0');
  while (size_t n = r.read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

// Runs `tool` as a filter over data (through files; the data is small).
std::string run_filter(const std::string& command, const std::string& data) {
  fs::TempDir dir;
  std::string in = dir.path() + "/in", out = dir.path() + "/out";
  fs::write_file_atomic(in, data);
  std::string cmd = command + " < " + in + " > " + out;
  int status = std::system(cmd.c_str());
  REQUIRE_MESSAGE(WIFEXITED(status), cmd);
  REQUIRE_MESSAGE(WEXITSTATUS(status) == 0, cmd);
  return fs::read_file(out);
}

std::string sample_data(size_t size) {
  std::mt19937 rng(42);
  std::string s;
  s.reserve(size);
  // Half compressible text, half random bytes.
  while (s.size() < size) {
    if ((s.size() / 4096) % 2) {
      s.push_back(static_cast<char>(rng()));
    } else {
      s += "layer data line " + std::to_string(s.size()) + "\n";
    }
  }
  s.resize(size);
  return s;
}

std::string libarchive_compress(const std::string& data, int (*add_filter)(struct archive*)) {
  struct archive* a = archive_write_new();
  REQUIRE(add_filter(a) == ARCHIVE_OK);
  REQUIRE(archive_write_set_format_raw(a) == ARCHIVE_OK);
  std::vector<char> buf(data.size() + 65536);
  size_t used = 0;
  REQUIRE(archive_write_open_memory(a, buf.data(), buf.size(), &used) == ARCHIVE_OK);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_pathname(e, "data");
  REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
  REQUIRE(archive_write_data(a, data.data(), data.size()) == static_cast<la_ssize_t>(data.size()));
  archive_entry_free(e);
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  archive_write_free(a);
  return std::string(buf.data(), used);
}

}  // namespace

TEST_CASE("compression: detection by magic bytes") {
  CHECK(detect_compression("\x1f\x8b\x08", 3) == Compression::Gzip);
  CHECK(detect_compression("BZh91AY", 7) == Compression::Bzip2);
  CHECK(detect_compression("\xfd" "7zXZ\0", 6) == Compression::Xz);
  CHECK(detect_compression("\xfd" "7zXZ", 5) == Compression::None);
  CHECK(detect_compression("\x28\xb5\x2f\xfd\x00", 5) == Compression::Zstd);
  CHECK(detect_compression("\x1f", 1) == Compression::None);
  CHECK(detect_compression("", 0) == Compression::None);
  CHECK(detect_compression("ustar", 5) == Compression::None);
  CHECK(std::string(compression_name(Compression::Zstd)) == "zstd");
  CHECK(std::string(compression_name(Compression::None)) == "none");
}

TEST_CASE("compression: plain data passes through unchanged") {
  for (size_t size : {0, 1, 3, 6, 7, 100000}) {
    std::string data = sample_data(size);
    StringReader in(data, 5);
    DecompressingReader r(in, "plain");
    CHECK(r.compression() == Compression::None);
    CHECK(read_all(r, 7) == data);
  }
}

TEST_CASE("compression: round trips through the system tools") {
  std::string data = sample_data(3 << 20);
  struct Tool {
    const char* command;
    Compression kind;
  };
  for (Tool t : {Tool{"gzip -c", Compression::Gzip}, Tool{"bzip2 -c", Compression::Bzip2},
                 Tool{"xz -c -T1", Compression::Xz}, Tool{"zstd -q -c", Compression::Zstd}}) {
    CAPTURE(t.command);
    std::string packed = run_filter(t.command, data);
    CHECK(detect_compression(packed.data(), packed.size()) == t.kind);
    StringReader in(packed, 4000);
    DecompressingReader r(in, "layer.tar");
    CHECK(r.compression() == t.kind);
    CHECK(read_all(r, 1 << 16) == data);
  }
}

TEST_CASE("compression: round trips through libarchive's writers") {
  std::string data = sample_data(200000);
  for (auto add : {&archive_write_add_filter_gzip, &archive_write_add_filter_bzip2, &archive_write_add_filter_xz,
                   &archive_write_add_filter_zstd}) {
    std::string packed = libarchive_compress(data, add);
    StringReader in(packed);
    DecompressingReader r(in, "blob");
    CHECK(r.compression() != Compression::None);
    CHECK(read_all(r) == data);
  }
}

TEST_CASE("compression: empty compressed streams and concatenated gzip members") {
  StringReader empty(run_filter("gzip -c", ""));
  DecompressingReader r(empty, "empty.gz");
  CHECK(r.compression() == Compression::Gzip);
  CHECK(read_all(r).empty());

  std::string both = run_filter("gzip -c", "first ") + run_filter("gzip -c", "second");
  StringReader in(both);
  DecompressingReader r2(in, "two.gz");
  CHECK(read_all(r2) == "first second");
}

TEST_CASE("compression: truncated or corrupt streams are errors naming the stream") {
  std::string data = sample_data(500000);
  for (const char* tool : {"gzip -c", "bzip2 -c", "xz -c", "zstd -q -c"}) {
    CAPTURE(tool);
    std::string packed = run_filter(tool, data);
    for (size_t cut : {packed.size() / 2, packed.size() - 1, size_t{10}}) {
      CAPTURE(cut);
      StringReader in(packed.substr(0, cut));
      CHECK_THROWS_WITH_AS(
        {
          DecompressingReader r(in, "layer sha256:abc");
          read_all(r);
        },
        doctest::Contains("layer sha256:abc"), Error);
    }
    std::string corrupt = packed;
    for (size_t i = 40; i < 60 && i < corrupt.size(); ++i) corrupt[i] = static_cast<char>(~corrupt[i]);
    StringReader in(corrupt);
    CHECK_THROWS_AS(
      {
        DecompressingReader r(in, "corrupt");
        read_all(r);
      },
      Error);
  }
}

TEST_CASE("compression: errors from the inner reader propagate as themselves") {
  class Failing : public Reader {
  public:
    explicit Failing(std::string head) : head_(std::move(head)) {}
    size_t read(void* buf, size_t n) override {
      if (sent_) throw Error("network dropped");
      sent_ = true;
      size_t k = std::min(n, head_.size());
      std::memcpy(buf, head_.data(), k);
      return k;
    }

  private:
    std::string head_;
    bool sent_ = false;
  };
  std::string packed = run_filter("gzip -c", sample_data(100000));
  Failing in(packed.substr(0, 1000));
  CHECK_THROWS_WITH_AS(
    {
      DecompressingReader r(in, "x");
      read_all(r);
    },
    "network dropped", Error);
}

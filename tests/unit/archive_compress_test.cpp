#include "kayak/archive/compress.hpp"
#include "kayak/archive/compression.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/stream.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using namespace kayak;
using namespace kayak::archive;

namespace {

struct StringReader : Reader {
  std::string data;
  size_t pos = 0;
  size_t read(void* buf, size_t n) override {
    n = std::min(n, data.size() - pos);
    std::memcpy(buf, data.data() + pos, n);
    pos += n;
    return n;
  }
};
struct StringWriter : Writer {
  std::string data;
  void write(const void* buf, size_t n) override { data.append(static_cast<const char*>(buf), n); }
};

std::string compress(const std::string& input, Compression c) {
  StringReader in;
  in.data = input;
  StringWriter out;
  compress_stream(in, out, c, "test");
  return out.data;
}

std::string decompress(const std::string& input) {
  StringReader in;
  in.data = input;
  DecompressingReader plain(in, "test");
  std::string out;
  char buf[4096];
  for (size_t n; (n = plain.read(buf, sizeof buf)) > 0;) out.append(buf, n);
  return out;
}

}  // namespace

TEST_CASE("compress_stream: gzip and zstd round-trip, deterministically") {
  std::string input;
  for (int i = 0; i < 300000; ++i) input += static_cast<char>('a' + (i * 7) % 26);
  for (Compression c : {Compression::Gzip, Compression::Zstd}) {
    std::string packed = compress(input, c);
    CHECK(detect_compression(packed.data(), packed.size()) == c);
    CHECK(packed.size() < input.size());
    CHECK(decompress(packed) == input);
    CHECK(compress(input, c) == packed);  // no timestamp in the output
  }
  CHECK(decompress(compress("", Compression::Gzip)).empty());
  CHECK_THROWS_AS(compress("x", Compression::Bzip2), Error);
}

#include "kayak/util/stream.hpp"

#include "kayak/util/error.hpp"

#include <unistd.h>

#include <vector>

namespace kayak {

size_t FdReader::read(void* buf, size_t n) {
  for (;;) {
    ssize_t got = ::read(fd_, buf, n);
    if (got >= 0) return static_cast<size_t>(got);
    if (errno != EINTR) fail_errno("read {}", name_);
  }
}

void FdWriter::write(const void* buf, size_t n) { write_all(fd_, buf, n, name_); }

size_t HashingReader::read(void* buf, size_t n) {
  size_t got = inner_.read(buf, n);
  hash_.update(buf, got);
  bytes_ += got;
  return got;
}

uint64_t drain(Reader& reader) {
  std::vector<char> buf(1 << 16);
  uint64_t total = 0;
  while (size_t n = reader.read(buf.data(), buf.size())) total += n;
  return total;
}

uint64_t copy_stream(Reader& reader, Writer& writer) {
  std::vector<char> buf(1 << 17);
  uint64_t total = 0;
  while (size_t n = reader.read(buf.data(), buf.size())) {
    writer.write(buf.data(), n);
    total += n;
  }
  return total;
}

void write_all(int fd, const void* buf, size_t n, const std::string& what) {
  const char* p = static_cast<const char*>(buf);
  while (n > 0) {
    ssize_t put = ::write(fd, p, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      fail_errno("write {}", what);
    }
    p += put;
    n -= static_cast<size_t>(put);
  }
}

}  // namespace kayak

// Compression detected by magic bytes (never by file name), and a reader
// that undoes it: gzip, bzip2, xz, zstd, or none.
#pragma once

#include "kayak/util/stream.hpp"

#include <memory>
#include <string>

namespace kayak::archive {

enum class Compression { None, Gzip, Bzip2, Xz, Zstd };

// Looks at up to the first 6 bytes.
Compression detect_compression(const void* data, size_t size);
const char* compression_name(Compression c);  // "none", "gzip", "bzip2", "xz", "zstd"

// Yields the decompressed bytes of `inner`, whatever of the formats above it
// is in (plain data passes through untouched). Streams: memory use does not
// grow with the data. Concatenated gzip members are read as one stream, as
// gzip does; bytes after the last member that do not start another are
// ignored. A truncated or corrupt stream throws kayak::Error naming `name`;
// errors from `inner` propagate as they are.
class DecompressingReader : public Reader {
public:
  DecompressingReader(Reader& inner, std::string name);
  ~DecompressingReader() override;
  size_t read(void* buf, size_t n) override;
  Compression compression() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kayak::archive

// Byte streams: the small interface every layer, blob and archive flows
// through, so hashing, decompression and extraction can be chained without
// buffering whole files.
#pragma once

#include "kayak/util/fd.hpp"
#include "kayak/util/sha256.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace kayak {

class Reader {
public:
  virtual ~Reader() = default;
  // Reads up to n bytes; 0 at end of stream. Throws kayak::Error on failure.
  virtual size_t read(void* buf, size_t n) = 0;
};

class Writer {
public:
  virtual ~Writer() = default;
  // Writes all n bytes or throws.
  virtual void write(const void* buf, size_t n) = 0;
};

// Reads a file descriptor it does not own (or owns, when given a UniqueFd).
class FdReader : public Reader {
public:
  FdReader(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  FdReader(UniqueFd fd, std::string name) : owned_(std::move(fd)), fd_(owned_.get()), name_(std::move(name)) {}
  size_t read(void* buf, size_t n) override;

private:
  UniqueFd owned_;
  int fd_;
  std::string name_;
};

class FdWriter : public Writer {
public:
  FdWriter(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  void write(const void* buf, size_t n) override;

private:
  int fd_;
  std::string name_;
};

// Passes bytes through while hashing and counting them.
class HashingReader : public Reader {
public:
  explicit HashingReader(Reader& inner) : inner_(inner) {}
  size_t read(void* buf, size_t n) override;
  uint64_t bytes() const { return bytes_; }
  // "sha256:<hex>"; call once, after the stream is drained.
  std::string digest() { return hash_.digest(); }

private:
  Reader& inner_;
  Sha256 hash_;
  uint64_t bytes_ = 0;
};

// Reads everything that is left (to hash or to check a stream's length).
uint64_t drain(Reader& reader);
// Copies all of reader into writer; returns the byte count.
uint64_t copy_stream(Reader& reader, Writer& writer);
// Writes all of buf to fd or throws, naming `what`.
void write_all(int fd, const void* buf, size_t n, const std::string& what);

}  // namespace kayak

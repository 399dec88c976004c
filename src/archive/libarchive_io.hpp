// Plumbing between libarchive and kayak streams: libarchive pulls its input
// from a kayak::Reader and pushes its output to a kayak::Writer through C
// callbacks. libarchive is C, so an exception must never unwind through it:
// the callbacks catch, stash the exception, report a failure to libarchive,
// and throw_error() rethrows the original once control is back in C++.
#pragma once

#include "kayak/util/stream.hpp"

#include <archive.h>

#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::archive::detail {

struct ArchiveReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
struct ArchiveWriteFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
using ArchiveReadPtr = std::unique_ptr<struct archive, ArchiveReadFree>;
using ArchiveWritePtr = std::unique_ptr<struct archive, ArchiveWriteFree>;

// Large blocks: fewer callbacks and bigger decompressor/tar chunks.
inline constexpr size_t kIoBlock = 1 << 20;

class ReaderSource {
public:
  // `prefix` is delivered before anything read from `in` (bytes already
  // consumed to sniff the stream).
  ReaderSource(Reader& in, std::string prefix = {}, size_t block = kIoBlock);

  // archive_read_open on this source; returns libarchive's status.
  int open(struct archive* a);
  // Reads `in` to its end, so a hashing reader underneath sees every byte.
  void drain_rest();

  // Rethrows the reader's own exception if one was stashed (a read error
  // is better reported as itself than as libarchive's "read failed").
  void rethrow_reader_error();
  // rethrow_reader_error(), else kayak::Error "<context>: <libarchive's message>".
  [[noreturn]] void throw_error(struct archive* a, std::string_view context);

private:
  static la_ssize_t read_cb(struct archive* a, void* self, const void** buf);

  Reader& in_;
  std::string prefix_;
  bool prefix_sent_ = false;
  bool eof_ = false;
  std::vector<char> buf_;
  std::exception_ptr error_;
};

class WriterSink {
public:
  explicit WriterSink(Writer& out) : out_(out) {}
  int open(struct archive* a);
  [[noreturn]] void throw_error(struct archive* a, std::string_view context);
  // From now on output is dropped: freeing an archive closes it, which
  // would write a trailer nobody asked for.
  void abandon() { abandoned_ = true; }

private:
  static la_ssize_t write_cb(struct archive* a, void* self, const void* buf, size_t n);

  Writer& out_;
  std::exception_ptr error_;
  bool abandoned_ = false;
};

// libarchive's message for the last failure, or a generic one.
std::string archive_message(struct archive* a);

}  // namespace kayak::archive::detail

#include "libarchive_io.hpp"

#include "kayak/util/error.hpp"

#include <cstring>

namespace kayak::archive::detail {

std::string archive_message(struct archive* a) {
  const char* msg = a ? archive_error_string(a) : nullptr;
  return msg && *msg ? msg : "unknown libarchive error";
}

ReaderSource::ReaderSource(Reader& in, std::string prefix, size_t block)
  : in_(in), prefix_(std::move(prefix)), buf_(block) {}

la_ssize_t ReaderSource::read_cb(struct archive* a, void* self_ptr, const void** buf) {
  auto* self = static_cast<ReaderSource*>(self_ptr);
  if (!self->prefix_sent_) {
    self->prefix_sent_ = true;
    if (!self->prefix_.empty()) {
      *buf = self->prefix_.data();
      return static_cast<la_ssize_t>(self->prefix_.size());
    }
  }
  if (self->eof_) return 0;
  try {
    size_t n = self->in_.read(self->buf_.data(), self->buf_.size());
    if (n == 0) self->eof_ = true;
    *buf = self->buf_.data();
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    self->error_ = std::current_exception();
    archive_set_error(a, EIO, "read failed");
    return -1;
  }
}

int ReaderSource::open(struct archive* a) {
  return archive_read_open(a, this, nullptr, &ReaderSource::read_cb, nullptr);
}

void ReaderSource::rethrow_reader_error() {
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

void ReaderSource::drain_rest() {
  if (eof_ || error_) return;
  while (in_.read(buf_.data(), buf_.size()) > 0) {
  }
  eof_ = true;
}

void ReaderSource::throw_error(struct archive* a, std::string_view context) {
  rethrow_reader_error();
  fail("{}: {}", context, archive_message(a));
}

la_ssize_t WriterSink::write_cb(struct archive* a, void* self_ptr, const void* buf, size_t n) {
  auto* self = static_cast<WriterSink*>(self_ptr);
  if (self->abandoned_) return static_cast<la_ssize_t>(n);
  try {
    self->out_.write(buf, n);
    return static_cast<la_ssize_t>(n);
  } catch (...) {
    self->error_ = std::current_exception();
    archive_set_error(a, EIO, "write failed");
    return -1;
  }
}

int WriterSink::open(struct archive* a) {
  return archive_write_open(a, this, nullptr, &WriterSink::write_cb, nullptr);
}

void WriterSink::throw_error(struct archive* a, std::string_view context) {
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  fail("{}: {}", context, archive_message(a));
}

}  // namespace kayak::archive::detail

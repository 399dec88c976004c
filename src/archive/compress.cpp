// compress_stream: libarchive's "raw" format (one entry, no container
// around it) with a compression filter, which is what libarchive offers
// for compressing a bare stream.
#include "kayak/archive/compress.hpp"

#include "libarchive_io.hpp"
#include "kayak/util/error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <memory>
#include <vector>

namespace kayak::archive {

namespace {

struct EntryFree {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

}  // namespace

void compress_stream(Reader& in, Writer& out, Compression c, const std::string& name) {
  detail::ArchiveWritePtr a(archive_write_new());
  if (!a) fail("{}: cannot set up compression", name);
  detail::WriterSink sink(out);
  int rc = archive_write_set_format_raw(a.get());
  if (rc == ARCHIVE_OK) {
    if (c == Compression::Gzip) {
      rc = archive_write_add_filter_gzip(a.get());
      // No mtime in the header: the same input always gives the same blob.
      if (rc == ARCHIVE_OK) rc = archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr);
    } else if (c == Compression::Zstd) {
      rc = archive_write_add_filter_zstd(a.get());
    } else {
      fail("{}: cannot compress with {}", name, compression_name(c));
    }
  }
  // No padding of the last block: the blob is the compressed bytes only.
  if (rc == ARCHIVE_OK) rc = archive_write_set_bytes_per_block(a.get(), static_cast<int>(detail::kIoBlock));
  if (rc == ARCHIVE_OK) rc = archive_write_set_bytes_in_last_block(a.get(), 1);
  if (rc != ARCHIVE_OK || sink.open(a.get()) != ARCHIVE_OK) sink.throw_error(a.get(), name + ": compress");

  std::unique_ptr<struct archive_entry, EntryFree> entry(archive_entry_new());
  archive_entry_set_pathname(entry.get(), "layer");
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0644);
  if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) sink.throw_error(a.get(), name + ": compress");

  std::vector<char> buf(detail::kIoBlock);
  for (;;) {
    size_t n = in.read(buf.data(), buf.size());
    if (n == 0) break;
    if (archive_write_data(a.get(), buf.data(), n) < 0) sink.throw_error(a.get(), name + ": compress");
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) sink.throw_error(a.get(), name + ": compress");
}

}  // namespace kayak::archive

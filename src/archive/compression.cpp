#include "kayak/archive/compression.hpp"

#include "libarchive_io.hpp"

#include "kayak/util/error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>

namespace kayak::archive {

namespace {

bool starts_with(const void* data, size_t size, const char* magic, size_t magic_size) {
  return size >= magic_size && std::memcmp(data, magic, magic_size) == 0;
}

// Enables exactly the filter the magic bytes named, so a compressed stream
// that happens to hold another compressed stream is undone only once.
int enable_filter(struct archive* a, Compression c) {
  switch (c) {
    case Compression::Gzip: return archive_read_support_filter_gzip(a);
    case Compression::Bzip2: return archive_read_support_filter_bzip2(a);
    case Compression::Xz: return archive_read_support_filter_xz(a);
    case Compression::Zstd: return archive_read_support_filter_zstd(a);
    case Compression::None: break;
  }
  return ARCHIVE_OK;
}

}  // namespace

Compression detect_compression(const void* data, size_t size) {
  if (starts_with(data, size, "\x1f\x8b", 2)) return Compression::Gzip;
  if (starts_with(data, size, "BZh", 3)) return Compression::Bzip2;
  if (starts_with(data, size, "\xfd" "7zXZ\0", 6)) return Compression::Xz;
  if (starts_with(data, size, "\x28\xb5\x2f\xfd", 4)) return Compression::Zstd;
  return Compression::None;
}

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::None: return "none";
    case Compression::Gzip: return "gzip";
    case Compression::Bzip2: return "bzip2";
    case Compression::Xz: return "xz";
    case Compression::Zstd: return "zstd";
  }
  return "unknown";
}

struct DecompressingReader::Impl {
  Reader& inner;
  std::string name;
  Compression compression = Compression::None;
  // Bytes read to sniff the magic; handed out first.
  std::string head;
  size_t head_pos = 0;
  // Only for compressed input: libarchive's filter with the raw format.
  std::unique_ptr<detail::ReaderSource> source;
  detail::ArchiveReadPtr archive;
  bool done = false;

  Impl(Reader& in, std::string n) : inner(in), name(std::move(n)) {}

  [[noreturn]] void corrupt() {
    source->rethrow_reader_error();
    fail("{}: corrupt or truncated {} data: {}", name, compression_name(compression),
         detail::archive_message(archive.get()));
  }

  void start_decompression() {
    archive.reset(archive_read_new());
    if (!archive) fail("{}: out of memory", name);
    struct archive* a = archive.get();
    if (enable_filter(a, compression) < ARCHIVE_WARN || archive_read_support_format_raw(a) != ARCHIVE_OK ||
        archive_read_support_format_empty(a) != ARCHIVE_OK) {
      fail("{}: {} decompression unavailable: {}", name, compression_name(compression), detail::archive_message(a));
    }
    source = std::make_unique<detail::ReaderSource>(inner, std::move(head));
    head.clear();
    if (source->open(a) != ARCHIVE_OK) corrupt();
    struct archive_entry* entry = nullptr;
    int r = archive_read_next_header(a, &entry);
    if (r < ARCHIVE_WARN) corrupt();
    // When the filter refuses the stream (say, a gzip header cut short),
    // libarchive would silently hand out the compressed bytes as they are.
    if (archive_filter_count(a) < 2) {
      source->rethrow_reader_error();
      fail("{}: corrupt or truncated {} data", name, compression_name(compression));
    }
    if (r == ARCHIVE_EOF) done = true;
  }
};

DecompressingReader::DecompressingReader(Reader& inner, std::string name)
  : impl_(std::make_unique<Impl>(inner, std::move(name))) {
  // Sniff the longest magic (xz, 6 bytes); short reads are allowed.
  char magic[6];
  size_t have = 0;
  while (have < sizeof magic) {
    size_t n = inner.read(magic + have, sizeof magic - have);
    if (n == 0) break;
    have += n;
  }
  impl_->head.assign(magic, have);
  impl_->compression = detect_compression(magic, have);
  if (impl_->compression != Compression::None) impl_->start_decompression();
}

DecompressingReader::~DecompressingReader() = default;

Compression DecompressingReader::compression() const { return impl_->compression; }

size_t DecompressingReader::read(void* buf, size_t n) {
  Impl& s = *impl_;
  if (n == 0) return 0;
  if (s.compression == Compression::None) {
    // Plain data: no copy through libarchive at all.
    if (s.head_pos < s.head.size()) {
      size_t k = std::min(n, s.head.size() - s.head_pos);
      std::memcpy(buf, s.head.data() + s.head_pos, k);
      s.head_pos += k;
      return k;
    }
    return s.inner.read(buf, n);
  }
  if (s.done) return 0;
  la_ssize_t got = archive_read_data(s.archive.get(), buf, n);
  if (got < 0) s.corrupt();
  if (got == 0) s.done = true;
  return static_cast<size_t>(got);
}

}  // namespace kayak::archive

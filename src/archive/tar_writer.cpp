#include "kayak/archive/tar_writer.hpp"

#include "libarchive_io.hpp"

#include "kayak/util/error.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <vector>

namespace kayak::archive {

struct TarWriter::Impl {
  detail::WriterSink sink;
  detail::ArchiveWritePtr archive;
  struct archive_entry* entry = nullptr;
  std::vector<char> buf;
  bool finished = false;

  explicit Impl(Writer& out) : sink(out), archive(archive_write_new()), entry(archive_entry_new()) {
    if (!archive || !entry) fail("out of memory");
    struct archive* a = archive.get();
    // pax restricted: plain ustar headers unless a name, ID or xattr needs
    // an extended header (as Go's archive/tar, and so Docker, write them).
    // Big blocks mean few writes; the last block is not padded, so the
    // output ends right after the two zero records.
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, static_cast<int>(detail::kIoBlock)) != ARCHIVE_OK ||
        archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK) {
      fail("set up tar writer: {}", detail::archive_message(a));
    }
    if (sink.open(a) != ARCHIVE_OK) sink.throw_error(a, "write tar");
  }

  ~Impl() {
    if (!finished) sink.abandon();
    archive.reset();
    archive_entry_free(entry);
  }

  // Fills the reused entry; the name is taken as UTF-8 when it is (so a
  // pax "path" record carries it), else as raw bytes.
  void prepare(std::string_view name, mode_t type, const Meta& meta, int64_t size) {
    archive_entry_clear(entry);
    std::string n(name);
    if (!archive_entry_update_pathname_utf8(entry, n.c_str())) archive_entry_copy_pathname(entry, n.c_str());
    archive_entry_set_filetype(entry, type);
    archive_entry_set_perm(entry, meta.mode & 07777);
    archive_entry_set_mtime(entry, meta.mtime, 0);
    archive_entry_set_uid(entry, meta.uid);
    archive_entry_set_gid(entry, meta.gid);
    archive_entry_set_size(entry, size);
    for (const auto& [key, value] : meta.xattrs) {
      archive_entry_xattr_add_entry(entry, key.c_str(), value.data(), value.size());
    }
  }

  void write_header(std::string_view name) {
    if (finished) fail("internal error: tar entry {} added after finish", name);
    // ARCHIVE_WARN: a name that is not UTF-8, written with hdrcharset=BINARY.
    if (archive_write_header(archive.get(), entry) < ARCHIVE_WARN) {
      sink.throw_error(archive.get(), fmt::format("write tar entry {}", name));
    }
  }

  void write_data(std::string_view name, const void* data, size_t size) {
    la_ssize_t put = archive_write_data(archive.get(), data, size);
    if (put < 0 || static_cast<size_t>(put) != size) {
      sink.throw_error(archive.get(), fmt::format("write tar entry {}", name));
    }
  }
};

TarWriter::TarWriter(Writer& out) : impl_(std::make_unique<Impl>(out)) {}

TarWriter::~TarWriter() = default;

void TarWriter::add_directory(std::string_view name, const Meta& meta) {
  std::string n(name);
  if (n.empty() || n.back() != '/') n.push_back('/');
  impl_->prepare(n, AE_IFDIR, meta, 0);
  impl_->write_header(n);
}

void TarWriter::add_file(std::string_view name, std::string_view content, const Meta& meta) {
  impl_->prepare(name, AE_IFREG, meta, static_cast<int64_t>(content.size()));
  impl_->write_header(name);
  if (!content.empty()) impl_->write_data(name, content.data(), content.size());
}

void TarWriter::add_file(std::string_view name, Reader& content, uint64_t size, const Meta& meta) {
  impl_->prepare(name, AE_IFREG, meta, static_cast<int64_t>(size));
  impl_->write_header(name);
  auto& buf = impl_->buf;
  if (buf.empty()) buf.resize(detail::kIoBlock);
  uint64_t left = size;
  while (left > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    size_t got = content.read(buf.data(), want);
    if (got == 0) fail("{}: content is shorter than its size ({} bytes missing of {})", name, left, size);
    impl_->write_data(name, buf.data(), got);
    left -= got;
  }
  // The header promised exactly `size` bytes: more is a changed source.
  char extra;
  if (content.read(&extra, 1) != 0) fail("{}: content is longer than its size ({} bytes)", name, size);
}

void TarWriter::add_symlink(std::string_view name, std::string_view target, const Meta& meta) {
  impl_->prepare(name, AE_IFLNK, meta, 0);
  std::string t(target);
  if (!archive_entry_update_symlink_utf8(impl_->entry, t.c_str())) archive_entry_copy_symlink(impl_->entry, t.c_str());
  impl_->write_header(name);
}

void TarWriter::add_hardlink(std::string_view name, std::string_view target, const Meta& meta) {
  impl_->prepare(name, AE_IFREG, meta, 0);
  std::string t(target);
  if (!archive_entry_update_hardlink_utf8(impl_->entry, t.c_str())) {
    archive_entry_copy_hardlink(impl_->entry, t.c_str());
  }
  archive_entry_set_size(impl_->entry, 0);
  impl_->write_header(name);
}

void TarWriter::add_node(std::string_view name, uint32_t type, uint64_t rdev, const Meta& meta) {
  if (type != AE_IFIFO && type != AE_IFCHR && type != AE_IFBLK) fail("tar entry {}: not a fifo or device", name);
  impl_->prepare(name, type, meta, 0);
  if (type != AE_IFIFO) archive_entry_set_rdev(impl_->entry, static_cast<dev_t>(rdev));
  impl_->write_header(name);
}

void TarWriter::finish() {
  if (impl_->finished) return;
  if (archive_write_close(impl_->archive.get()) != ARCHIVE_OK) impl_->sink.throw_error(impl_->archive.get(), "write tar");
  impl_->finished = true;
}

}  // namespace kayak::archive

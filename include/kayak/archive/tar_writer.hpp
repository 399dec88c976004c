// Writing tar streams: a whole directory as a layer (converting the
// driver's whiteouts back to ".wh." entries), and single entries for
// image archives (docker-archive, oci-archive).
#pragma once

#include "kayak/archive/extract.hpp"
#include "kayak/util/stream.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kayak::archive {

// Streams a POSIX (pax) tar to a Writer, one entry at a time.
class TarWriter {
public:
  explicit TarWriter(Writer& out);
  ~TarWriter();
  TarWriter(const TarWriter&) = delete;
  TarWriter& operator=(const TarWriter&) = delete;

  struct Meta {
    uint32_t mode = 0644;
    int64_t mtime = 0;  // seconds since the epoch
    uint32_t uid = 0;
    uint32_t gid = 0;
    // Extended attributes (name, value), written as pax SCHILY.xattr records.
    std::vector<std::pair<std::string, std::string>> xattrs = {};
  };
  // Directory names get a trailing "/" (as Docker writes them).
  void add_directory(std::string_view name, const Meta& meta);
  void add_file(std::string_view name, std::string_view content, const Meta& meta);
  // Streams `size` bytes from reader; throws if it yields more or fewer.
  void add_file(std::string_view name, Reader& content, uint64_t size, const Meta& meta);
  void add_symlink(std::string_view name, std::string_view target, const Meta& meta);
  // A hardlink to an entry written earlier in this archive.
  void add_hardlink(std::string_view name, std::string_view target, const Meta& meta);
  // A fifo (S_IFIFO) or a character/block device (S_IFCHR/S_IFBLK) with rdev.
  void add_node(std::string_view name, uint32_t type, uint64_t rdev, const Meta& meta);
  // Writes the end-of-archive blocks; the destructor does not (an
  // unfinished archive is abandoned, its buffered tail discarded).
  void finish();

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct LayerTarOptions {
  WhiteoutFormat whiteouts = WhiteoutFormat::Aufs;
  std::string opaque_xattr = "trusted.overlay.opaque";
  // When set, every entry gets this mtime (reproducible output).
  std::optional<int64_t> fixed_mtime;
  // Paths relative to the dir ("etc/hosts") left out of the tar.
  std::vector<std::string> exclude = {};
};

// Writes the content of dir (not dir itself) as an uncompressed layer tar:
// names sorted, hardlinks kept as links, xattrs kept, whiteouts converted
// back to ".wh." entries.
void write_layer_tar(const std::string& dir, Writer& out, const LayerTarOptions& options);

}  // namespace kayak::archive

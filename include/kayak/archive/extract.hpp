// Safe extraction of (untrusted) layer tars into a directory. Every entry is
// created relative to the destination with openat2(RESOLVE_IN_ROOT |
// RESOLVE_NO_MAGICLINKS), so absolute names, "..", symlinks and hardlinks
// pointing outside, and whiteouts naming ".." can never create, change or
// delete anything outside the destination.
#pragma once

#include "kayak/util/stream.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kayak::archive {

// How deletions in a layer are stored on disk.
enum class WhiteoutFormat {
  Aufs,     // kept as ".wh.NAME" / ".wh..wh..opq" files (vfs, fuse-overlayfs)
  Overlay,  // kernel overlay: char device 0:0 named NAME, opaque dirs marked
            // with the xattr ExtractOptions::opaque_xattr = "y"
};

enum class OutOfRangeIds {
  Squash,  // store the entry as owned by 0 and report it
  Fail,    // throw an error naming the path and the ID
};

// Receives a copy of a regular file's content while extract_tar writes it:
// lets the layer blobs of an image archive be extracted while the archive
// is still being unpacked. Destroyed without finish() when the content
// cannot be passed on whole and in order (sparse holes, an error).
class ContentTap {
public:
  virtual ~ContentTap() = default;
  // The next bytes of the content, in order and contiguous.
  virtual void write(const void* data, size_t size) = 0;
  // Every byte was passed on; fd is the file just written (still open).
  virtual void finish(int fd) = 0;
};

struct ExtractOptions {
  WhiteoutFormat whiteouts = WhiteoutFormat::Aufs;
  std::string opaque_xattr = "trusted.overlay.opaque";  // or "user.overlay.opaque"
  // Apply the tar's uid/gid (as root, or inside a user namespace).
  bool chown = false;
  // IDs < id_limit can be represented (namespace size); others follow
  // out_of_range. Only consulted when chown is true.
  uint64_t uid_limit = UINT32_MAX;
  uint64_t gid_limit = UINT32_MAX;
  OutOfRangeIds out_of_range = OutOfRangeIds::Squash;
  // Create char/block devices and fifos as given (root); otherwise devices
  // are skipped with a warning (fifos are still created).
  bool allow_devices = false;
  // Restore extended attributes (security.capability, user.*, ...).
  bool xattrs = true;
  // For unpacking image archives (not layers): ignore owners, devices, xattrs
  // and whiteout names (".wh." files are kept as plain files).
  bool plain = false;
  // When set, called for every regular file extract_tar writes (with its
  // cleaned path); may return nullptr.
  std::function<std::unique_ptr<ContentTap>(const std::string& path)> tap = {};
};

struct ExtractResult {
  uint64_t entries = 0;
  uint64_t content_bytes = 0;        // sum of regular file sizes
  std::vector<std::string> warnings; // one line each, e.g. skipped device nodes
  // IDs outside the mapping that were squashed to 0: first example and count.
  std::string first_squashed_path;
  uint64_t first_squashed_id = 0;
  bool first_squashed_is_gid = false;
  uint64_t squashed = 0;
};

// Extracts the (uncompressed) tar stream into dest_dir, which must exist.
// Entry names are resolved as the kernel does under RESOLVE_IN_ROOT: ".."
// and absolute names stay inside dest_dir ("../x" lands at "x"), symlinks
// are stored as written but never followed out of it, hardlinks must name
// a file already extracted. A dangling symlink used as a directory, a
// hardlink to a missing target or to a directory, a truncated or corrupt
// tar: kayak::Error, and the caller removes the partly extracted
// directory. The stream is read to its end (padding after the tar's end
// marker included), so a hashing reader underneath sees every byte.
ExtractResult extract_tar(Reader& tar, const std::string& dest_dir, const ExtractOptions& options);

}  // namespace kayak::archive

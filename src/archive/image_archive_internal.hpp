// Pieces shared by the image archive readers and writers (docker-archive,
// OCI layout, oci-archive). Not part of the public API.
#pragma once

#include "kayak/archive/tar_writer.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/stream.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::archive::detail {

// JSON documents in an archive (manifests, configs, indexes) are read into
// memory; a hostile archive must not make us allocate gigabytes for one.
inline constexpr uint64_t kMaxDocumentSize = 64ull << 20;

// A file opened inside an unpacked archive directory.
struct OpenedFile {
  UniqueFd fd;
  std::string real_path;  // absolute, symlinks resolved, inside the root
  uint64_t size = 0;
};

// Opens `relative` (a name taken from the archive) below the directory
// `root_fd`/`root_path`, following symlinks only while they stay below it
// (openat2 RESOLVE_BENEATH). Absolute names, ".." and symlinks that leave
// the directory are errors naming `what`, as are missing files and
// anything that is not a regular file.
OpenedFile open_in_archive(int root_fd, const std::string& root_path, const std::string& relative,
                           const std::string& what);

// Opens the directory of an unpacked archive (O_PATH, for open_in_archive).
UniqueFd open_archive_root(const std::string& dir);

// Reads a whole (small) file; errors name `what`.
std::string read_document(OpenedFile& file, const std::string& what);

// ---- writing ----

// One entry of an archive being written. Entries are collected first and
// written in the order Docker's and Podman's tar walkers use (name by name,
// each directory before its content), so output does not depend on the
// order images were given in.
struct PlannedEntry {
  enum class Kind { Directory, File, Stream, Symlink };
  Kind kind = Kind::File;
  std::string name{};   // without a trailing slash
  std::string content{};  // File: the bytes; Symlink: the target
  // Stream: opens the content, which must be exactly `size` bytes.
  std::function<std::unique_ptr<Reader>()> open{};
  uint64_t size = 0;
  int64_t mtime = 0;
};

class ArchivePlan {
public:
  // Adding a name twice keeps the first entry (shared layers and configs).
  bool contains(const std::string& name) const;
  void add_directory(const std::string& name, int64_t mtime);
  void add_file(const std::string& name, std::string content, int64_t mtime);
  void add_stream(const std::string& name, std::function<std::unique_ptr<Reader>()> open, uint64_t size,
                  int64_t mtime);
  void add_symlink(const std::string& name, const std::string& target, int64_t mtime);
  // Sorts and writes everything (uid/gid 0, dirs 0755, files 0644), then
  // the end-of-archive blocks.
  void write(Writer& out);

private:
  void add(PlannedEntry entry);
  std::vector<PlannedEntry> entries_;
};

// Checks a SaveImage-style config against its digest and layer diff_ids.
void check_save_image(const std::string& config_digest, const std::string& config_bytes,
                      const std::vector<std::string>& layer_diff_ids, const std::string& what);

}  // namespace kayak::archive::detail

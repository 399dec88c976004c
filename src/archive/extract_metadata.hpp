// Metadata of extracted entries, applied in the order the kernel requires:
// owner, then xattrs (chown drops security.capability), then mode (chown
// drops setuid/setgid), then times. Directories get mode and times last,
// after their content is written (writing changes their mtime, and a
// read-only directory must still take its content when we are not root).
#pragma once

#include "extract_root.hpp"

#include "kayak/archive/extract.hpp"

#include <archive_entry.h>
#include <sys/stat.h>

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace kayak::archive::detail {

// What an entry became: an open fd (regular files), or a name in a
// directory (everything else; name "" is the directory itself).
struct Target {
  int fd = -1;
  int dir_fd = -1;
  std::string name = {};
  bool is_symlink = false;
};

// "/" for the root, else the cleaned path: how paths appear in messages.
inline std::string shown_path(const std::string& clean) { return clean.empty() ? "/" : clean; }

class MetadataWriter {
public:
  MetadataWriter(RootDir& root, const ExtractOptions& options, ExtractResult& result)
    : root_(root), opt_(options), result_(result) {}

  // Everything: owner, xattrs, mode (ignored for symlinks), times.
  void apply(struct archive_entry* e, const std::string& path, const Target& t, mode_t mode);
  void owner(struct archive_entry* e, const std::string& path, const Target& t);
  void xattrs(struct archive_entry* e, const std::string& path, const Target& t);
  void mode_and_times(struct archive_entry* e, const std::string& path, const Target& t, mode_t mode);

  // Records a directory's mode and times for finish(); a directory listed
  // twice gets the later entry's.
  void defer_directory(struct archive_entry* e, const std::string& path);
  // Applies the deferred directory metadata (deepest first) and turns
  // xattr failures into warnings.
  void finish();

private:
  struct Owner {
    uid_t uid;
    gid_t gid;
  };
  struct DeferredDir {
    std::string path;
    mode_t mode;
    timespec times[2];
  };
  struct XattrFailure {
    uint64_t count = 0;
    std::string example;
  };

  // The owner to give an entry, with out-of-range IDs squashed or refused;
  // false when owners are not applied (they stay the extracting user's).
  bool owner_for(struct archive_entry* e, const std::string& path, Owner& owner);
  void finish_directories();

  RootDir& root_;
  const ExtractOptions& opt_;
  ExtractResult& result_;
  std::vector<DeferredDir> deferred_;
  std::unordered_map<std::string, size_t> deferred_index_;
  std::map<std::string, XattrFailure> xattr_failures_;
};

}  // namespace kayak::archive::detail

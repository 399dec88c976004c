// One file-system entry (found by a directory fd and a name) written into
// a tar with its metadata, xattrs and hardlinks. Shared by the writers that
// walk a layer dir, a stack of layers (export) or a list of changes
// (commit on vfs): they differ only in which entries they visit.
#pragma once

#include "kayak/archive/tar_writer.hpp"

#include <sys/stat.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kayak::archive::detail {

class TarEntryWriter {
public:
  TarEntryWriter(Writer& out, std::string opaque_xattr, std::optional<int64_t> fixed_mtime)
    : tar_(out), opaque_xattr_(std::move(opaque_xattr)), fixed_mtime_(fixed_mtime) {}

  // The metadata of an entry as stored in a tar.
  TarWriter::Meta meta_of(const struct stat& st) const;

  // Writes `name` in dir_fd as tar entry `rel` (a directory without its
  // content). Sockets are skipped (a tar cannot hold them). Returns the
  // value of the opaque xattr for directories ("" when absent).
  std::string write(int dir_fd, const std::string& name, const std::string& rel, const struct stat& st);

  // An empty marker file (".wh.NAME", ".wh..wh..opq").
  void write_marker(const std::string& rel, const TarWriter::Meta& meta);

  void finish() { tar_.finish(); }

private:
  std::vector<std::pair<std::string, std::string>> read_xattrs(int dir_fd, const std::string& name,
                                                               const std::string& rel, std::string& opaque);

  TarWriter tar_;
  std::string opaque_xattr_;
  std::optional<int64_t> fixed_mtime_;
  // First path of each multiply-linked inode: later names become hardlinks.
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

}  // namespace kayak::archive::detail

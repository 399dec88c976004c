// File-system helpers: whole-file reads, atomic writes, directory trees and
// temporary directories, each owning what it creates.
#pragma once

#include "kayak/util/stream.hpp"

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace kayak::fs {

std::string read_file(const std::string& path);
// Like read_file, but false when the file does not exist.
bool read_file_if_exists(const std::string& path, std::string& out);

// Writes through a temp file in the same directory, fsyncs it, renames it
// over `path` and fsyncs the directory: readers see the old or the new
// content, never a mix, even after a crash.
void write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);

// A file that becomes visible at its final path only on commit(); the
// destructor removes a temp that was never committed. It is a Writer, so
// streams can be copied straight into it.
class AtomicFile : public Writer {
public:
  explicit AtomicFile(std::string path, mode_t mode = 0644);
  ~AtomicFile() override;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  int fd() const { return fd_; }
  const std::string& temp_path() const { return temp_path_; }
  void write(const void* data, size_t size) override;
  void write(std::string_view data) { write(data.data(), data.size()); }
  void commit();

private:
  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

bool exists(const std::string& path);  // lstat succeeds
bool is_dir(const std::string& path);
void mkdir_p(const std::string& path, mode_t mode = 0755);
// Removes a tree without following symlinks, making directories writable
// as needed (layer content may hold read-only directories). Missing is fine.
void remove_tree(const std::string& path);
// fsync a directory so a rename inside it is durable.
void sync_dir(const std::string& path);
// Names in a directory, without "." and ".."; empty when it does not exist.
std::vector<std::string> list_dir(const std::string& path);
// Names in the directory open at dir_fd (an O_PATH fd works), without "."
// and ".."; `shown` names it in errors. dir_fd stays open and unchanged.
std::vector<std::string> list_dir_at(int dir_fd, const std::string& shown);
// Everything in fd from offset 0, whatever its file position (memfds that
// a child process wrote its result or output into).
std::string read_fd_from_start(int fd, const std::string& shown);
// Total bytes of regular files below path (hard links counted once).
uint64_t tree_size(const std::string& path);

std::string join(std::string_view a, std::string_view b);
std::string dirname(std::string_view path);
std::string basename(std::string_view path);
std::string absolute(const std::string& path);

// A directory removed (recursively) when this object is destroyed.
class TempDir {
public:
  // Created under `parent` (default: $TMPDIR or /tmp) with a name from prefix.
  explicit TempDir(const std::string& parent = "", const std::string& prefix = "kayak-");
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Keep the directory (for example after renaming it into place).
  void release() { path_.clear(); }

private:
  std::string path_;
};

}  // namespace kayak::fs

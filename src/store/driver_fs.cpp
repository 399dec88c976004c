#include "driver_checks.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/statfs.h>

#include <cstring>

namespace kayak::store::detail {

namespace {

struct FsName {
  unsigned long magic;
  const char* name;
};

// statfs magic numbers (linux/magic.h), named as podman's "Backing
// Filesystem" names them so `info` reads the same.
constexpr FsName kFsNames[] = {
    {0x0000EF53, "extfs"},    {0x58465342, "xfs"},     {0x01021994, "tmpfs"},   {0x9123683E, "btrfs"},
    {0x794C7630, "overlayfs"}, {0x65735546, "fuse"},   {0x2FC12FC1, "zfs"},     {0x00006969, "nfs"},
    {0xF2F52010, "f2fs"},     {0x858458F6, "ramfs"},   {0x73717368, "squashfs"}, {0x28CD3D45, "cramfs"},
    {0x0000517B, "smb"},      {0xFF534D42, "cifs"},    {0x61756673, "aufs"},    {0x52654973, "reiserfs"},
    {0x3153464A, "jfs"},      {0xA501FCF5, "vxfs"},    {0x47504653, "gpfs"},    {0x0000F15F, "ecryptfs"},
    {0x000072B6, "jffs2"},    {0x6E736673, "nsfs"},    {0xCA451A4E, "bcachefs"}, {0x01161970, "gfs2"},
};

}  // namespace

std::string backing_fs_name(const std::string& path) {
  struct statfs st;
  if (::statfs(path.c_str(), &st) < 0) fail_errno("statfs {}", path);
  auto magic = static_cast<unsigned long>(st.f_type) & 0xFFFFFFFFUL;
  for (const auto& fs : kFsNames) {
    if (fs.magic == magic) return fs.name;
  }
  return fmt::format("<unknown 0x{:x}>", magic);
}

bool supports_d_type(const std::string& dir) {
  std::string probe = fs::join(dir, "d_type-probe");
  fs::write_file_atomic(probe, "");
  DIR* d = ::opendir(dir.c_str());
  if (!d) fail_errno("open directory {}", dir);
  bool known = false;
  while (struct dirent* entry = ::readdir(d)) {
    if (std::strcmp(entry->d_name, "d_type-probe") == 0) known = entry->d_type != DT_UNKNOWN;
  }
  ::closedir(d);
  ::unlink(probe.c_str());
  return known;
}

}  // namespace kayak::store::detail

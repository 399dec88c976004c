#include "driver_checks.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/xattr.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace kayak::store::detail {

namespace {

// Overlay's userxattr option (unprivileged overlay) arrived in Linux 5.11.
bool kernel_older_than_5_11() {
  struct utsname uts;
  if (::uname(&uts) < 0) return false;
  int major = 0, minor = 0;
  if (std::sscanf(uts.release, "%d.%d", &major, &minor) != 2) return false;
  return major < 5 || (major == 5 && minor < 11);
}

}  // namespace

std::string check_kernel_overlay(const std::string& scratch, bool userxattr) {
  ProbeTree t = make_probe_tree(fs::join(scratch, "kernel"));
  // Layers store whiteouts in overlay's own format, so it must be possible
  // to create them here (unprivileged: Linux >= 5.8 in a user namespace).
  if (::mknod(fs::join(t.upper, "gone").c_str(), S_IFCHR | 0000, ::makedev(0, 0)) < 0) {
    return fmt::format("cannot create a whiteout (character device 0:0): {}", std::strerror(errno));
  }
  const char* opaque = userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
  if (::setxattr(fs::join(t.upper, "opaque").c_str(), opaque, "y", 1, 0) < 0) {
    return fmt::format("cannot set the {} attribute: {}", opaque, std::strerror(errno));
  }
  std::string options = fmt::format("lowerdir={},upperdir={},workdir={}{}", t.lower, t.upper, t.work,
                                    userxattr ? ",userxattr" : "");
  if (::mount("overlay", t.merged.c_str(), "overlay", 0, options.c_str()) < 0) {
    int err = errno;
    std::string hint;
    if (userxattr && kernel_older_than_5_11()) hint = " (unprivileged overlay needs Linux 5.11 or newer)";
    return fmt::format("mount: {}{}", std::strerror(err), hint);
  }
  MountGuard unmount(t.merged);
  return check_merged_view(t);
}

}  // namespace kayak::store::detail

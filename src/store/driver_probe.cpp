#include "kayak/store/driver.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/stream.hpp"
#include "kayak/util/userns.hpp"

#include "driver_checks.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace kayak::store {

namespace {

// Runs in the identity's namespace (where layers will be mounted): picks
// the first driver that works and says why the better ones did not.
DriverInfo choose_driver(const std::string& scratch, bool userxattr, bool d_type) {
  DriverInfo info;
  std::string kernel = d_type ? detail::check_kernel_overlay(scratch, userxattr)
                              : "the backing file system does not report file types (d_type)";
  if (kernel.empty()) {
    info.name = "overlay";
    info.userxattr = userxattr;
    // Layer diffs can be read straight from the upper dir, as podman
    // reports for kernel overlay (rootless with userxattr too).
    info.native_overlay_diff = true;
    return info;
  }
  std::string fuse = detail::check_fuse_overlayfs(scratch);
  if (fuse.empty()) {
    info.name = "fuse-overlayfs";
    info.fallback_reason = "kernel overlay: " + kernel;
    return info;
  }
  info.name = "vfs";
  info.fallback_reason = "kernel overlay: " + kernel + "; fuse-overlayfs: " + fuse;
  return info;
}

}  // namespace

DriverInfo probe_driver(const std::string& store_root, const Identity& id) {
  fs::TempDir scratch(store_root, "driver-probe-");
  std::string backing_fs = detail::backing_fs_name(store_root);
  bool d_type = detail::supports_d_type(scratch.path());
  // Root inside someone else's user namespace (kayak run in a rootless
  // container) may not use trusted.* xattrs either.
  bool userxattr = id.mode != IdentityMode::Root || in_user_namespace();

  // The child's answer comes back through an anonymous file, read after it
  // exited (the fuse-overlayfs daemon it may start never holds us up).
  UniqueFd result(::memfd_create("kayak-driver-probe", MFD_CLOEXEC));
  if (!result) fail_errno("memfd_create");
  run_in_userns(id, [&] {
    std::string text = json::dump(choose_driver(scratch.path(), userxattr, d_type).to_json());
    write_all(result.get(), text.data(), text.size(), "driver probe result");
  });
  std::string text;
  char buf[4096];
  off_t offset = 0;
  ssize_t n;
  while ((n = ::pread(result.get(), buf, sizeof buf, offset)) > 0) {
    text.append(buf, static_cast<size_t>(n));
    offset += n;
  }
  if (n < 0) fail_errno("read the driver probe result");
  DriverInfo info = DriverInfo::from_json(json::parse(text, "driver probe result"));
  info.backing_fs = backing_fs;
  info.supports_d_type = d_type;
  return info;
}

}  // namespace kayak::store

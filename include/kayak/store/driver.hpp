// The rootfs driver probe (DESIGN "Storage"): kernel overlay (with userxattr
// inside a user namespace), else fuse-overlayfs, else vfs (full copies).
// The store probes once and records the result in its root.
#pragma once

#include "kayak/util/idmap.hpp"
#include "kayak/util/json.hpp"

#include <string>

namespace kayak::store {

struct DriverInfo {
  std::string name;            // "overlay" | "fuse-overlayfs" | "vfs"
  bool userxattr = false;      // overlay keeps its metadata in user.overlay.*
  std::string backing_fs;      // file system of the store: "extfs", "xfs", "tmpfs", "btrfs", ...
  bool supports_d_type = false;
  bool native_overlay_diff = false;  // layer diffs may be read from the upper dir directly
  std::string fallback_reason;  // why better drivers were not used; empty for kernel overlay

  json::Value to_json() const;
  // Accepts what to_json wrote; missing fields keep their defaults.
  static DriverInfo from_json(const json::Value& value);

  bool operator==(const DriverInfo&) const = default;
};

// Tries the drivers in order in a scratch directory under store_root (which
// must exist), inside the identity's user namespace (run_in_userns; root
// mounts directly, without userxattr), and removes the scratch directory.
// Kernel overlay counts only when a whiteout (char device 0:0) can be made
// in the upper dir and hides the lower file in the merged view.
DriverInfo probe_driver(const std::string& store_root, const Identity& id);

// Logs a loud warning when the driver is vfs, naming why the others failed.
void warn_if_degraded(const DriverInfo& info);

}  // namespace kayak::store

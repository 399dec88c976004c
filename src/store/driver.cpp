#include "kayak/store/driver.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

namespace kayak::store {

json::Value DriverInfo::to_json() const {
  json::Value v = json::Value::object();
  v.set("name", name);
  v.set("userxattr", userxattr);
  v.set("backing_fs", backing_fs);
  v.set("supports_d_type", supports_d_type);
  v.set("native_overlay_diff", native_overlay_diff);
  v.set("fallback_reason", fallback_reason);
  return v;
}

DriverInfo DriverInfo::from_json(const json::Value& value) {
  if (!value.is_object()) fail("driver record: expected a JSON object");
  DriverInfo info;
  info.name = value.string_or("name");
  // A name we do not know would make every later mount guess: refuse it.
  if (info.name != "overlay" && info.name != "fuse-overlayfs" && info.name != "vfs") {
    fail("driver record: unknown storage driver \"{}\"", info.name);
  }
  info.userxattr = value.bool_or("userxattr");
  info.backing_fs = value.string_or("backing_fs");
  info.supports_d_type = value.bool_or("supports_d_type");
  info.native_overlay_diff = value.bool_or("native_overlay_diff");
  info.fallback_reason = value.string_or("fallback_reason");
  return info;
}

void warn_if_degraded(const DriverInfo& info) {
  if (info.name == "vfs") {
    log::warn("using the vfs storage driver (full copies, slow, uses much more disk): {}",
              info.fallback_reason.empty() ? "no overlay driver is available" : info.fallback_reason);
  } else if (info.name == "fuse-overlayfs") {
    log::info("using the fuse-overlayfs storage driver: {}", info.fallback_reason);
  }
}

}  // namespace kayak::store

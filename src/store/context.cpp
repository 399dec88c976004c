#include "kayak/store/context.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/userns.hpp"

#include <sys/mman.h>
#include <unistd.h>

namespace kayak::store {

Context::Context(const StorePaths& paths) : store_(paths), identity_(current_identity()) {}

const DriverInfo& Context::driver() {
  if (driver_) return *driver_;
  std::string path = fs::join(store_.root(), "driver.json");
  std::string text;
  if (fs::read_file_if_exists(path, text)) {
    driver_ = DriverInfo::from_json(json::parse(text, "driver.json"));
    return *driver_;
  }
  DriverInfo probed = probe_driver(store_.root(), identity_);
  warn_if_degraded(probed);
  fs::write_file_atomic(path, json::dump(probed.to_json(), {.indent = 1}), 0600);
  driver_ = probed;
  return *driver_;
}

archive::ExtractOptions Context::layer_extract_options() {
  archive::ExtractOptions options;
  const DriverInfo& info = driver();
  if (info.name == "overlay") {
    options.whiteouts = archive::WhiteoutFormat::Overlay;
    options.opaque_xattr = info.userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
  } else {
    options.whiteouts = archive::WhiteoutFormat::Aufs;
  }
  options.chown = true;
  switch (identity_.mode) {
  case IdentityMode::Root:
    options.allow_devices = true;
    break;
  case IdentityMode::SubordinateRange:
    options.uid_limit = identity_.mapping.uid_count();
    options.gid_limit = identity_.mapping.gid_count();
    options.out_of_range = archive::OutOfRangeIds::Fail;
    break;
  case IdentityMode::SingleId:
    options.uid_limit = 1;
    options.gid_limit = 1;
    options.out_of_range = archive::OutOfRangeIds::Squash;
    break;
  }
  return options;
}

json::Value Context::write(const std::function<json::Value()>& fn) {
  driver();  // probe before entering the namespace: the probe makes its own
  // The child's result travels through an anonymous file: a pipe could fill
  // up while the parent is still waiting for the child to exit.
  UniqueFd result(::memfd_create("kayak-result", MFD_CLOEXEC));
  if (!result) fail_errno("memfd_create");
  run_in_userns(identity_, [&] {
    std::string text = json::dump(fn());
    write_all(result.get(), text.data(), text.size(), "command result");
  });
  std::string text = fs::read_fd_from_start(result.get(), "command result");
  if (text.empty()) fail("internal error: the store's helper process returned no result");
  return json::parse(text, "command result");
}

}  // namespace kayak::store

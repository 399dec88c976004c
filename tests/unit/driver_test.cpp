#include "kayak/store/driver.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/idmap.hpp"
#include "kayak/util/userns.hpp"

#include <doctest/doctest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <string>

using namespace kayak;
using store::DriverInfo;

TEST_CASE("DriverInfo: JSON round trip") {
  DriverInfo info;
  info.name = "fuse-overlayfs";
  info.userxattr = false;
  info.backing_fs = "xfs";
  info.supports_d_type = true;
  info.native_overlay_diff = false;
  info.fallback_reason = "kernel overlay: mount: Invalid argument";
  json::Value v = info.to_json();
  CHECK(v["name"].as_string() == "fuse-overlayfs");
  CHECK(v["backing_fs"].as_string() == "xfs");
  CHECK(DriverInfo::from_json(json::parse(json::dump(v))) == info);

  DriverInfo overlay{"overlay", true, "extfs", true, true, ""};
  CHECK(DriverInfo::from_json(overlay.to_json()) == overlay);
}

TEST_CASE("DriverInfo: missing fields keep defaults, unknown drivers are refused") {
  DriverInfo info = DriverInfo::from_json(json::parse(R"({"name":"vfs"})"));
  CHECK(info.name == "vfs");
  CHECK_FALSE(info.userxattr);
  CHECK(info.backing_fs.empty());
  CHECK_THROWS_AS(DriverInfo::from_json(json::parse(R"({"name":"zfs"})")), Error);
  CHECK_THROWS_AS(DriverInfo::from_json(json::parse(R"({})")), Error);
  CHECK_THROWS_AS(DriverInfo::from_json(json::parse(R"([])")), Error);
}

TEST_CASE("probe_driver: picks a working driver, explains fallbacks, leaves nothing behind") {
  fs::TempDir root;
  Identity id = current_identity();
  DriverInfo info = store::probe_driver(root.path(), id);
  MESSAGE("driver for ", id.describe(), ": ", json::dump(info.to_json()));
  CHECK(fs::list_dir(root.path()).empty());
  CHECK(!info.backing_fs.empty());
  if (info.name == "overlay") {
    CHECK(info.native_overlay_diff);
    CHECK(info.userxattr == (id.mode != IdentityMode::Root || in_user_namespace()));
    CHECK(info.fallback_reason.empty());
  } else if (info.name == "fuse-overlayfs") {
    CHECK(info.fallback_reason.rfind("kernel overlay: ", 0) == 0);
  } else {
    REQUIRE(info.name == "vfs");
    CHECK(info.fallback_reason.find("kernel overlay: ") != std::string::npos);
    CHECK(info.fallback_reason.find("; fuse-overlayfs: ") != std::string::npos);
  }
  // The record survives the trip through the store's file.
  CHECK(DriverInfo::from_json(json::parse(json::dump(info.to_json()))) == info);
}

TEST_CASE("probe_driver: a store on tmpfs reports tmpfs") {
  // /dev/shm is a world-writable tmpfs on the Linux systems we target.
  if (!fs::is_dir("/dev/shm")) return;
  fs::TempDir root("/dev/shm", "kayak-probe-test-");
  Identity id = current_identity();
  DriverInfo info = store::probe_driver(root.path(), id);
  MESSAGE("driver on tmpfs for ", id.describe(), ": ", json::dump(info.to_json()));
  CHECK(info.backing_fs == "tmpfs");
  CHECK(fs::list_dir(root.path()).empty());
}

TEST_CASE("warn_if_degraded: loud for vfs, naming the reason; quiet for overlay") {
  auto stderr_of = [](const DriverInfo& info) {
    UniqueFd out(::memfd_create("test-stderr", 0));
    UniqueFd saved(::dup(STDERR_FILENO));
    ::dup2(out.get(), STDERR_FILENO);
    store::warn_if_degraded(info);
    ::dup2(saved.get(), STDERR_FILENO);
    char buf[1024];
    ssize_t n = ::pread(out.get(), buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  };
  DriverInfo vfs{"vfs", false, "extfs", true, false, "kernel overlay: mount: EPERM; fuse-overlayfs: /dev/fuse: EACCES"};
  std::string text = stderr_of(vfs);
  CHECK(text.find("WARN") == 0);
  CHECK(text.find("vfs storage driver") != std::string::npos);
  CHECK(text.find("kernel overlay: mount: EPERM; fuse-overlayfs: /dev/fuse: EACCES") != std::string::npos);
  CHECK(stderr_of(DriverInfo{"overlay", true, "extfs", true, true, ""}).empty());
}

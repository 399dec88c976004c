#include "driver_checks.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <fmt/format.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace kayak::store::detail {

ProbeTree make_probe_tree(const std::string& dir) {
  ProbeTree t{fs::join(dir, "lower"), fs::join(dir, "upper"), fs::join(dir, "work"), fs::join(dir, "merged")};
  fs::mkdir_p(t.lower);
  fs::mkdir_p(t.upper);
  fs::mkdir_p(t.work);
  fs::mkdir_p(t.merged);
  fs::write_file_atomic(fs::join(t.lower, "kept"), "kept\n");
  fs::write_file_atomic(fs::join(t.lower, "gone"), "gone\n");
  fs::mkdir_p(fs::join(t.lower, "opaque"));
  fs::write_file_atomic(fs::join(t.lower, "opaque/hidden"), "hidden\n");
  fs::mkdir_p(fs::join(t.upper, "opaque"));
  return t;
}

std::string check_merged_view(const ProbeTree& t) {
  struct stat st;
  auto missing = [&](const char* name) {
    return ::lstat(fs::join(t.merged, name).c_str(), &st) < 0 && errno == ENOENT;
  };
  if (missing("kept")) return "the merged view does not show the lower dir";
  if (!missing("gone")) return "a whiteout in the upper dir does not hide the lower file";
  if (missing("opaque")) return "the merged view does not show an upper directory";
  if (!missing("opaque/hidden")) return "an opaque upper directory does not hide the lower directory's files";
  try {
    fs::write_file_atomic(fs::join(t.merged, "written"), "written\n");
  } catch (const Error& e) {
    return fmt::format("cannot write to the merged view: {}", e.what());
  }
  if (::lstat(fs::join(t.upper, "written").c_str(), &st) < 0) return "a write to the merged view is not in the upper dir";
  return {};
}

MountGuard::~MountGuard() { ::umount2(target_.c_str(), MNT_DETACH); }

}  // namespace kayak::store::detail

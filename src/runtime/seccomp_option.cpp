// `--security-opt seccomp=VALUE`: which filter a container gets.
#include "kayak/runtime/seccomp.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"

#include <sys/prctl.h>

namespace kayak::runtime {
namespace {

// PR_GET_SECCOMP fails (EINVAL) only on kernels built without seccomp.
bool kernel_has_seccomp() { return ::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0; }

}  // namespace

std::string seccomp_filter_for_option(std::string_view value, const std::vector<int>& caps, bool privileged,
                                      const std::string& cache_dir) {
  if (value == "unconfined") return {};
  const bool builtin = value.empty() || value == "builtin";
  if (builtin) {
    // Docker: --privileged means no default filter.
    if (privileged) return {};
    if (!kernel_has_seccomp()) {
      log::warn("seccomp is not enabled in your kernel, running container without default profile");
      return {};
    }
    return compile_seccomp_cached({}, caps, cache_dir);
  }
  if (!kernel_has_seccomp()) fail("seccomp is not enabled in your kernel, cannot run a custom seccomp profile");
  std::string path(value);
  std::string text;
  try {
    text = fs::read_file(path);
  } catch (const Error& e) {
    fail("opening seccomp profile failed: {}", e.what());
  }
  // An empty document would otherwise select the default profile.
  if (str::trim(text).empty()) fail("seccomp profile {}: the file is empty", path);
  return compile_seccomp_cached(text, caps, cache_dir, fmt::format("seccomp profile {}", path));
}

}  // namespace kayak::runtime

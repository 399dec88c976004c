// `--security-opt seccomp=VALUE`: which filter a container gets.
#include "kayak/runtime/seccomp.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

namespace kayak::runtime {

std::string seccomp_filter_for_option(std::string_view value, const std::vector<int>& caps,
                                      const std::string& cache_dir) {
  if (value == "unconfined") return {};
  if (value.empty()) return compile_seccomp_cached({}, caps, cache_dir);
  std::string path(value);
  std::string text;
  try {
    text = fs::read_file(path);
  } catch (const Error& e) {
    fail("opening seccomp profile failed: {}", e.what());
  }
  // An empty file would otherwise select the default profile.
  if (str::trim(text).empty()) fail("seccomp profile {}: the file is empty", path);
  return compile_seccomp_cached(text, caps, cache_dir, fmt::format("seccomp profile {}", path));
}

}  // namespace kayak::runtime

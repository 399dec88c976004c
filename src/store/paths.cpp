#include "kayak/store/paths.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/user_env.hpp"

#include <unistd.h>

namespace kayak::store {

namespace {

using user_env::get;

std::string home_dir() {
  std::string home = user_env::home_dir();
  if (home.empty()) fail("cannot find the home directory of uid {}: set HOME or use --root", ::geteuid());
  return home;
}

std::string default_root() {
  if (::geteuid() == 0) return "/var/lib/kayak";
  std::string data = get("XDG_DATA_HOME");
  if (data.empty()) data = fs::join(home_dir(), ".local/share");
  return fs::join(data, "kayak");
}

std::string default_runroot() {
  if (::geteuid() == 0) return "/run/kayak";
  std::string runtime = get("XDG_RUNTIME_DIR");
  if (!runtime.empty() && ::access(runtime.c_str(), W_OK) == 0) return fs::join(runtime, "kayak");
  return "/tmp/kayak-" + std::to_string(::geteuid());
}

std::string pick(const std::string& flag, const char* env_name, std::string (*fallback)()) {
  if (!flag.empty()) return fs::absolute(flag);
  std::string from_env = get(env_name);
  if (!from_env.empty()) return fs::absolute(from_env);
  return fallback();
}

}  // namespace

StorePaths resolve_paths(const std::string& root_flag, const std::string& runroot_flag) {
  return StorePaths{pick(root_flag, "KAYAK_ROOT", default_root), pick(runroot_flag, "KAYAK_RUNROOT", default_runroot)};
}

}  // namespace kayak::store

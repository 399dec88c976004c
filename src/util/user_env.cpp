#include "kayak/util/user_env.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace kayak::user_env {

std::string get(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string home_dir() {
  std::string home = get("HOME");
  if (!home.empty()) return home;
  if (struct passwd* pw = ::getpwuid(::geteuid())) return pw->pw_dir;
  return "";
}

}  // namespace kayak::user_env

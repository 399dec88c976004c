// Where registries.conf and certs.d are looked for, and loading the files
// found there (see config.hpp for the rules).
#include "kayak/registry/config.hpp"

#include "registries_conf_file.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/user_env.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace kayak::registry {

namespace {

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

ConfigLocations default_config_locations(const std::string& system_dir) {
  ConfigLocations out;
  if (const char* env = std::getenv("CONTAINERS_REGISTRIES_CONF"); env && *env) {
    out.main_file = env;
    out.main_required = true;
    return out;
  }
  std::string home = user_env::home_dir();
  std::string user_file = home.empty() ? "" : fs::join(home, ".config/containers/registries.conf");
  bool rootless = ::geteuid() != 0;
  if (rootless && !user_file.empty() && fs::exists(user_file)) {
    out.main_file = user_file;
    out.dropin_dirs.push_back(user_file + ".d");
    return out;
  }
  out.main_file = fs::join(system_dir, "registries.conf");
  out.dropin_dirs.push_back(out.main_file + ".d");
  if (rootless && !user_file.empty()) out.dropin_dirs.push_back(user_file + ".d");
  return out;
}

RegistriesConf RegistriesConf::load(const ConfigLocations& locations) {
  RegistriesConf conf;
  std::string text;
  if (fs::read_file_if_exists(locations.main_file, text)) {
    conf = parse(text, locations.main_file);
  } else if (locations.main_required) {
    fail("loading registries configuration \"{}\": no such file", locations.main_file);
  }
  for (const auto& dir : locations.dropin_dirs) {
    std::vector<std::string> names = fs::list_dir(dir);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      std::string path = fs::join(dir, name);
      if (!name.ends_with(".conf") || !is_regular_file(path)) continue;
      conf.merge(parse(fs::read_file(path), path));
    }
  }
  detail::check_registry_conflicts(conf.registries_);
  return conf;
}

RegistriesConf RegistriesConf::load_default() { return load(default_config_locations()); }

std::vector<std::string> certs_dirs() {
  std::vector<std::string> dirs;
  if (std::string home = user_env::home_dir(); !home.empty()) dirs.push_back(fs::join(home, ".config/containers/certs.d"));
  dirs.push_back("/etc/containers/certs.d");
  dirs.push_back("/etc/docker/certs.d");
  return dirs;
}

std::string certs_dir_for_host(std::string_view host, const std::vector<std::string>& dirs) {
  for (const auto& dir : dirs) {
    std::string path = fs::join(dir, host);
    if (fs::is_dir(path)) return path;
  }
  return "";
}

}  // namespace kayak::registry

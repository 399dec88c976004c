// Which credential files are read and written (auth_files.hpp), and the key
// normalization that lets podman's and Docker's spellings meet.
#include "kayak/registry/auth_files.hpp"

#include "kayak/util/fs.hpp"
#include "kayak/util/user_env.hpp"

#include <unistd.h>

namespace kayak::registry {

namespace {

using user_env::get;

std::string home_dir() {
  std::string home = user_env::home_dir();
  return home.empty() ? "/" : home;
}

std::string docker_config_file() {
  std::string dir = get("DOCKER_CONFIG");
  if (dir.empty()) dir = fs::join(home_dir(), ".docker");
  return fs::join(dir, "config.json");
}

std::string named_auth_file(const std::string& authfile) {
  if (!authfile.empty()) return authfile;
  return get("REGISTRY_AUTH_FILE");
}

bool is_docker_hub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

}  // namespace

std::string default_auth_file() {
  // The same test as store/paths.cpp for the runroot, so a `su` session
  // without XDG_RUNTIME_DIR finds what it wrote before.
  std::string runtime = get("XDG_RUNTIME_DIR");
  if (!runtime.empty() && ::access(runtime.c_str(), W_OK) == 0) return fs::join(runtime, "containers/auth.json");
  if (::geteuid() == 0) return "/run/containers/0/auth.json";
  return "/tmp/kayak-" + std::to_string(::geteuid()) + "/containers/auth.json";
}

std::string auth_file_to_write(const std::string& authfile) {
  std::string named = named_auth_file(authfile);
  return named.empty() ? default_auth_file() : named;
}

std::vector<AuthFile> auth_files_to_read(const std::string& authfile) {
  std::string docker = docker_config_file();
  std::string named = named_auth_file(authfile);
  if (!named.empty()) return {{named, named == docker}};
  std::string config_home = get("XDG_CONFIG_HOME");
  if (config_home.empty()) config_home = fs::join(home_dir(), ".config");
  return {
    {default_auth_file(), false},
    {fs::join(config_home, "containers/auth.json"), false},
    {docker, true},
  };
}

std::string normalize_auth_key(std::string_view key) {
  std::string_view stripped = key;
  bool had_scheme = false;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (stripped.starts_with(scheme)) {
      stripped.remove_prefix(scheme.size());
      had_scheme = true;
    }
  }
  // A URL key names a registry; its path ("/v1/") is an API version, not a
  // repository.
  if (had_scheme) stripped = stripped.substr(0, stripped.find('/'));
  while (stripped.ends_with('/')) stripped.remove_suffix(1);
  std::string host(stripped.substr(0, stripped.find('/')));
  std::string rest(stripped.substr(host.size()));
  if (is_docker_hub(host)) host = "docker.io";
  return host + rest;
}

std::string auth_key_registry(std::string_view key) {
  std::string normalized = normalize_auth_key(key);
  return normalized.substr(0, normalized.find('/'));
}

}  // namespace kayak::registry

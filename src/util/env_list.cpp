#include "kayak/util/env_list.hpp"

#include <algorithm>

namespace kayak::env_list {

std::string key_of(std::string_view entry) { return std::string(entry.substr(0, entry.find('='))); }

bool has(const std::vector<std::string>& env, std::string_view key) {
  return std::any_of(env.begin(), env.end(), [&](const std::string& kv) { return key_of(kv) == key; });
}

void set(std::vector<std::string>& env, const std::string& entry) {
  std::string key = key_of(entry);
  auto it = std::find_if(env.begin(), env.end(), [&](const std::string& e) { return key_of(e) == key; });
  if (it != env.end()) {
    *it = entry;
  } else {
    env.push_back(entry);
  }
}

}  // namespace kayak::env_list

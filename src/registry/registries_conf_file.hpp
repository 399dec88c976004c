// One registries.conf file as written, before validation and merging:
// registries_conf_toml.cpp fills it from TOML (the only file that sees the
// TOML library), registries_conf.cpp checks and merges it.
#pragma once

#include "kayak/registry/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kayak::registry::detail {

struct RawMirror {
  std::string location;
  bool insecure = false;
  std::string pull_from_mirror;  // "", "all", "digest-only", "tag-only"
  int line = 0;
};

struct RawRegistry {
  std::string prefix;
  std::string location;
  bool insecure = false;
  bool blocked = false;
  bool mirror_by_digest_only = false;
  std::string pull_from_mirror;  // only valid on mirrors; kept to reject it here
  std::vector<RawMirror> mirrors;
  int line = 0;
};

struct RawConfig {
  std::vector<RawRegistry> registries;
  std::optional<std::vector<std::string>> unqualified_search;  // set by this file
  std::vector<std::pair<std::string, std::string>> aliases;
  // Version 1 ([registries.search] / .insecure / .block), converted by the
  // caller; mixing both versions in one file is an error.
  std::vector<std::string> v1_search, v1_insecure, v1_block;
  bool has_v1 = false;
};

// Parses TOML text; syntax and type errors throw "FILE:LINE:COL: ...".
RawConfig parse_registries_toml(std::string_view text, const std::string& file);

// After merging: one location under several prefixes must agree on
// insecure and blocked; throws naming both files otherwise.
void check_registry_conflicts(const std::vector<RegistryEntry>& registries);

}  // namespace kayak::registry::detail

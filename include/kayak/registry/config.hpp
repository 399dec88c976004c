// registries.conf (containers-registries.conf(5), version 2 TOML), read from
// the places podman reads it, and what it says about a reference: where to
// pull it from (mirrors first, then the registry, after prefix rewriting),
// whether it is blocked, and whether a host may be spoken to without TLS
// verification.
//
// Files, as podman finds them:
//   $CONTAINERS_REGISTRIES_CONF           set: that file only, nothing else
//   ~/.config/containers/registries.conf  non-root, when it exists: replaces
//                                         the system file and the system .d/
//   /etc/containers/registries.conf       otherwise
// followed by the drop-ins, *.conf in name order, of
// /etc/containers/registries.conf.d (not with a user file) and then
// ~/.config/containers/registries.conf.d. A later file replaces a
// [[registry]] with the same prefix, replaces unqualified-search-registries
// when it sets it, and overrides [aliases] key by key ("" removes one).
#pragma once

#include "kayak/image/reference.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::registry {

// When a mirror is used (pull-from-mirror).
enum class MirrorUse { All, DigestOnly, TagOnly };

struct Mirror {
  std::string location;  // host[:port][/path]
  bool insecure = false;
  MirrorUse use = MirrorUse::All;
};

// One [[registry]] table after validation.
struct RegistryEntry {
  // What it matches: "example.com", "example.com:5000/ns", "*.example.com".
  std::string prefix;
  // Where matching references go instead; empty only for a wildcard prefix
  // (then references stay as they are).
  std::string location;
  bool insecure = false;
  bool blocked = false;
  bool mirror_by_digest_only = false;
  std::vector<Mirror> mirrors;
  std::string file;  // the file that defined it
};

// One place to pull a reference from.
struct PullSource {
  std::string endpoint;    // host[:port] to talk to ("docker.io", "mirror.example:5000")
  std::string repository;  // the repository there ("library/nginx", rewritten for prefix -> location)
  image::Reference reference;  // endpoint/repository with the tag and digest of the original
  bool insecure = false;   // plain HTTP and unverified TLS allowed
  bool mirror = false;     // a mirror (a failure there moves on to the next source)
};

struct PullPlan {
  std::vector<PullSource> sources;  // in the order to try them; empty when blocked
  bool blocked = false;
  // "registry docker.io is blocked in /etc/containers/registries.conf"
  std::string blocked_error;
  // The file whose [[registry]] matched; empty when none did.
  std::string file;
  // Throws the blocked error (exit code 125) when blocked.
  void check_not_blocked() const;
};

// Where the configuration comes from (see the top of this file).
struct ConfigLocations {
  std::string main_file;
  bool main_required = false;  // $CONTAINERS_REGISTRIES_CONF: a missing file is an error
  std::vector<std::string> dropin_dirs;
};

// The locations for this process: the environment, the user (euid) and
// their home. system_dir replaces /etc/containers (tests).
ConfigLocations default_config_locations(const std::string& system_dir = "/etc/containers");

class RegistriesConf {
public:
  RegistriesConf() = default;

  // Reads and merges the files; malformed TOML or an invalid table throws an
  // Error naming the file (and the line, for TOML syntax and type errors).
  static RegistriesConf load(const ConfigLocations& locations);
  // load(default_config_locations()).
  static RegistriesConf load_default();
  // One document (tests, tools); `file` names it in errors.
  static RegistriesConf parse(std::string_view text, const std::string& file);

  // The [[registry]] with the longest prefix matching name ("host/path",
  // image::Reference::name()), or nullptr.
  const RegistryEntry* find(std::string_view name) const;

  // Sources for ref: the mirrors that apply (by digest / by tag), then the
  // registry itself, with the repository rewritten from prefix to location.
  // tls_verify: --tls-verify when given (true forces verification except on
  // loopback; false makes every source insecure).
  PullPlan pull_plan(const image::Reference& ref, std::optional<bool> tls_verify = {}) const;
  // Where to push ref: the registry itself (never a mirror), rewritten;
  // throws when it is blocked.
  PullSource push_target(const image::Reference& ref, std::optional<bool> tls_verify = {}) const;

  // Whether host[:port] may be spoken to over plain HTTP / unverified TLS:
  // loopback always, else --tls-verify when given, else insecure = true.
  bool is_insecure(std::string_view host, std::optional<bool> tls_verify = {}) const;

  // [aliases] value for a short name ("centos" -> "quay.io/centos/centos").
  std::optional<std::string> alias(std::string_view short_name) const;
  // unqualified-search-registries as written.
  const std::vector<std::string>& unqualified_search_registries() const { return search_; }
  // The candidates for what the user typed, in order: a fully qualified
  // reference is itself; a short name ("nginx", "ns/img:tag") is its alias
  // when there is one, else each unqualified-search registry when that
  // list is set and docker.io is not its first entry (an opt-in), else
  // Docker's docker.io/library/... normalization. Never prompts.
  std::vector<image::Reference> resolve(std::string_view text) const;

  const std::vector<RegistryEntry>& registries() const { return registries_; }
  // The files that were read, in order.
  const std::vector<std::string>& files() const { return files_; }

  // Merges a later file into this one (drop-in rules).
  void merge(RegistriesConf later);

private:
  std::vector<RegistryEntry> registries_;
  std::vector<std::string> search_;
  bool search_set_ = false;
  std::vector<std::pair<std::string, std::string>> aliases_;  // "" value: removed by a drop-in
  std::vector<std::string> files_;
};

// 127.0.0.0/8, ::1 and localhost, with or without a port ("[::1]:5000").
bool is_loopback_host(std::string_view host);

// True when text names no registry: its first path component has no '.'
// or ':' and is not "localhost" ("nginx", "library/nginx:1").
bool is_short_name(std::string_view text);

// certs.d directories searched for HOST[:PORT]/{ca.crt,*.cert,*.key}, in
// order: ~/.config/containers/certs.d, /etc/containers/certs.d,
// /etc/docker/certs.d.
std::vector<std::string> certs_dirs();
// The first certs.d/HOST[:PORT] directory that exists among dirs, or "".
std::string certs_dir_for_host(std::string_view host, const std::vector<std::string>& dirs);

}  // namespace kayak::registry

// registries.conf: validation of one file, drop-in merging, and the
// questions asked of the result (which [[registry]] matches, where to pull
// from, what is insecure, what a short name means).
#include "kayak/registry/config.hpp"

#include "registries_conf_file.hpp"

#include "kayak/util/error.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace kayak::registry {

namespace {

// Trailing slashes are dropped; a scheme is refused (registries.conf names
// hosts, not URLs).
std::string clean_location(const std::string& input, const std::string& where) {
  std::string out = input;
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (out.starts_with("http://") || out.starts_with("https://")) {
    fail("{}: invalid location '{}': URI schemes are not supported", where, input);
  }
  return out;
}

bool is_wildcard(std::string_view prefix) { return prefix.starts_with("*."); }

MirrorUse mirror_use(const std::string& value, const std::string& where, const std::string& location) {
  if (value.empty() || value == "all") return MirrorUse::All;
  if (value == "digest-only") return MirrorUse::DigestOnly;
  if (value == "tag-only") return MirrorUse::TagOnly;
  fail("{}: unsupported pull-from-mirror value \"{}\" for mirror \"{}\"", where, value, location);
}

RegistryEntry validate(const detail::RawRegistry& raw, const std::string& file) {
  std::string where = fmt::format("{}:{}", file, raw.line);
  RegistryEntry entry;
  entry.file = file;
  entry.insecure = raw.insecure;
  entry.blocked = raw.blocked;
  entry.mirror_by_digest_only = raw.mirror_by_digest_only;
  entry.location = clean_location(raw.location, where);
  if (raw.prefix.empty()) {
    if (entry.location.empty()) fail("{}: invalid condition: both location and prefix are unset", where);
    entry.prefix = entry.location;
  } else {
    entry.prefix = clean_location(raw.prefix, where);
    bool wildcard = is_wildcard(entry.prefix);
    if ((wildcard && entry.prefix.find_first_of("/@:*", 2) != std::string::npos) ||
        (!wildcard && entry.prefix.find('*') != std::string::npos)) {
      fail("{}: invalid prefix '{}': wildcarded prefix should be in the format: *.example.com", where, raw.prefix);
    }
    if (!wildcard && entry.location.empty()) {
      fail("{}: invalid condition: location is unset and prefix is not in the format: *.example.com", where);
    }
  }
  if (!raw.pull_from_mirror.empty()) {
    fail("{}: pull-from-mirror must not be set for a non-mirror registry \"{}\"", where, entry.prefix);
  }
  for (const auto& raw_mirror : raw.mirrors) {
    std::string mirror_where = fmt::format("{}:{}", file, raw_mirror.line);
    Mirror mirror;
    mirror.location = clean_location(raw_mirror.location, mirror_where);
    if (mirror.location.empty()) fail("{}: invalid condition: mirror location is unset", mirror_where);
    if (entry.mirror_by_digest_only && !raw_mirror.pull_from_mirror.empty()) {
      fail("{}: cannot set mirror usage mirror-by-digest-only for the registry (\"{}\") and pull-from-mirror "
           "for per-mirror (\"{}\") at the same time", mirror_where, entry.prefix, mirror.location);
    }
    mirror.use = mirror_use(raw_mirror.pull_from_mirror, mirror_where, mirror.location);
    mirror.insecure = raw_mirror.insecure;
    entry.mirrors.push_back(std::move(mirror));
  }
  return entry;
}

// The part of name ("host/path") matched by prefix, or npos. Plain prefixes
// match whole path components; "*.example.com" matches any subdomain host.
size_t matched_length(std::string_view name, std::string_view prefix) {
  if (is_wildcard(prefix)) {
    std::string_view domain = prefix.substr(1);  // ".example.com"
    std::string_view host = name.substr(0, name.find('/'));
    if (host.size() <= domain.size()) return std::string_view::npos;
    size_t end = host.size();
    // A port after the domain belongs to the host but not to the match.
    if (size_t colon = host.rfind(':'); colon != std::string_view::npos && colon > host.rfind(']') + 1) end = colon;
    if (host.substr(0, end).ends_with(domain) && end > domain.size()) return end;
    return std::string_view::npos;
  }
  if (!name.starts_with(prefix)) return std::string_view::npos;
  if (name.size() == prefix.size() || name[prefix.size()] == '/') return prefix.size();
  return std::string_view::npos;
}

std::string tag_digest_suffix(const image::Reference& ref) {
  std::string out;
  if (!ref.tag.empty()) out += ":" + ref.tag;
  if (!ref.digest.empty()) out += "@" + ref.digest;
  return out;
}

// ref's name with prefix replaced by location (kept as is when location
// is empty: a wildcard entry that only sets flags or mirrors).
image::Reference rewrite(const image::Reference& ref, const std::string& prefix, const std::string& location) {
  std::string name = ref.name();
  if (location.empty()) return ref;
  size_t length = matched_length(name, prefix);
  if (length == std::string_view::npos) fail("invalid prefix '{}' for reference '{}'", prefix, ref.str());
  std::string rewritten = location + name.substr(length);
  try {
    return image::parse_reference(rewritten + tag_digest_suffix(ref), false);
  } catch (const Error& e) {
    fail("rewriting reference {} with registries.conf location {}: {}", ref.str(), location, e.what());
  }
}

PullSource make_source(image::Reference ref, bool insecure, bool mirror) {
  PullSource source;
  source.endpoint = ref.domain;
  source.repository = ref.path;
  source.reference = std::move(ref);
  source.insecure = insecure || is_loopback_host(source.endpoint);
  source.mirror = mirror;
  return source;
}

bool effective_insecure(bool configured, std::optional<bool> tls_verify) {
  return tls_verify ? !*tls_verify : configured;
}

void validate_alias(const std::string& key, const std::string& value, const std::string& file) {
  auto bad = [&](std::string_view why) { fail("{}: alias \"{}\" = \"{}\": {}", file, key, value, why); };
  if (key.empty() || !is_short_name(key)) bad("the alias must be a short name (no registry)");
  if (key.find_first_of(":@") != std::string::npos) bad("the alias must not contain a tag or digest");
  if (value.empty()) return;  // removes an alias of an earlier file
  if (is_short_name(value)) bad("the value must be a fully qualified name (with a registry)");
  image::Reference target;
  try {
    target = image::parse_reference(value, false);
  } catch (const Error& e) {
    bad(e.what());
  }
  if (!target.tag.empty() || !target.digest.empty()) bad("the value must not contain a tag or digest");
}

}  // namespace

void PullPlan::check_not_blocked() const {
  if (blocked) throw Error(blocked_error);
}

RegistriesConf RegistriesConf::parse(std::string_view text, const std::string& file) {
  detail::RawConfig raw = detail::parse_registries_toml(text, file);
  RegistriesConf conf;
  conf.files_.push_back(file);
  if (raw.has_v1) {
    if (!raw.registries.empty() || raw.unqualified_search) fail("{}: mixing sysregistry v1/v2 is not supported", file);
    // Version 1: one entry per host, blocked and/or insecure.
    auto entry_for = [&](const std::string& host) -> RegistryEntry& {
      std::string location = clean_location(host, file);
      if (location.empty()) fail("{}: invalid location: cannot be empty", file);
      for (auto& entry : conf.registries_) {
        if (entry.location == location) return entry;
      }
      RegistryEntry entry;
      entry.prefix = entry.location = location;
      entry.file = file;
      conf.registries_.push_back(std::move(entry));
      return conf.registries_.back();
    };
    for (const auto& host : raw.v1_block) entry_for(host).blocked = true;
    for (const auto& host : raw.v1_insecure) entry_for(host).insecure = true;
    if (!raw.v1_search.empty()) raw.unqualified_search = raw.v1_search;
  }
  for (const auto& registry : raw.registries) {
    RegistryEntry entry = validate(registry, file);
    // Within one file the last table for a prefix wins, as across files.
    auto same = std::find_if(conf.registries_.begin(), conf.registries_.end(),
                             [&](const RegistryEntry& e) { return e.prefix == entry.prefix; });
    if (same != conf.registries_.end()) *same = std::move(entry);
    else conf.registries_.push_back(std::move(entry));
  }
  if (raw.unqualified_search) {
    conf.search_set_ = true;
    for (const auto& host : *raw.unqualified_search) {
      std::string location = clean_location(host, file);
      if (location.empty() || location.find('/') != std::string::npos) {
        fail("{}: invalid unqualified-search-registries entry \"{}\"", file, host);
      }
      conf.search_.push_back(location);
    }
  }
  for (auto& [key, value] : raw.aliases) {
    validate_alias(key, value, file);
    conf.aliases_.emplace_back(key, value);
  }
  return conf;
}

void RegistriesConf::merge(RegistriesConf later) {
  for (auto& entry : later.registries_) {
    auto same = std::find_if(registries_.begin(), registries_.end(),
                             [&](const RegistryEntry& e) { return e.prefix == entry.prefix; });
    if (same != registries_.end()) *same = std::move(entry);
    else registries_.push_back(std::move(entry));
  }
  if (later.search_set_) {
    search_ = std::move(later.search_);
    search_set_ = true;
  }
  for (auto& [key, value] : later.aliases_) {
    auto same = std::find_if(aliases_.begin(), aliases_.end(), [&](const auto& a) { return a.first == key; });
    if (same != aliases_.end()) same->second = std::move(value);
    else aliases_.emplace_back(std::move(key), std::move(value));
  }
  for (auto& file : later.files_) files_.push_back(std::move(file));
}

void detail::check_registry_conflicts(const std::vector<RegistryEntry>& registries) {
  // A location may appear under several prefixes (different mirrors per
  // namespace), but its own security settings must agree.
  for (size_t i = 0; i < registries.size(); ++i) {
    for (size_t j = i + 1; j < registries.size(); ++j) {
      const auto& a = registries[i];
      const auto& b = registries[j];
      if (a.location.empty() || a.location != b.location) continue;
      if (a.insecure != b.insecure) {
        fail("registry '{}' is defined multiple times with conflicting 'insecure' setting ({} and {})", a.location,
             a.file, b.file);
      }
      if (a.blocked != b.blocked) {
        fail("registry '{}' is defined multiple times with conflicting 'blocked' setting ({} and {})", a.location,
             a.file, b.file);
      }
    }
  }
}

const RegistryEntry* RegistriesConf::find(std::string_view name) const {
  const RegistryEntry* best = nullptr;
  for (const auto& entry : registries_) {
    if (matched_length(name, entry.prefix) == std::string_view::npos) continue;
    if (!best || entry.prefix.size() > best->prefix.size()) best = &entry;
  }
  return best;
}

PullPlan RegistriesConf::pull_plan(const image::Reference& ref, std::optional<bool> tls_verify) const {
  PullPlan plan;
  const RegistryEntry* entry = find(ref.name());
  if (!entry) {
    plan.sources.push_back(make_source(ref, effective_insecure(false, tls_verify), false));
    return plan;
  }
  plan.file = entry->file;
  if (entry->blocked) {
    plan.blocked = true;
    plan.blocked_error = fmt::format("registry {} is blocked in {}", entry->prefix, entry->file);
    return plan;
  }
  bool by_digest = !ref.digest.empty();
  for (const auto& mirror : entry->mirrors) {
    if (entry->mirror_by_digest_only && !by_digest) continue;
    if (mirror.use == MirrorUse::DigestOnly && !by_digest) continue;
    if (mirror.use == MirrorUse::TagOnly && by_digest) continue;
    plan.sources.push_back(
      make_source(rewrite(ref, entry->prefix, mirror.location), effective_insecure(mirror.insecure, tls_verify), true));
  }
  plan.sources.push_back(
    make_source(rewrite(ref, entry->prefix, entry->location), effective_insecure(entry->insecure, tls_verify), false));
  return plan;
}

PullSource RegistriesConf::push_target(const image::Reference& ref, std::optional<bool> tls_verify) const {
  PullPlan plan = pull_plan(ref, tls_verify);
  plan.check_not_blocked();
  return plan.sources.back();
}

bool RegistriesConf::is_insecure(std::string_view host, std::optional<bool> tls_verify) const {
  if (is_loopback_host(host)) return true;
  if (tls_verify) return !*tls_verify;
  const RegistryEntry* entry = find(host);
  return entry && entry->insecure;
}

std::optional<std::string> RegistriesConf::alias(std::string_view short_name) const {
  for (const auto& [key, value] : aliases_) {
    if (key == short_name) return value.empty() ? std::nullopt : std::optional<std::string>(value);
  }
  return std::nullopt;
}

std::vector<image::Reference> RegistriesConf::resolve(std::string_view text) const {
  if (!is_short_name(text)) return {image::parse_reference(text)};
  // Split off the tag / digest: the alias table is keyed by the name alone.
  size_t at = text.find('@');
  std::string_view name = text.substr(0, at);
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && name.find('/', colon) == std::string_view::npos) name = name.substr(0, colon);
  std::string_view suffix = text.substr(name.size());
  if (auto target = alias(name)) return {image::parse_reference(*target + std::string(suffix))};
  if (!search_.empty() && search_.front() != "docker.io") {
    std::vector<image::Reference> out;
    for (const auto& registry : search_) out.push_back(image::parse_reference(registry + "/" + std::string(text)));
    return out;
  }
  return {image::parse_reference(text)};
}

bool is_short_name(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return true;
  std::string_view first = text.substr(0, slash);
  return first.find_first_of(".:") == std::string_view::npos && first != "localhost";
}

bool is_loopback_host(std::string_view host) {
  std::string name;
  if (host.starts_with('[')) {
    size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    name = host.substr(1, close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    name = host.substr(0, host.find(':'));
  } else {
    name = host;
  }
  if (name == "localhost") return true;
  unsigned char addr[16];
  if (::inet_pton(AF_INET, name.c_str(), addr) == 1) return addr[0] == 127;
  if (::inet_pton(AF_INET6, name.c_str(), addr) == 1) {
    static const unsigned char loopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const unsigned char mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(addr, loopback6, 16) == 0) return true;
    return std::memcmp(addr, mapped_prefix, 12) == 0 && addr[12] == 127;
  }
  return false;
}

}  // namespace kayak::registry

// Image references: Docker's grammar (distribution/reference) checked by a
// hand-written matcher rather than std::regex, which is slow to build and
// backtracks badly on hostile input. Every parse is linear in the input.
#include "kayak/image/reference.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>

namespace kayak::image {

namespace {

constexpr size_t kMaxPathLength = 255;
constexpr std::string_view kDefaultDomain = "docker.io";
constexpr std::string_view kLegacyDefaultDomain = "index.docker.io";
constexpr std::string_view kOfficialPrefix = "library/";
constexpr std::string_view kDefaultTag = "latest";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || is_digit(c); }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_lower_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

bool all_of(std::string_view text, bool (*pred)(char)) {
  return std::all_of(text.begin(), text.end(), pred);
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool valid_domain_component(std::string_view part) {
  if (part.empty() || !is_alnum(part.front()) || !is_alnum(part.back())) return false;
  return all_of(part, [](char c) { return is_alnum(c) || c == '-'; });
}

// domain := (domain-name | "[" ipv6 "]") [":" port]
bool valid_domain(std::string_view domain) {
  std::string_view host = domain;
  std::string_view port;
  bool has_port = false;
  if (!domain.empty() && domain.front() == '[') {
    size_t close = domain.find(']');
    if (close == std::string_view::npos) return false;
    std::string_view inside = domain.substr(1, close - 1);
    if (inside.empty() || !all_of(inside, [](char c) { return is_hex(c) || c == ':'; })) return false;
    std::string_view rest = domain.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      has_port = true;
      port = rest.substr(1);
    }
  } else {
    size_t colon = domain.find(':');
    if (colon != std::string_view::npos) {
      has_port = true;
      port = domain.substr(colon + 1);
      host = domain.substr(0, colon);
    }
    if (host.empty()) return false;
    size_t start = 0;
    while (true) {
      size_t dot = host.find('.', start);
      if (!valid_domain_component(host.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  }
  return !has_port || (!port.empty() && all_of(port, is_digit));
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*,
// separator := [_.] | "__" | "-"+
bool valid_path_component(std::string_view part) {
  size_t i = 0;
  auto alnum_run = [&] {
    size_t start = i;
    while (i < part.size() && is_lower_alnum(part[i])) ++i;
    return i > start;
  };
  if (!alnum_run()) return false;
  while (i < part.size()) {
    char c = part[i];
    if (c == '.') {
      ++i;
    } else if (c == '_') {
      ++i;
      if (i < part.size() && part[i] == '_') ++i;
    } else if (c == '-') {
      while (i < part.size() && part[i] == '-') ++i;
    } else {
      return false;
    }
    if (!alnum_run()) return false;
  }
  return true;
}

bool valid_path(std::string_view path) {
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    if (!valid_path_component(path.substr(start, slash == std::string_view::npos ? slash : slash - start)))
      return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

// tag := [\w][\w.-]{0,127}
bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || !is_word(tag.front())) return false;
  return all_of(tag, [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

// digest := algorithm ":" hex, algorithm := component ([-_+.] component)*,
// component := [A-Za-z][A-Za-z0-9]*, hex := [0-9a-fA-F]{32,}. Only the
// grammar; which algorithms we accept is checked afterwards.
bool digest_grammar(std::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view hex = digest.substr(colon + 1);
  if (hex.size() < 32 || !all_of(hex, is_hex)) return false;
  bool expect_start = true;
  for (char c : algorithm) {
    if (expect_start) {
      if (!is_alpha(c)) return false;
      expect_start = false;
    } else if (c == '-' || c == '_' || c == '+' || c == '.') {
      expect_start = true;
    } else if (!is_alnum(c)) {
      return false;
    }
  }
  return !expect_start;
}

struct Parts {
  std::string_view domain, path, tag, digest;
};

// The whole reference grammar: [domain "/"] path [":" tag] ["@" digest].
// As with the regular expression it mirrors, a first element that is not a
// valid domain is tried as a path component instead.
bool match_reference(std::string_view text, Parts& out) {
  out = Parts{};
  std::string_view rest = text;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    out.digest = rest.substr(at + 1);
    if (!digest_grammar(out.digest)) return false;
    rest = rest.substr(0, at);
  }
  // A tag follows the last ':' when no '/' comes after it (a ':' before a
  // '/' belongs to a domain's port).
  size_t colon = rest.rfind(':');
  size_t slash = rest.rfind('/');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    out.tag = rest.substr(colon + 1);
    if (!valid_tag(out.tag)) return false;
    rest = rest.substr(0, colon);
  }
  size_t first_slash = rest.find('/');
  if (first_slash != std::string_view::npos && valid_domain(rest.substr(0, first_slash)) &&
      valid_path(rest.substr(first_slash + 1))) {
    out.domain = rest.substr(0, first_slash);
    out.path = rest.substr(first_slash + 1);
    return true;
  }
  if (!valid_path(rest)) return false;
  out.path = rest;
  return true;
}

// Which part of a user's text names the registry. The first element is a
// domain when it contains '.' or ':', is "localhost", or has upper-case
// letters (namespaces cannot); otherwise the name is on Docker Hub, where
// one-element names live under library/.
std::pair<std::string, std::string> split_docker_domain(std::string_view text) {
  std::string domain;
  std::string remainder;
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return {std::string(kDefaultDomain), std::string(kOfficialPrefix) + std::string(text)};
  std::string_view first = text.substr(0, slash);
  std::string_view after = text.substr(slash + 1);
  if (first == "localhost") {
    domain = first, remainder = after;
  } else if (first == kLegacyDefaultDomain) {
    domain = kDefaultDomain, remainder = after;
  } else if (first.find_first_of(".:") != std::string_view::npos || str::to_lower(first) != first) {
    domain = first, remainder = after;
  } else {
    domain = kDefaultDomain, remainder = text;
  }
  if (domain == kDefaultDomain && remainder.find('/') == std::string::npos) remainder = std::string(kOfficialPrefix) + remainder;
  return {domain, remainder};
}

// Digest algorithms we can verify: sha256 only, the one every registry and
// archive uses; go-digest's messages for the others.
void check_digest(std::string_view digest) {
  size_t colon = digest.find(':');
  std::string_view algorithm = digest.substr(0, colon);
  std::string_view hex = digest.substr(colon + 1);
  if (algorithm != "sha256") fail("unsupported digest algorithm");
  if (hex.size() != 64) fail("invalid checksum digest length");
  if (!all_of(hex, is_lower_hex)) fail("invalid checksum digest format");
}

}  // namespace

std::string Reference::name() const { return domain.empty() ? path : domain + "/" + path; }

std::string Reference::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string Reference::familiar_name() const {
  if (domain != kDefaultDomain) return name();
  std::string_view p = path;
  if (p.starts_with(kOfficialPrefix) && p.substr(kOfficialPrefix.size()).find('/') == std::string_view::npos)
    p.remove_prefix(kOfficialPrefix.size());
  // "docker.io/a.b/c" shown as "a.b/c" would name registry a.b when typed
  // back in; Docker prints it anyway, we keep the domain so the name shown
  // is the name meant. (Docker Hub namespaces cannot hold '.', so real
  // Hub images never get here.)
  size_t slash = p.find('/');
  if (slash != std::string_view::npos) {
    std::string_view first = p.substr(0, slash);
    if (first.find_first_of(".:") != std::string_view::npos || first == "localhost") return name();
  }
  return std::string(p);
}

std::string Reference::familiar() const {
  std::string out = familiar_name();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

Reference parse_reference(std::string_view text, bool add_latest) {
  if (text.size() == 64 && all_of(text, is_lower_hex))
    fail("invalid repository name ({}), cannot specify 64-byte hexadecimal strings", text);

  auto [domain, remainder] = split_docker_domain(text);
  std::string_view remote = std::string_view(remainder).substr(0, remainder.find(':'));
  if (str::to_lower(remote) != remote)
    fail("invalid reference format: repository name ({}) must be lowercase", remote);

  std::string full = domain + "/" + remainder;
  Parts parts;
  if (!match_reference(full, parts)) {
    std::string lower = str::to_lower(full);
    if (lower != full && match_reference(lower, parts)) fail("repository name must be lowercase");
    fail("invalid reference format");
  }
  // A first element that is no valid domain ("my_host.com/x") would leave
  // the reference without a registry; Docker keeps such names, we refuse
  // them rather than guess where they live.
  if (parts.domain.empty()) fail("invalid reference format");
  if (parts.path.size() > kMaxPathLength) fail("repository name must not be more than {} characters", kMaxPathLength);
  if (!parts.digest.empty()) check_digest(parts.digest);

  Reference ref{std::string(parts.domain), std::string(parts.path), std::string(parts.tag), std::string(parts.digest)};
  if (add_latest && ref.tag.empty() && ref.digest.empty()) ref.tag = kDefaultTag;
  return ref;
}

bool looks_like_id(std::string_view text) {
  if (text.starts_with("sha256:")) text.remove_prefix(7);
  return !text.empty() && text.size() <= 64 && all_of(text, is_lower_hex);
}

}  // namespace kayak::image

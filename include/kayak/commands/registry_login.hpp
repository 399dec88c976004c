// `login` and `logout`: credentials checked against the registry, then kept
// where podman keeps them (registry/auth_files.hpp). Prompting and printing
// are the CLI's; these functions only decide and store.
#pragma once

#include "kayak/registry/auth_files.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace kayak::commands {

// What a login/logout argument names: the credential key ("quay.io",
// "quay.io/ns/repo"; a URL becomes its host[:port]) and its registry.
struct LoginTarget {
  std::string key;
  std::string registry;  // normalized: "docker.io" for any Docker Hub host
};

// "" means Docker Hub, as for Docker. Throws for a key with a tag or digest.
LoginTarget login_target(std::string_view argument);

struct LoginOptions {
  std::string authfile;              // --authfile ("" default)
  std::optional<bool> tls_verify;    // --tls-verify when given
  std::string cert_dir;              // --cert-dir ("" certs.d defaults)
};

// The credentials stored for target (any file read for it), or nullopt.
std::optional<registry::FoundCredentials> stored_login(const LoginTarget& target, const LoginOptions& options);

// Checks credentials against the registry (GET /v2/); throws
// `logging into "REGISTRY": <why>` when the registry refuses them.
void verify_login(const LoginTarget& target, const registry::Credentials& credentials, const LoginOptions& options);

// verify_login, then saves them to the auth file (or its helper).
void login(const LoginTarget& target, const registry::Credentials& credentials, const LoginOptions& options);

// The user name stored for target; throws "not logged into KEY".
std::string get_login(const LoginTarget& target, const LoginOptions& options);

// Removes target's credentials from the auth file; throws "not logged into
// KEY" (with a hint when only Docker's config.json has them).
void logout(const LoginTarget& target, const LoginOptions& options);
void logout_all(const LoginOptions& options);

}  // namespace kayak::commands

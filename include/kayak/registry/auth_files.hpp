// Where credentials live, as podman and Docker keep them:
//
//   written (login/logout): --authfile, else $REGISTRY_AUTH_FILE, else
//     ${XDG_RUNTIME_DIR}/containers/auth.json; without a usable
//     XDG_RUNTIME_DIR: /run/containers/0/auth.json for root (podman's own
//     path) and /tmp/kayak-$UID/containers/auth.json otherwise (kayak's
//     runroot fallback, store/paths.hpp).
//   read, first match wins: the written file; then, unless a file was named
//     (--authfile / $REGISTRY_AUTH_FILE), ${XDG_CONFIG_HOME:-~/.config}/
//     containers/auth.json and Docker's ${DOCKER_CONFIG:-~/.docker}/config.json.
//
// Inside a file: "auths" maps a registry ("quay.io"), a namespace or a
// repository ("quay.io/ns", "quay.io/ns/repo") to {"auth": base64(user:pass),
// "identitytoken": ...}; the most specific key wins. Keys written as URLs
// ("https://index.docker.io/v1/") count as their host; docker.io,
// index.docker.io and registry-1.docker.io are one registry. "credHelpers"
// (per registry) and Docker's "credsStore" (for all) hand the secret to a
// docker-credential-NAME program instead: the secret travels on its
// stdin/stdout only, never in arguments.
//
// Writes keep every other key of the file, go through a temp file and
// rename, with mode 0600 in a directory created 0700.
#pragma once

#include "kayak/registry/client.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::registry {

struct AuthFile {
  std::string path;
  // Docker's config.json: Docker Hub is keyed "https://index.docker.io/v1/"
  // there, also for its credential helpers.
  bool docker = false;
};

// ${XDG_RUNTIME_DIR}/containers/auth.json or the fallback described above.
std::string default_auth_file();
// The file login writes and logout edits. authfile: --authfile ("" none).
std::string auth_file_to_write(const std::string& authfile);
// The files read for credentials, in order.
std::vector<AuthFile> auth_files_to_read(const std::string& authfile);

// "https://quay.io/v1/" -> "quay.io", "index.docker.io" -> "docker.io";
// "quay.io/ns/repo" stays. What keys are compared by.
std::string normalize_auth_key(std::string_view key);
// The registry host of a key ("quay.io/ns/repo" -> "quay.io").
std::string auth_key_registry(std::string_view key);

struct FoundCredentials {
  Credentials credentials;
  std::string key;     // the key that matched, as written in the file
  std::string file;    // the file it came from (or that named the helper)
  std::string helper;  // "docker-credential-NAME" when a helper answered
};

// Credentials for a registry or a repository in it ("docker.io",
// "quay.io/ns/repo"): for each file in order, its credHelpers entry for
// the registry, its "auths" from the most specific key to the registry,
// then its credsStore. nullopt when no file knows it.
std::optional<FoundCredentials> find_credentials(std::string_view key, const std::string& authfile = "");

// Saves credentials under key in auth_file_to_write(authfile), or through
// that file's credential helper for the registry.
void store_credentials(std::string_view key, const Credentials& credentials, const std::string& authfile = "");
// Removes the credentials for key from that file (or its helper); false
// when it held none.
bool remove_credentials(std::string_view key, const std::string& authfile = "");
// Removes every login from that file (and its credHelpers' entries).
void remove_all_credentials(const std::string& authfile = "");

// The docker-credential-NAME protocol (`get`, `store`, `erase` with the
// server on stdin, JSON on stdout). server is what the helper keys by.
std::optional<Credentials> credential_helper_get(const std::string& name, const std::string& server);
void credential_helper_store(const std::string& name, const std::string& server, const Credentials& credentials);
// False when the helper had nothing stored for server.
bool credential_helper_erase(const std::string& name, const std::string& server);

}  // namespace kayak::registry

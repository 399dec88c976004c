// The OCI distribution client: one registry host, spoken to over libcurl's
// multi interface from a single poll loop (DESIGN "Threads": kayak starts
// no threads, so user-namespace work can still be forked off).
//
// What it owns: the /v2/ ping, WWW-Authenticate challenges (Bearer with
// realm/service/scope, Basic), tokens cached per scope until they expire and
// refreshed on 401, TLS per certs.d, plain HTTP for insecure registries,
// proxies from the environment, redirects that drop Authorization when they
// leave the registry, retries with backoff for resets, 5xx and 429
// (Retry-After), and resuming an interrupted blob with Range.
//
// Scheme and TLS: HTTPS first; an insecure registry (ClientOptions.insecure,
// or a loopback host: 127.0.0.0/8, ::1, localhost) falls back to plain HTTP
// when TLS is not spoken there, as Docker and podman do. Certificates are
// verified unless the registry is insecure; a loopback registry is verified
// after all when certs.d holds a CA or client certificate for it.
//
// libcurl is loaded (dlopen) when the first Client is made, not linked:
// commands that never talk to a registry do not pay for loading it.
// Errors: kayak::Error, prefixed with what failed ("manifest latest: HTTP
// 404: manifest unknown", "blob sha256:...: digest mismatch: ...",
// "cannot connect to 127.0.0.1:5000: Connection refused"); callers add
// the command and reference in front. No credential is ever in a message.
//
// What it does not: decide which manifest to use, verify what it fetched
// against anything but the digest it was asked for, or touch the store.
// Every byte it returns is untrusted (registry responses are hostile input).
#pragma once

#include "kayak/archive/extract.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kayak::registry {

// Credentials for one registry, from --creds/-u/-p, auth.json, Docker's
// config.json or a credential helper (auth_files.hpp).
struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // an OAuth refresh token (Docker's "identitytoken")
  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

struct ClientOptions {
  // The registry as references name it ("docker.io", "quay.io",
  // "127.0.0.1:5000"); docker.io is spoken to at registry-1.docker.io.
  std::string registry;
  // The endpoint to talk to instead (a mirror's location), same syntax.
  std::string endpoint;
  // --tls-verify=false (or insecure = true in registries.conf, or a
  // loopback host): plain HTTP allowed, TLS certificates not verified.
  bool insecure = false;
  // certs.d directories to search for HOST:PORT/{*.crt,*.cert,*.key}; the
  // first that has the registry's directory is used. Empty: for non-root
  // ~/.config/containers/certs.d, then /etc/containers/certs.d and
  // /etc/docker/certs.d. *.crt are CAs added to the system's, a *.cert
  // needs the *.key of the same name.
  std::vector<std::string> certs_dirs;
  std::optional<Credentials> credentials;  // none: anonymous
  // Called when a transfer is retried ("Retrying in 2 seconds").
  // (Without it the message goes to log::info.)
  std::function<void(const std::string&)> on_retry;
  // Retries of one request or blob after a transient failure (connection
  // reset, 408, 429, 5xx); the first waits retry_delay (or what Retry-After
  // says), each next one twice as long.
  int max_retries = 3;
  std::chrono::milliseconds retry_delay{1000};
  // put_blob sends blobs larger than this in PATCH chunks of this size (or
  // of the registry's OCI-Chunk-Min-Length when that is larger).
  int64_t upload_chunk_size = 64 * 1024 * 1024;
};

// A manifest or index as received: the bytes, the Content-Type the registry
// sent, and the sha256 digest computed from the bytes (never taken from a
// header).
struct FetchedManifest {
  std::string bytes;
  std::string media_type;
  std::string digest;
};

// One blob download for fetch_blobs. The client writes the blob to path
// (created or truncated; after an interruption it resumes where the file
// ends) and verifies the digest of the whole file; a mismatch or a short
// blob is an error and the file is removed (as are the files of blobs not
// complete when fetch_blobs throws).
struct BlobDownload {
  std::string digest;              // "sha256:<hex>"
  int64_t size = -1;               // from the descriptor; -1: unknown
  std::vector<std::string> urls;   // foreign layers: tried before the registry
  std::string path;
  // Makes a tap that sees every byte of the blob in order as it is written
  // (store::EagerLayers::tap, for extraction while the blob streams in);
  // may be empty. A resumed transfer keeps the tap; when the download has
  // to start again from byte 0 the old tap is dropped (its child aborts)
  // and a fresh one is made. finish(fd) is called once the file is whole.
  std::function<std::unique_ptr<archive::ContentTap>()> make_tap;
  // Progress: bytes written so far, total (-1 unknown). Called often.
  std::function<void(int64_t done, int64_t total)> progress;
  // Called once when the blob is complete and verified.
  std::function<void()> done;
};

class Client {
public:
  explicit Client(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // GET /v2/ with the credentials: throws an Error that says what failed
  // ("unauthorized: incorrect username or password") unless they are good.
  void check_login();

  // GET a manifest by tag or digest with Accept for OCI index, Docker
  // manifest list, OCI manifest and Docker schema2 (or `accept`).
  FetchedManifest get_manifest(const std::string& repository, const std::string& reference,
                               const std::vector<std::string>& accept = {});
  // HEAD of a manifest: its digest, nullopt when missing.
  std::optional<std::string> head_manifest(const std::string& repository, const std::string& reference);
  // GET a small blob (an image config) into memory, verified.
  std::string get_blob(const std::string& repository, const std::string& digest, int64_t size_limit);
  // Downloads blobs, up to `parallel` at once, in one poll loop. Only
  // sha256 digests. Throws on the first blob that fails for good (after
  // retries, and after its foreign URLs); blobs already done stay.
  void fetch_blobs(const std::string& repository, std::vector<BlobDownload>& blobs, int parallel);

  // HEAD /v2/<repo>/blobs/<digest>: the size when present.
  std::optional<int64_t> blob_exists(const std::string& repository, const std::string& digest);
  // Cross-repository mount; false when the registry started an upload instead
  // (that upload is cancelled) or refused.
  bool mount_blob(const std::string& repository, const std::string& digest, const std::string& from_repository);
  // Uploads the blob in the file at path (monolithic, or chunked when large
  // or when the registry asks for it); progress as for BlobDownload.
  void put_blob(const std::string& repository, const std::string& digest, const std::string& path,
                const std::function<void(int64_t done, int64_t total)>& progress = {});
  // PUT a manifest under a tag or digest; returns the digest the registry
  // reports (checked against our own).
  std::string put_manifest(const std::string& repository, const std::string& reference,
                           const std::string& media_type, const std::string& bytes);

  // GET /v2/<repo>/tags/list following Link pagination.
  std::vector<std::string> list_tags(const std::string& repository);
  // GET /v2/_catalog following Link pagination.
  std::vector<std::string> catalog();
  // GET /v1/search?q=term&n=limit: the raw JSON body, or nullopt when the
  // registry has no v1 search (404).
  std::optional<std::string> search_v1(const std::string& term, int limit);

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace kayak::registry

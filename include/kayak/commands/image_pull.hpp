// `pull` from registries (docker://REF and plain references) and the
// implicit pull of `create` / `run` (--pull always|missing|never|newer).
//
// A pull resolves the reference, fetches the manifest (an index: the
// platform's entry), the config, then the layers the store lacks, several
// at once, each streamed into a layer extraction while it downloads
// (store::EagerLayers); store::ingest_image verifies blob digests and
// diff_ids before anything becomes visible. Progress goes to stderr as
// Docker's CLI prints it.
#pragma once

#include "kayak/image/manifest.hpp"
#include "kayak/store/context.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::commands {

// What the user asked for with --platform / --os / --arch / --variant.
struct PlatformFlags {
  std::string platform;  // "os/arch[/variant]"
  std::string os;
  std::string arch;
  std::string variant;
  bool any() const { return !platform.empty() || !os.empty() || !arch.empty() || !variant.empty(); }
};

// The platform to pull: the flags over the host's platform. Throws on
// malformed values and on --platform combined with --os/--arch/--variant.
image::Platform requested_platform(const PlatformFlags& flags);

struct RegistryPullOptions {
  std::string reference;  // as typed, optionally with "docker://"
  bool quiet = false;     // no progress on stderr
  bool all_tags = false;
  PlatformFlags platform;
  std::optional<bool> tls_verify;  // --tls-verify; unset: registries.conf / loopback default
  std::string authfile;
  int max_parallel = 3;
};

struct RegistryPullReport {
  // What `pull` prints on stdout: the full reference
  // ("docker.io/library/nginx:latest"; the repository for --all-tags).
  std::string reference;
  std::vector<std::string> ids;  // image IDs (hex), one per image pulled
};

// True for sources the registry pull handles: "docker://..." and plain
// references (no oci:, oci-archive:, docker-archive: transport).
bool is_registry_source(std::string_view source);

RegistryPullReport pull_from_registry(store::Context& ctx, const RegistryPullOptions& options);

// ---- implicit pulls (create / run) ----

enum class PullPolicy { Missing, Always, Never, Newer };
// "missing", "always", "never", "newer" (Docker and podman also accept
// "ifmissing"/"ifnewer" spellings); throws on anything else.
PullPolicy parse_pull_policy(std::string_view text);

enum class PullAction {
  UseLocal,        // the local image is used as it is
  Pull,            // pull, then use what was pulled
  CompareDigests,  // ask the registry for the tag's digest; pull when it differs
  NoSuchImage,     // --pull never and no local image
};
PullAction decide_pull(PullPolicy policy, bool have_local);

// For --pull newer: whether the registry's digest for the tag (nullopt:
// the registry has none) is new to the local image, whose RepoDigests are
// "name@sha256:...", for the repository `name` ("docker.io/library/nginx").
bool registry_has_newer(const std::vector<std::string>& local_repo_digests, const std::string& name,
                        const std::optional<std::string>& registry_digest);

struct ImplicitPullOptions {
  std::string image;  // as typed
  std::string policy = "missing";
  bool quiet = false;
  PlatformFlags platform;
  std::optional<bool> tls_verify;
  std::string authfile;
};

// Makes sure `image` is in the store as the policy asks, pulling it when
// needed ("Unable to find image 'nginx:latest' locally" first when it is
// missing). Returns the name to resolve afterwards (the image as typed
// when nothing was pulled).
std::string ensure_image(store::Context& ctx, const ImplicitPullOptions& options);

}  // namespace kayak::commands

// The pull that `create` and `run` do by themselves (--pull).
#include "kayak/commands/image_pull.hpp"

#include "pull_registry.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/stream.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace kayak::commands {

std::string ensure_image(store::Context& ctx, const ImplicitPullOptions& options) {
  PullPolicy policy = parse_pull_policy(options.policy);
  std::optional<store::ImageRecord> local;
  {
    store::Store& store = ctx.store();
    FileLock lock = store.lock_shared();
    try {
      local = store.resolve_image(options.image);
    } catch (const Error&) {
      // Not here: the policy decides.
    }
  }
  switch (decide_pull(policy, local.has_value())) {
  case PullAction::UseLocal:
    return options.image;
  case PullAction::NoSuchImage:
    fail("No such image: {}", options.image);
  case PullAction::CompareDigests: {
    // An image named by ID has no registry to ask.
    if (image::looks_like_id(options.image)) return options.image;
    image::Reference ref = image::parse_reference(options.image);
    try {
      auto sources = registry_sources(ref, options.tls_verify, options.authfile);
      auto remote = with_each_source(sources, [&ref](const RegistrySource& source) {
        registry::Client client(source.options);
        return client.head_manifest(source.repository, ref.digest.empty() ? ref.tag : ref.digest);
      });
      if (!registry_has_newer(local->repo_digests, ref.name(), remote)) return options.image;
    } catch (const Error& e) {
      // --pull newer is a wish, not a requirement: the local image serves.
      log::warn("cannot check {} for a newer image, using the local one: {}", ref.familiar(), e.what());
      return options.image;
    }
    break;
  }
  case PullAction::Pull:
    if (!local) {
      // Docker's wording, on stderr, with the tag spelled out.
      std::string shown = image::parse_reference(options.image).familiar();
      std::string line = fmt::format("Unable to find image '{}' locally\n", shown);
      write_all(STDERR_FILENO, line.data(), line.size(), "stderr");
    }
    break;
  }
  RegistryPullOptions pull;
  // Normalized: Docker's run says nothing of a default tag.
  pull.reference = image::parse_reference(options.image).str();
  pull.quiet = options.quiet;
  pull.platform = options.platform;
  pull.tls_verify = options.tls_verify;
  pull.authfile = options.authfile;
  return pull_from_registry(ctx, pull).reference;
}

}  // namespace kayak::commands

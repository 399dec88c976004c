// The pure decisions of a pull: which platform, whether to pull at all.
#include "kayak/commands/image_pull.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>

namespace kayak::commands {

image::Platform requested_platform(const PlatformFlags& flags) {
  if (!flags.platform.empty()) {
    if (!flags.os.empty() || !flags.arch.empty() || !flags.variant.empty()) {
      fail("--platform option can not be specified with --variant, --arch or --os");
    }
    return image::parse_platform(flags.platform);
  }
  image::Platform want = image::host_platform();
  if (!flags.os.empty()) want.os = flags.os;
  if (!flags.arch.empty()) {
    // Another architecture: the host's variant means nothing for it.
    want.architecture = flags.arch;
    want.variant.clear();
  }
  if (!flags.variant.empty()) want.variant = flags.variant;
  // Through the parser, for its checks and aliases (x86_64, aarch64, ...).
  std::string text = want.os + "/" + want.architecture + (want.variant.empty() ? "" : "/" + want.variant);
  return image::parse_platform(text);
}

PullPolicy parse_pull_policy(std::string_view text) {
  std::string word = str::to_lower(text);
  if (word == "missing" || word == "ifmissing" || word == "ifnotpresent") return PullPolicy::Missing;
  if (word == "always" || word == "true") return PullPolicy::Always;
  if (word == "never" || word == "false") return PullPolicy::Never;
  if (word == "newer" || word == "ifnewer") return PullPolicy::Newer;
  fail("invalid pull policy \"{}\": must be missing, always, never or newer", text);
}

PullAction decide_pull(PullPolicy policy, bool have_local) {
  switch (policy) {
  case PullPolicy::Always:
    return PullAction::Pull;
  case PullPolicy::Never:
    return have_local ? PullAction::UseLocal : PullAction::NoSuchImage;
  case PullPolicy::Newer:
    return have_local ? PullAction::CompareDigests : PullAction::Pull;
  case PullPolicy::Missing:
    break;
  }
  return have_local ? PullAction::UseLocal : PullAction::Pull;
}

bool registry_has_newer(const std::vector<std::string>& local_repo_digests, const std::string& name,
                        const std::optional<std::string>& registry_digest) {
  // The tag is gone from the registry: what we have is all there is.
  if (!registry_digest) return false;
  std::string wanted = name + "@" + *registry_digest;
  return std::find(local_repo_digests.begin(), local_repo_digests.end(), wanted) == local_repo_digests.end();
}

bool is_registry_source(std::string_view source) {
  if (source.starts_with("docker://")) return true;
  for (std::string_view transport : {"oci:", "oci-archive:", "docker-archive:"}) {
    if (source.starts_with(transport)) return false;
  }
  return true;
}

}  // namespace kayak::commands

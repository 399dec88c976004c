// How pull and push reach a registry: registries.conf, certs.d and the
// stored credentials, turned into client options.
#include "pull_registry.hpp"

#include "kayak/registry/auth_files.hpp"
#include "kayak/registry/config.hpp"

namespace kayak::commands {

namespace {

// One planned source with the certs.d directories and the credentials
// stored for it (auth.json, Docker's config.json, credential helpers;
// --authfile).
RegistrySource source_from(const registry::PullSource& planned, const std::string& authfile,
                           const std::function<void(const std::string&)>& on_retry) {
  RegistrySource source;
  source.options.registry = planned.endpoint;
  source.options.insecure = planned.insecure;
  source.options.certs_dirs = registry::certs_dirs();
  if (auto found = registry::find_credentials(planned.reference.name(), authfile))
    source.options.credentials = found->credentials;
  source.options.on_retry = on_retry;
  source.repository = planned.repository;
  source.endpoint = planned.endpoint;
  source.mirror = planned.mirror;
  return source;
}

}  // namespace

// Where a registry's references come from and how to talk to it:
// registries.conf (mirrors first, then the registry, with prefix ->
// location rewriting; a blocked registry fails here; insecure = true,
// loopback and --tls-verify decide TLS).
std::vector<RegistrySource> registry_sources(const image::Reference& ref, std::optional<bool> tls_verify,
                                             const std::string& authfile,
                                             std::function<void(const std::string&)> on_retry) {
  registry::RegistriesConf conf = registry::RegistriesConf::load_default();
  registry::PullPlan plan = conf.pull_plan(ref, tls_verify);
  plan.check_not_blocked();
  std::vector<RegistrySource> sources;
  for (const auto& planned : plan.sources) sources.push_back(source_from(planned, authfile, on_retry));
  if (sources.empty()) fail("{}: registries.conf leaves no registry to pull from", ref.familiar());
  return sources;
}

RegistrySource push_destination(const image::Reference& ref, std::optional<bool> tls_verify,
                                const std::string& authfile, std::function<void(const std::string&)> on_retry) {
  registry::RegistriesConf conf = registry::RegistriesConf::load_default();
  return source_from(conf.push_target(ref, tls_verify), authfile, on_retry);
}

}  // namespace kayak::commands

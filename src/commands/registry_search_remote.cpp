// The HTTP half of `search`: asks the registry through registry::Client.
#include "kayak/commands/registry_search.hpp"

#include "kayak/registry/auth_files.hpp"
#include "kayak/registry/client.hpp"
#include "kayak/registry/config.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <climits>

namespace kayak::commands {

namespace {

// As pull reaches a registry: registries.conf's insecure and loopback
// (or --tls-verify), the certs.d directories, and the stored credentials
// for key (the registry, or the repository whose tags are listed).
registry::ClientOptions client_options(const std::string& registry, const std::string& key,
                                       const SearchOptions& options) {
  registry::ClientOptions client;
  client.registry = registry;
  client.insecure = registry::RegistriesConf::load_default().is_insecure(registry, options.tls_verify);
  client.certs_dirs = registry::certs_dirs();
  if (auto found = registry::find_credentials(key, options.authfile)) client.credentials = found->credentials;
  return client;
}

}  // namespace

std::vector<SearchResult> search(const std::string& term, int limit, const SearchFilter& filter,
                                 const SearchOptions& options) {
  SearchTerm target = parse_search_term(term);
  registry::Client client(client_options(target.registry, target.registry, options));
  std::optional<std::string> body;
  try {
    body = client.search_v1(target.term, limit);
  } catch (const Error& e) {
    // Docker Hub always has v1 search, so its errors are the answer; other
    // registries often answer it with errors of their own (401, 405...),
    // and then the catalog is worth a try, as podman does.
    if (target.registry == "docker.io") throw;
    log::debug("v1 search on {} failed, trying the catalog: {}", target.registry, e.what());
  }
  if (body) return filter_search_results(parse_v1_search(*body, target.registry), filter, limit);
  if (target.registry == "docker.io") fail("docker.io has no search endpoint");
  return filter_search_results(catalog_search(client.catalog(), target.registry, target.term), filter, limit);
}

std::vector<std::string> list_tags(const TagsTarget& target, int limit, const SearchOptions& options) {
  registry::Client client(client_options(target.registry, target.registry + "/" + target.repository, options));
  auto tags = client.list_tags(target.repository);
  if (limit > 0 && static_cast<int>(tags.size()) > limit) tags.resize(static_cast<size_t>(limit));
  return tags;
}

}  // namespace kayak::commands

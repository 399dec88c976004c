// How pull, its implicit form and push reach a registry (private to
// commands; registry_sources.cpp).
#pragma once

#include "kayak/image/reference.hpp"
#include "kayak/registry/client.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/log.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kayak::commands {

// One place to pull ref from: a mirror or the registry itself, with the
// client options to reach it and the repository name there.
struct RegistrySource {
  registry::ClientOptions options;
  std::string repository;  // "library/nginx" (rewritten for prefix -> location)
  std::string endpoint;    // "mirror.example:5000"
  bool mirror = false;     // a failure here moves on to the next source
};

// The sources of ref in the order to try them (registries.conf mirrors,
// then the registry; throws when it is blocked), each with --tls-verify,
// certs.d and its stored credentials (--authfile).
std::vector<RegistrySource> registry_sources(const image::Reference& ref, std::optional<bool> tls_verify,
                                             const std::string& authfile,
                                             std::function<void(const std::string&)> on_retry = {});

// Where a push of ref goes: the registry itself (never a mirror), with
// --tls-verify, certs.d and the stored credentials as for a pull; a
// blocked registry fails here.
RegistrySource push_destination(const image::Reference& ref, std::optional<bool> tls_verify,
                                const std::string& authfile, std::function<void(const std::string&)> on_retry = {});

// Runs attempt on each source in turn until one succeeds: a mirror's
// failure is logged (debug) and the next source tried; the registry's own
// failure is thrown.
template <typename Attempt>
auto with_each_source(const std::vector<RegistrySource>& sources, Attempt&& attempt) {
  for (size_t i = 0;; ++i) {
    const RegistrySource& source = sources[i];
    if (!source.mirror || i + 1 == sources.size()) return attempt(source);
    try {
      return attempt(source);
    } catch (const Error& e) {
      log::debug("mirror {}: {}; trying the next source", source.endpoint, e.what());
    }
  }
}

}  // namespace kayak::commands

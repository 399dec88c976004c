// How pull and its implicit form reach a registry (private to commands).
#pragma once

#include "kayak/image/reference.hpp"
#include "kayak/registry/client.hpp"

#include <functional>
#include <optional>
#include <string>

namespace kayak::commands {

// The client options for the registry of ref: --tls-verify, --authfile.
// SEAM(registry-config): see the definition.
registry::ClientOptions registry_client_options(const image::Reference& ref, std::optional<bool> tls_verify,
                                                const std::string& authfile,
                                                std::function<void(const std::string&)> on_retry = {});

}  // namespace kayak::commands

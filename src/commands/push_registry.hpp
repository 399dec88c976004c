// push to a registry (private to commands; see image_push.hpp).
#pragma once

#include "kayak/commands/image_push.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/store/store.hpp"

#include <string>

namespace kayak::commands {

// Pushes record as dest (which has a tag); returns the manifest digest.
// The caller holds the store's shared lock.
std::string push_to_registry(store::Store& store, const store::ImageRecord& record, const image::Reference& dest,
                             const PushOptions& options);

}  // namespace kayak::commands

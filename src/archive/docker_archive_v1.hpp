// Legacy (v1) layer IDs and "<v1id>/json" documents, as `docker save`
// before Docker 25 writes them. Not part of the public API.
#pragma once

#include "kayak/util/json.hpp"

#include <string>
#include <vector>

namespace kayak::archive::detail {

struct V1Layer {
  std::string id;    // 64 hex digits: the layer's directory name
  std::string json;  // content of "<id>/json"
};

// One entry per diff_id, bottom first. Follows Docker's scheme: the ID of
// layer n is the sha256 of a JSON object (keys sorted) holding the layer's
// v1 image fields without id/parent, plus "layer_id" (the chain ID up to n)
// and "parent" (the previous v1 ID as a digest). Lower layers carry only a
// zero "created" and an empty container_config, so the same base layers
// get the same IDs in every image; the top layer carries the image's own
// fields (comment, created, container_config, config, architecture, ...).
std::vector<V1Layer> v1_layers(const json::Value& config, const std::vector<std::string>& diff_ids);

}  // namespace kayak::archive::detail

// `image inspect` and `history`.
#pragma once

#include "kayak/store/store.hpp"
#include "kayak/util/json.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

// Docker's image inspect object, fields in Docker's order.
json::Value inspect_image(store::Store& store, const store::ImageRecord& image, const std::string& driver_name);

// The inspect object as a Go template sees Docker's typed struct: null
// lists print "[]" and null maps "map[]" there, not "<no value>".
json::Value template_view(const json::Value& inspect_object);

struct InspectItem {
  std::string target;
  json::Value object;  // null when not found
  std::string error;
};
std::vector<InspectItem> inspect_images(store::Store& store, const std::vector<std::string>& targets,
                                        const std::string& driver_name);

struct HistoryOptions {
  bool human = true;
  bool no_trunc = false;
};

// Rows (newest first) with Docker's fields: ID, CreatedSince, CreatedAt,
// CreatedBy, Size, Comment.
std::vector<json::Value> image_history(store::Store& store, const std::string& target, const HistoryOptions& options);

}  // namespace kayak::commands

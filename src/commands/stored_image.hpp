// A stored image as the archive writers and push read it (private to
// commands): its layers as plain tars, whatever their blobs' compression.
#pragma once

#include "kayak/archive/image_archive.hpp"
#include "kayak/store/store.hpp"
#include "kayak/util/stream.hpp"

#include <memory>
#include <string>
#include <vector>

namespace kayak::commands {

// The blob at path, decompressed: the layer's tar bytes exactly as its
// diff_id was computed over them. `name` is for error messages.
std::unique_ptr<Reader> open_layer_tar(const std::string& path, const std::string& name);

// The image for write_docker_archive / write_oci_archive, with tags (the
// familiar names to write). Throws when a layer's blob is missing.
archive::SaveImage save_image_of(store::Store& store, const store::ImageRecord& record,
                                 std::vector<std::string> tags);

}  // namespace kayak::commands

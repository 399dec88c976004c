// The layer blobs a push sends (private to commands): the store's own
// blobs when they are compressed already (digests unchanged from the pull,
// so the stored manifest can be pushed as it is), else the layer tar
// compressed now into a staging directory.
#pragma once

#include "kayak/store/store.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kayak::commands {

struct PushLayer {
  std::string diff_id;
  std::string digest;       // of the blob pushed
  int64_t size = 0;
  std::string compression;  // "gzip" or "zstd"
  std::string path;         // the blob's file
  bool stored = false;      // the store's blob, as received (cross-repository mounts can find it)
};

struct LayerCompression {
  std::string format = "gzip";  // for layers the store has uncompressed
  // --compression-format given: layers stored in another compression are
  // recompressed too (as podman does).
  bool forced = false;
};

// "gzip" or "zstd"; throws on anything else, in podman's words.
LayerCompression parse_compression(const std::string& text);

// One entry per layer of record, base first. Compressed blobs are written
// under staging_dir.
std::vector<PushLayer> prepare_push_layers(store::Store& store, const store::ImageRecord& record,
                                           const LayerCompression& compression, const std::string& staging_dir);

}  // namespace kayak::commands

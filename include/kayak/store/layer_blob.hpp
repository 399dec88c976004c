// One layer blob, hashed, decompressed, hashed again and extracted in a
// single pass: what ingest does for every new layer, either itself or (for
// `load`) in an EagerLayers child while the archive is still unpacking.
#pragma once

#include "kayak/archive/extract.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/stream.hpp"

#include <cstdint>
#include <string>

namespace kayak::store::detail {

struct LayerBlobExtraction {
  std::string blob_digest;  // sha256 of the bytes read (compressed)
  uint64_t blob_size = 0;
  std::string diff_id;  // sha256 of the uncompressed tar
  uint64_t tar_size = 0;
  archive::ExtractResult extracted;

  // For passing the result from a child process.
  json::Value to_json() const;
  static LayerBlobExtraction from_json(const json::Value& v);
};

// Reads blob to its end, decompressing (by magic bytes) and extracting the
// tar into diff_dir (which must exist). Throws what extract_tar throws;
// verifying the digests is the caller's job.
LayerBlobExtraction extract_layer_blob(Reader& blob, const std::string& diff_dir,
                                       const archive::ExtractOptions& options, const std::string& label);

}  // namespace kayak::store::detail

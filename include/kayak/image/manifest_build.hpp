// Building the image manifest push sends when it cannot send the stored
// one (layers compressed on the fly, an image loaded from a docker-archive
// or made by commit): OCI or Docker schema 2, as the destination needs.
#pragma once

#include "kayak/image/manifest.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kayak::image {

enum class ManifestFormat { Oci, DockerV2 };

// A layer blob as it will be pushed. compression: "gzip", "zstd", or ""
// (a plain tar).
struct LayerBlob {
  std::string digest;
  int64_t size = 0;
  std::string compression;
};

// The layer media type for the format and compression; throws for zstd in
// Docker schema 2 (which has no zstd layer type) and unknown compressions.
std::string layer_media_type(ManifestFormat format, const std::string& compression);

// The manifest for a config blob (digest, size) and its layers, in order.
Manifest build_manifest(ManifestFormat format, const std::string& config_digest, int64_t config_size,
                        const std::vector<LayerBlob>& layers);

// The bytes to push: compact JSON, fields in the order registries and
// Docker write them (schemaVersion, mediaType, config, layers).
std::string manifest_bytes(const Manifest& manifest);

// The manifest format to build for an image whose stored manifest (if any)
// has media type `stored_media_type`: Docker schema 2 stays Docker schema 2
// unless a layer is zstd; everything else is OCI.
ManifestFormat choose_manifest_format(const std::string& stored_media_type, bool any_zstd);

}  // namespace kayak::image

#include "kayak/image/manifest_build.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"

namespace kayak::image {

std::string layer_media_type(ManifestFormat format, const std::string& compression) {
  if (format == ManifestFormat::Oci) {
    if (compression == "gzip") return media::kOciLayerGzip;
    if (compression == "zstd") return media::kOciLayerZstd;
    if (compression.empty()) return media::kOciLayer;
  } else {
    if (compression == "gzip") return media::kDockerLayerGzip;
    if (compression.empty()) return media::kDockerLayer;
    if (compression == "zstd") fail("Docker schema 2 manifests cannot hold zstd layers: use an OCI manifest");
  }
  fail("no layer media type for compression \"{}\"", compression);
}

Manifest build_manifest(ManifestFormat format, const std::string& config_digest, int64_t config_size,
                        const std::vector<LayerBlob>& layers) {
  bool oci = format == ManifestFormat::Oci;
  Manifest m;
  m.schema_version = 2;
  m.media_type = oci ? media::kOciManifest : media::kDockerManifest;
  m.config.media_type = oci ? media::kOciConfig : media::kDockerConfig;
  m.config.digest = config_digest;
  m.config.size = config_size;
  for (const auto& layer : layers) {
    Descriptor d;
    d.media_type = layer_media_type(format, layer.compression);
    d.digest = layer.digest;
    d.size = layer.size;
    m.layers.push_back(std::move(d));
  }
  return m;
}

std::string manifest_bytes(const Manifest& manifest) { return json::dump(manifest.to_json()); }

ManifestFormat choose_manifest_format(const std::string& stored_media_type, bool any_zstd) {
  if (stored_media_type == media::kDockerManifest && !any_zstd) return ManifestFormat::DockerV2;
  return ManifestFormat::Oci;
}

}  // namespace kayak::image

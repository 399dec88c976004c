// Writing an oci-archive: a tar of an OCI image layout.
//
//   blobs/sha256/<hex>  configs, manifests and uncompressed layers (the
//                       layer digest is its diff_id, so nothing needs
//                       recompressing and the image ID stays the same)
//   index.json          one manifest descriptor per tag, annotated with
//                       org.opencontainers.image.ref.name = the full name
//                       ("docker.io/library/busybox:latest"), as
//                       `podman save --format oci-archive` does; an untagged
//                       image gets one descriptor without a name
//   oci-layout          {"imageLayoutVersion": "1.0.0"}
//
// Entries are sorted, uid/gid 0; configs and layers carry their image's
// "created" time (0 when absent), everything else 0, as for docker-archive.
#include "kayak/archive/image_archive.hpp"

#include "image_archive_internal.hpp"
#include "kayak/image/manifest.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"

#include <algorithm>

namespace kayak::archive {
namespace {

constexpr const char* kBlobDir = "blobs/sha256/";

json::Value descriptor(const char* media_type, const std::string& digest, uint64_t size) {
  json::Value d = json::Value::object();
  d.set("mediaType", media_type);
  d.set("digest", digest);
  d.set("size", size);
  return d;
}

std::string manifest_for(const SaveImage& image) {
  json::Value m = json::Value::object();
  m.set("schemaVersion", 2);
  m.set("mediaType", image::media::kOciManifest);
  m.set("config", descriptor(image::media::kOciConfig, image.config_digest, image.config_bytes.size()));
  json::Value layers = json::Value::array();
  for (const auto& layer : image.layers) layers.push_back(descriptor(image::media::kOciLayer, layer.diff_id, layer.size));
  m.set("layers", std::move(layers));
  return json::dump(m);
}

// Full names ("docker.io/library/busybox:latest"); digest-only references
// name no tag and are left out.
std::vector<std::string> full_names(const std::vector<std::string>& tags) {
  std::vector<std::string> out;
  for (const auto& text : tags) {
    image::Reference ref = image::parse_reference(text);
    if (ref.tag.empty()) continue;
    std::string name = ref.name() + ":" + ref.tag;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

}  // namespace

void write_oci_archive(const std::vector<SaveImage>& images, Writer& out) {
  if (images.empty()) fail("save: no images to write");
  detail::ArchivePlan plan;
  plan.add_directory("blobs", 0);
  plan.add_directory("blobs/sha256", 0);
  json::Value manifests = json::Value::array();

  for (const auto& image : images) {
    std::string what = image.tags.empty() ? image.config_digest : image.tags.front();
    std::vector<std::string> diff_ids;
    for (const auto& layer : image.layers) diff_ids.push_back(layer.diff_id);
    detail::check_save_image(image.config_digest, image.config_bytes, diff_ids, what);
    const int64_t mtime = 0;  // the epoch for every entry, as podman writes

    plan.add_file(kBlobDir + digest_hex(image.config_digest), image.config_bytes, mtime);
    for (const auto& layer : image.layers)
      plan.add_stream(kBlobDir + digest_hex(layer.diff_id), layer.open, layer.size, mtime);
    std::string manifest = manifest_for(image);
    std::string manifest_digest = sha256_digest(manifest);
    plan.add_file(kBlobDir + digest_hex(manifest_digest), manifest, 0);

    std::vector<std::string> names = image.ref_names.empty() ? full_names(image.tags) : image.ref_names;
    if (names.empty()) names.push_back("");
    for (const auto& name : names) {
      json::Value d = descriptor(image::media::kOciManifest, manifest_digest, manifest.size());
      if (!name.empty()) {
        json::Value annotations = json::Value::object();
        annotations.set("org.opencontainers.image.ref.name", name);
        d.set("annotations", std::move(annotations));
      }
      manifests.push_back(std::move(d));
    }
  }

  json::Value index = json::Value::object();
  index.set("schemaVersion", 2);
  index.set("mediaType", image::media::kOciIndex);
  index.set("manifests", std::move(manifests));
  plan.add_file("index.json", json::dump(index), 0);
  plan.add_file("oci-layout", R"({"imageLayoutVersion": "1.0.0"})", 0);
  plan.write(out);
}

}  // namespace kayak::archive

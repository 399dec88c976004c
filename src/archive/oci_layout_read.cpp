// Reading an OCI image layout (a directory, an unpacked oci-archive, or
// Docker >= 25 save output): index.json -> manifests (through nested
// indexes, choosing the host platform) -> config and layer blobs.
#include "kayak/archive/image_archive.hpp"

#include "image_archive_internal.hpp"
#include "kayak/image/config.hpp"
#include "kayak/image/manifest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/strings.hpp"

#include <map>

namespace kayak::archive {
namespace {

using detail::OpenedFile;

constexpr const char* kRefNameAnnotation = "org.opencontainers.image.ref.name";
constexpr const char* kContainerdNameAnnotation = "io.containerd.image.name";
// Indexes pointing at indexes: real images use one level; a loop or a
// deep chain in a hostile layout stops here.
constexpr int kMaxIndexDepth = 4;

class Layout {
public:
  explicit Layout(std::string dir) : dir_(std::move(dir)), root_(detail::open_archive_root(dir_)) {}

  // Opens the blob of a descriptor, checking the digest's form (it becomes
  // a path) and the size.
  OpenedFile open_blob(const image::Descriptor& desc, const std::string& what) const {
    if (!is_sha256_digest(desc.digest)) fail("{}: unsupported or malformed digest '{}'", what, desc.digest);
    std::string rel = "blobs/sha256/" + digest_hex(desc.digest);
    OpenedFile file = detail::open_in_archive(root_.get(), dir_, rel, what);
    if (desc.size < 0 || file.size != static_cast<uint64_t>(desc.size))
      fail("{}: blob {} is {} bytes, the descriptor says {}", what, desc.digest, file.size, desc.size);
    return file;
  }

  // A small blob (manifest, index, config), verified against its digest.
  std::string read_blob(const image::Descriptor& desc, const std::string& what) const {
    OpenedFile file = open_blob(desc, what);
    std::string bytes = detail::read_document(file, what);
    std::string actual = sha256_digest(bytes);
    if (actual != desc.digest) fail("{}: blob {} has digest {}", what, desc.digest, actual);
    return bytes;
  }

  std::string read_file(const std::string& name) const {
    OpenedFile file = detail::open_in_archive(root_.get(), dir_, name, "OCI layout");
    return detail::read_document(file, name);
  }

  ArchiveImage read_image(const image::Descriptor& desc, const std::string& what, int depth) const {
    if (depth > kMaxIndexDepth) fail("{}: indexes nested too deeply", what);
    std::string bytes = read_blob(desc, what);
    json::Value doc = json::parse(bytes, what);
    switch (image::classify_document(doc)) {
    case image::DocumentKind::Index: {
      image::Index index = image::index_from_json(doc, what);
      const image::Descriptor& chosen = image::choose_platform(index, image::host_platform());
      return read_image(chosen, what, depth + 1);
    }
    case image::DocumentKind::Manifest:
      return read_manifest(desc, std::move(bytes), doc, what);
    case image::DocumentKind::Schema1:
      fail("{}: Docker schema 1 manifests are not supported", what);
    case image::DocumentKind::Unknown:
      break;
    }
    fail("{}: {} is neither an image manifest nor an index (media type '{}')", what, desc.digest, desc.media_type);
  }

private:
  ArchiveImage read_manifest(const image::Descriptor& desc, std::string bytes, const json::Value& doc,
                             const std::string& what) const {
    image::Manifest manifest = image::manifest_from_json(doc, what);
    ArchiveImage image;
    image.manifest_bytes = std::move(bytes);
    image.manifest_digest = desc.digest;
    image.config_bytes = read_blob(manifest.config, what + ": config");
    image.config_digest = manifest.config.digest;
    auto diff_ids = image::parse_config(image.config_bytes, what + ": config").diff_ids();
    if (diff_ids.size() != manifest.layers.size())
      fail("{}: {} layers but {} diff_ids in the config", what, manifest.layers.size(), diff_ids.size());
    // Layer digests are checked by the store as it hashes the content;
    // here we only make sure each blob is there, inside, and of its size.
    for (const auto& layer_desc : manifest.layers) {
      OpenedFile file = open_blob(layer_desc, what + ": layer " + layer_desc.digest);
      ArchiveLayer layer;
      layer.path = file.real_path;
      layer.digest = layer_desc.digest;
      layer.media_type = layer_desc.media_type;
      layer.size = layer_desc.size;
      image.layers.push_back(std::move(layer));
    }
    return image;
  }

  std::string dir_;
  UniqueFd root_;
};

// The name an index entry carries. Docker >= 25 puts the full name in
// io.containerd.image.name and only the tag in ref.name, so the full name
// wins; others (podman, skopeo, buildah) use ref.name alone, with either a
// full name or a bare tag ("3.20.3") that the caller completes.
std::string entry_name(const image::Descriptor& desc) {
  std::string full = desc.annotations.string_or(kContainerdNameAnnotation);
  if (!full.empty()) return full;
  return desc.annotations.string_or(kRefNameAnnotation);
}

bool matches_ref(const image::Descriptor& desc, std::string_view ref) {
  return desc.annotations.string_or(kRefNameAnnotation) == ref ||
         desc.annotations.string_or(kContainerdNameAnnotation) == ref;
}

void check_layout_version(const Layout& layout) {
  json::Value doc = json::parse(layout.read_file("oci-layout"), "oci-layout");
  if (!doc.is_object() || !doc["imageLayoutVersion"].is_string())
    fail("malformed oci-layout: no imageLayoutVersion");
}

}  // namespace

std::vector<ArchiveImage> read_oci_layout(const std::string& dir, std::string_view ref) {
  Layout layout(dir);
  check_layout_version(layout);
  image::Index index = image::parse_index(layout.read_file("index.json"), "index.json");

  // Which index entries to read, grouped by tag: one tag may be listed
  // once per platform, and then the host's is taken.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const image::Descriptor*>> by_name;
  std::vector<std::string> available;
  for (const auto& desc : index.manifests) {
    std::string name = entry_name(desc);
    if (!name.empty()) available.push_back(name);
    if (!ref.empty() && !matches_ref(desc, ref)) continue;
    std::string key = ref.empty() ? name : std::string(ref);
    if (key.empty()) key = "@" + desc.digest;  // untagged entries stay apart
    if (!by_name.count(key)) order.push_back(key);
    by_name[key].push_back(&desc);
  }
  if (!ref.empty() && order.empty()) {
    fail("no image named {} in the OCI layout{}", ref,
         available.empty() ? std::string(" (its entries carry no names)") : " (it has: " + str::join(available, ", ") + ")");
  }
  if (order.empty()) fail("index.json lists no images");

  std::vector<ArchiveImage> images;
  std::map<std::string, size_t> by_manifest;  // manifest digest -> images index
  for (const auto& key : order) {
    const auto& candidates = by_name[key];
    const image::Descriptor* chosen = candidates.front();
    bool all_same = true;
    bool all_have_platform = true;
    for (const auto* d : candidates) {
      all_same = all_same && d->digest == chosen->digest;
      all_have_platform = all_have_platform && d->platform.has_value();
    }
    if (!all_same && !all_have_platform)
      fail("index.json lists {} different images named {} without platforms to choose by", candidates.size(), key);
    if (!all_same) {
      image::Index same_name;
      for (const auto* d : candidates) same_name.manifests.push_back(*d);
      const auto& picked = image::choose_platform(same_name, image::host_platform());
      for (const auto* d : candidates)
        if (d->digest == picked.digest) chosen = d;
    }
    std::string tag = key[0] == '@' ? std::string() : key;
    std::string what = tag.empty() ? "image " + chosen->digest : "image " + tag;
    ArchiveImage image = layout.read_image(*chosen, what, 0);
    // Several tags of one image (Docker writes one entry per tag): one
    // image with all of them.
    auto known = by_manifest.find(image.manifest_digest);
    if (known != by_manifest.end()) {
      if (!tag.empty()) images[known->second].tags.push_back(tag);
      continue;
    }
    if (!tag.empty()) image.tags.push_back(tag);
    by_manifest[image.manifest_digest] = images.size();
    images.push_back(std::move(image));
  }
  return images;
}

}  // namespace kayak::archive

// Writing a docker-archive in the legacy layout `docker save` used before
// Docker 25, which every loader understands:
//
//   <v1id>/            one directory per layer (v1 IDs: docker_archive_v1.hpp)
//   <v1id>/VERSION     "1.0"
//   <v1id>/json        the layer's v1 image JSON
//   <v1id>/layer.tar   the uncompressed layer, byte-identical to the store's,
//                      or a symlink to an earlier copy of the same diff_id
//   <config-hex>.json  the image config, byte-identical (so the ID survives)
//   manifest.json      [{"Config", "RepoTags", "Layers"}], one per image
//   repositories       {"name": {"tag": "<top v1id>"}}
//
// Entries are sorted as Docker's tar walker sorts them and carry uid/gid 0,
// mode 0755 (directories) or 0644. Times follow Docker: an image's layer
// directories, their files and its config get the image's "created" time
// (0 when absent); manifest.json and repositories get 0. A layer directory
// shared by several images keeps the time of the first image that has it.
#include "kayak/archive/image_archive.hpp"

#include "docker_archive_v1.hpp"
#include "image_archive_internal.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"

#include <algorithm>
#include <map>

namespace kayak::archive {
namespace {

const json::DumpOptions kGoJson{.indent = 0, .escape_html = true};

struct Tag {
  std::string familiar;       // "myimg/httpd:v1"
  std::string familiar_name;  // "myimg/httpd"
  std::string tag;            // "v1"
};

// Tags as Docker records them; digest-only references name no tag and are
// left out, as Docker does.
std::vector<Tag> parse_tags(const std::vector<std::string>& tags) {
  std::vector<Tag> out;
  for (const auto& text : tags) {
    image::Reference ref = image::parse_reference(text);
    if (ref.tag.empty()) continue;
    Tag tag{image::Reference{ref.domain, ref.path, ref.tag, ""}.familiar(), ref.familiar_name(), ref.tag};
    bool seen = std::any_of(out.begin(), out.end(), [&](const Tag& t) { return t.familiar == tag.familiar; });
    if (!seen) out.push_back(std::move(tag));
  }
  return out;
}

std::vector<std::string> diff_ids_of(const SaveImage& image) {
  std::vector<std::string> ids;
  for (const auto& layer : image.layers) ids.push_back(layer.diff_id);
  return ids;
}

}  // namespace

void write_docker_archive(const std::vector<SaveImage>& images, Writer& out) {
  if (images.empty()) fail("save: no images to write");
  detail::ArchivePlan plan;
  json::Value manifest = json::Value::array();
  // Go maps: keys sorted on output.
  std::map<std::string, std::map<std::string, std::string>> repositories;
  std::map<std::string, std::string> layer_tar_of_diff_id;

  for (const auto& image : images) {
    std::string what = image.tags.empty() ? image.config_digest : image.tags.front();
    std::vector<std::string> diff_ids = diff_ids_of(image);
    detail::check_save_image(image.config_digest, image.config_bytes, diff_ids, what);
    if (diff_ids.empty()) fail("save {}: the image has no layers", what);
    json::Value config = json::parse(image.config_bytes, "config of " + what);
    // Every entry gets the epoch, as podman writes: archives of the same
    // images are byte-identical whenever they are saved.
    const int64_t mtime = 0;
    std::vector<detail::V1Layer> v1 = detail::v1_layers(config, diff_ids);

    json::Value layer_names = json::Value::array();
    for (size_t i = 0; i < v1.size(); ++i) {
      const std::string& dir = v1[i].id;
      std::string layer_tar = dir + "/layer.tar";
      layer_names.push_back(layer_tar);
      if (plan.contains(dir)) continue;
      plan.add_directory(dir, mtime);
      plan.add_file(dir + "/VERSION", "1.0", mtime);
      plan.add_file(dir + "/json", v1[i].json, mtime);
      // The same diff_id under another v1 ID (a base layer that is the top
      // of one image and lower in another): link, as Docker does, so the
      // content is in the archive once.
      auto earlier = layer_tar_of_diff_id.find(diff_ids[i]);
      if (earlier != layer_tar_of_diff_id.end()) {
        plan.add_symlink(layer_tar, "../" + earlier->second, mtime);
      } else {
        const SaveLayer& layer = image.layers[i];
        plan.add_stream(layer_tar, layer.open, layer.size, mtime);
        layer_tar_of_diff_id.emplace(diff_ids[i], layer_tar);
      }
    }

    std::string config_name = digest_hex(image.config_digest) + ".json";
    plan.add_file(config_name, image.config_bytes, mtime);

    std::vector<Tag> tags = parse_tags(image.tags);
    json::Value entry = json::Value::object();
    entry.set("Config", config_name);
    // Docker writes null for an image saved by ID.
    json::Value repo_tags = tags.empty() ? json::Value() : json::Value::array();
    for (const auto& tag : tags) {
      repo_tags.push_back(tag.familiar);
      repositories[tag.familiar_name][tag.tag] = v1.back().id;
    }
    entry.set("RepoTags", std::move(repo_tags));
    entry.set("Layers", std::move(layer_names));
    manifest.push_back(std::move(entry));
  }

  // json.Encoder (which Docker uses for these two) ends with a newline.
  plan.add_file("manifest.json", json::dump(manifest, kGoJson) + "\n", 0);
  if (!repositories.empty()) {
    json::Value repos = json::Value::object();
    for (const auto& [name, tags] : repositories) {
      json::Value by_tag = json::Value::object();
      for (const auto& [tag, id] : tags) by_tag.set(tag, id);
      repos.set(name, std::move(by_tag));
    }
    plan.add_file("repositories", json::dump(repos, kGoJson) + "\n", 0);
  }
  plan.write(out);
}

}  // namespace kayak::archive

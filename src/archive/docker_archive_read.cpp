// Reading a docker-archive directory: manifest.json (Docker < 25 and
// Podman: "<hex>.json" configs and "<v1id>/layer.tar" or "<digest>.tar"
// layers; Docker >= 25: "blobs/sha256/<hex>" for both).
#include "kayak/archive/image_archive.hpp"

#include "image_archive_internal.hpp"
#include "kayak/image/config.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"

namespace kayak::archive {
namespace {

using detail::OpenedFile;

// The hex digest a config's file name claims, "" when the name carries none
// (some writers use other names; the content's digest is then the ID).
std::string hex_in_config_name(const std::string& name) {
  std::string base = fs::basename(name);
  if (base.size() == 64 + 5 && base.ends_with(".json")) base.resize(64);
  return is_sha256_hex(base) ? base : std::string();
}

std::vector<std::string> string_list(const json::Value& entry, const char* key, const std::string& what) {
  const json::Value& v = entry[key];
  if (v.is_null()) return {};
  if (!v.is_array()) fail("{}: {} is not a list", what, key);
  std::vector<std::string> out;
  for (const auto& item : v.as_array()) {
    if (!item.is_string()) fail("{}: {} holds a non-string entry", what, key);
    out.push_back(item.as_string());
  }
  return out;
}

ArchiveImage read_entry(const json::Value& entry, size_t index, int root_fd, const std::string& dir) {
  std::string what = "manifest.json entry " + std::to_string(index + 1);
  if (!entry.is_object()) fail("{}: not an object", what);
  ArchiveImage image;
  image.tags = string_list(entry, "RepoTags", what);
  if (!image.tags.empty()) what = "image " + image.tags.front();

  const json::Value* config_name = entry.find("Config");
  if (!config_name || !config_name->is_string() || config_name->as_string().empty())
    fail("{}: no Config file named in manifest.json", what);
  const std::string& config_path = config_name->as_string();
  OpenedFile config_file = detail::open_in_archive(root_fd, dir, config_path, what + ": config");
  image.config_bytes = detail::read_document(config_file, what + ": config " + config_path);
  image.config_digest = sha256_digest(image.config_bytes);
  std::string claimed = hex_in_config_name(config_path);
  if (!claimed.empty() && "sha256:" + claimed != image.config_digest)
    fail("{}: config {} has digest {}, not the one its name claims", what, config_path, image.config_digest);

  auto diff_ids = image::parse_config(image.config_bytes, what + ": config " + config_path).diff_ids();
  auto layer_paths = string_list(entry, "Layers", what);
  if (layer_paths.size() != diff_ids.size())
    fail("{}: {} layers but {} diff_ids in the config", what, layer_paths.size(), diff_ids.size());

  // Podman writes "<v1id>/layer.tar" as a symlink to "../<digest>.tar" and
  // Docker links repeated layers the same way: links are followed, but
  // only while they stay inside the archive.
  for (const auto& path : layer_paths) {
    OpenedFile file = detail::open_in_archive(root_fd, dir, path, what + ": layer");
    ArchiveLayer layer;
    layer.path = file.real_path;
    layer.size = static_cast<int64_t>(file.size);
    image.layers.push_back(std::move(layer));
  }
  return image;
}

}  // namespace

std::vector<ArchiveImage> read_docker_archive(const std::string& dir) {
  UniqueFd root = detail::open_archive_root(dir);
  OpenedFile manifest_file = detail::open_in_archive(root.get(), dir, "manifest.json", "docker-archive");
  json::Value manifest = json::parse(detail::read_document(manifest_file, "manifest.json"), "manifest.json");
  if (!manifest.is_array()) fail("malformed manifest.json: expected a list of images");
  if (manifest.empty()) fail("manifest.json lists no images");
  // The legacy "repositories" file repeats RepoTags for old clients; the
  // manifest is authoritative, so it is not read.
  std::vector<ArchiveImage> images;
  const auto& entries = manifest.as_array();
  for (size_t i = 0; i < entries.size(); ++i) images.push_back(read_entry(entries[i], i, root.get(), dir));
  return images;
}

}  // namespace kayak::archive

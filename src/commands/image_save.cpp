#include "kayak/commands/image_save.hpp"

#include "kayak/archive/compression.hpp"
#include "kayak/archive/image_archive.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>

namespace kayak::commands {

namespace {

// A stored blob, decompressed: the layer's tar bytes exactly as its diff_id
// was computed over them.
class LayerTarReader : public Reader {
public:
  LayerTarReader(const std::string& path, const std::string& name)
    : fd_(open_or_throw(path)), file_(fd_.get(), path), plain_(file_, name) {}
  size_t read(void* buf, size_t n) override { return plain_.read(buf, n); }

private:
  static UniqueFd open_or_throw(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) fail_errno("open {}", path);
    return fd;
  }
  UniqueFd fd_;
  FdReader file_;
  archive::DecompressingReader plain_;
};

// A repository name without tag or digest (Docker saves all its tags).
bool is_bare_repository(std::string_view text) {
  if (text.find('@') != std::string_view::npos) return false;
  auto slash = text.rfind('/');
  auto colon = text.rfind(':');
  return colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash);
}

// True when the user named the image by (a prefix of) its ID: Docker then
// writes it without tags.
bool named_by_id(std::string_view text, const std::string& id) {
  if (text.substr(0, 7) == "sha256:") text.remove_prefix(7);
  return image::looks_like_id(text) && id.compare(0, text.size(), text) == 0;
}

}  // namespace

void save_images(store::Store& store, const SaveOptions& options) {
  if (options.format != "docker-archive" && options.format != "oci-archive") {
    fail("unsupported save format \"{}\": use docker-archive or oci-archive", options.format);
  }
  if (options.output.empty() && ::isatty(STDOUT_FILENO)) {
    fail("cowardly refusing to save to a terminal. Use the -o flag or redirect");
  }
  if (options.images.empty()) fail("save needs at least one image");

  FileLock lock = store.lock_shared();
  // Image ID -> tags to write, in the order the user named them.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> tags;
  auto add = [&](const std::string& id, const std::string& tag) {
    if (!tags.count(id)) order.push_back(id);
    auto& list = tags[id];
    if (!tag.empty() && std::find(list.begin(), list.end(), tag) == list.end()) list.push_back(tag);
  };
  store::Names names = store.names();
  for (const auto& text : options.images) {
    if (is_bare_repository(text) && !image::looks_like_id(text)) {
      std::string repo = image::parse_reference(text, false).name();
      bool any = false;
      for (const auto& [name, id] : names) {
        if (name.compare(0, repo.size() + 1, repo + ":") == 0) {
          add(id, store::familiar_name(name));
          any = true;
        }
      }
      if (any) continue;
    }
    store::ImageRecord record = store.resolve_image(text);
    std::string tag;
    if (!named_by_id(text, record.id)) {
      // The name as stored (a short name may have matched localhost/...).
      std::string full = image::parse_reference(text).str();
      bool stored = std::any_of(names.begin(), names.end(), [&](const auto& n) { return n.first == full; });
      if (stored) {
        tag = store::familiar_name(full);
      } else if (!record.names.empty()) {
        tag = store::familiar_name(record.names[0]);
      }
    }
    add(record.id, tag);
  }

  std::vector<archive::SaveImage> images;
  for (const auto& id : order) {
    store::ImageRecord record = *store.image(id);
    archive::SaveImage image;
    image.config_digest = record.config_digest();
    image.config_bytes = store.read_blob(image.config_digest);
    image.tags = tags[id];
    for (const auto& chain : record.layers) {
      store::LayerRecord layer = store.layer(chain);
      archive::SaveLayer save;
      save.diff_id = layer.diff_id;
      save.size = static_cast<uint64_t>(layer.tar_size);
      std::string blob = store.blob_path(layer.blob_digest);
      if (!fs::exists(blob)) fail("image {}: the blob of layer {} is missing from the store", id.substr(0, 12), layer.diff_id);
      std::string name = "layer " + layer.diff_id;
      save.open = [blob, name] { return std::make_unique<LayerTarReader>(blob, name); };
      image.layers.push_back(std::move(save));
    }
    images.push_back(std::move(image));
  }

  auto write = [&](Writer& out) {
    if (options.format == "oci-archive") {
      archive::write_oci_archive(images, out);
    } else {
      archive::write_docker_archive(images, out);
    }
  };
  if (options.output.empty()) {
    FdWriter out(STDOUT_FILENO, "stdout");
    write(out);
    return;
  }
  // The archive appears whole or not at all.
  fs::AtomicFile file(fs::absolute(options.output), 0644);
  write(file);
  file.commit();
}

}  // namespace kayak::commands

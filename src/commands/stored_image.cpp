#include "stored_image.hpp"

#include "kayak/archive/compression.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>

namespace kayak::commands {

namespace {

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

}  // namespace

std::unique_ptr<Reader> open_layer_tar(const std::string& path, const std::string& name) {
  return std::make_unique<LayerTarReader>(path, name);
}

archive::SaveImage save_image_of(store::Store& store, const store::ImageRecord& record,
                                 std::vector<std::string> tags) {
  archive::SaveImage image;
  image.config_digest = record.config_digest();
  image.config_bytes = store.read_blob(image.config_digest);
  image.tags = std::move(tags);
  for (const auto& chain : record.layers) {
    store::LayerRecord layer = store.layer(chain);
    archive::SaveLayer save;
    save.diff_id = layer.diff_id;
    save.size = static_cast<uint64_t>(layer.tar_size);
    std::string blob = store.blob_path(layer.blob_digest);
    if (!fs::exists(blob))
      fail("image {}: the blob of layer {} is missing from the store", record.id.substr(0, 12), layer.diff_id);
    std::string name = "layer " + layer.diff_id;
    save.open = [blob, name] { return open_layer_tar(blob, name); };
    image.layers.push_back(std::move(save));
  }
  return image;
}

}  // namespace kayak::commands

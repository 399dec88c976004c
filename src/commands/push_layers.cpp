#include "push_layers.hpp"

#include "stored_image.hpp"

#include "kayak/archive/compress.hpp"
#include "kayak/archive/compression.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/sha256.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kayak::commands {

namespace {

// Writes to a file while hashing and counting, so a compressed blob's
// digest is known without reading it again.
class HashingFileWriter : public Writer {
public:
  explicit HashingFileWriter(const std::string& path) : path_(path) {
    fd_ = UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd_) fail_errno("create {}", path);
  }
  void write(const void* buf, size_t n) override {
    write_all(fd_.get(), buf, n, path_);
    hash_.update(buf, n);
    bytes_ += static_cast<int64_t>(n);
  }
  int64_t bytes() const { return bytes_; }
  std::string digest() { return hash_.digest(); }

private:
  std::string path_;
  UniqueFd fd_;
  Sha256 hash_;
  int64_t bytes_ = 0;
};

int64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) fail_errno("stat {}", path);
  return static_cast<int64_t>(st.st_size);
}

archive::Compression blob_compression(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  unsigned char head[8] = {};
  ssize_t n = ::read(fd.get(), head, sizeof head);
  if (n < 0) fail_errno("read {}", path);
  return archive::detect_compression(head, static_cast<size_t>(n));
}

}  // namespace

LayerCompression parse_compression(const std::string& text) {
  LayerCompression out;
  if (text.empty()) return out;
  if (text != "gzip" && text != "zstd") {
    fail("unsupported compression format \"{}\": use gzip or zstd", text);
  }
  out.format = text;
  out.forced = true;
  return out;
}

std::vector<PushLayer> prepare_push_layers(store::Store& store, const store::ImageRecord& record,
                                           const LayerCompression& compression, const std::string& staging_dir) {
  std::vector<PushLayer> out;
  for (const auto& chain : record.layers) {
    store::LayerRecord layer = store.layer(chain);
    std::string blob = store.blob_path(layer.blob_digest);
    if (layer.blob_digest.empty() || !fs::exists(blob)) {
      fail("image {}: the blob of layer {} is missing from the store", record.id.substr(0, 12), layer.diff_id);
    }
    PushLayer push;
    push.diff_id = layer.diff_id;
    archive::Compression have = blob_compression(blob);
    std::string have_name = have == archive::Compression::Gzip ? "gzip"
                            : have == archive::Compression::Zstd ? "zstd"
                                                                 : "";
    if (!have_name.empty() && (!compression.forced || have_name == compression.format)) {
      push.digest = layer.blob_digest;
      push.size = file_size(blob);
      push.compression = have_name;
      push.path = blob;
      push.stored = true;
      out.push_back(std::move(push));
      continue;
    }
    // Compressed afresh from the layer tar; the digest differs from any
    // the image had, as with podman.
    std::string path = fs::join(staging_dir, digest_hex(layer.diff_id) + "." + compression.format);
    std::unique_ptr<Reader> tar = open_layer_tar(blob, "layer " + layer.diff_id);
    HashingFileWriter file(path);
    archive::compress_stream(*tar, file,
                             compression.format == "zstd" ? archive::Compression::Zstd : archive::Compression::Gzip,
                             "layer " + layer.diff_id);
    push.digest = file.digest();
    push.size = file.bytes();
    push.compression = compression.format;
    push.path = path;
    out.push_back(std::move(push));
  }
  return out;
}

}  // namespace kayak::commands

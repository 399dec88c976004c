#include "kayak/commands/image_import.hpp"

#include "kayak/archive/compression.hpp"
#include "kayak/image/config.hpp"
#include "kayak/image/manifest.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/store/ingest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/time.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace kayak::commands {

namespace {

std::string uncompressed_digest(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  FdReader file(fd.get(), path);
  archive::DecompressingReader plain(file, "import");
  HashingReader tar(plain);
  drain(tar);
  return tar.digest();
}

}  // namespace

std::string import_image(store::Context& ctx, const ImportOptions& options) {
  std::vector<std::string> names;
  if (!options.reference.empty()) names.push_back(image::parse_reference(options.reference).str());
  // Check the changes before reading anything.
  json::Value container_config = json::Value::object();
  image::apply_changes(container_config, options.changes);

  UniqueFd file;
  int fd = STDIN_FILENO;
  if (options.source != "-") {
    file = UniqueFd(::open(options.source.c_str(), O_RDONLY | O_CLOEXEC));
    if (!file) fail_errno("open {}", options.source);
    fd = file.get();
  } else if (::isatty(STDIN_FILENO)) {
    fail("cannot import from a terminal: redirect a tarball to stdin or give a file");
  }

  json::Value result = ctx.write([&] {
    store::StagingDir staging(ctx.store().tmp_dir(), "import");
    std::string blob_path = fs::join(staging.path(), "layer");
    std::string blob_digest;
    int64_t blob_size = 0;
    {
      UniqueFd out(::open(blob_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (!out) fail_errno("create {}", blob_path);
      FdReader in(fd, options.source == "-" ? "stdin" : options.source);
      HashingReader hashed(in);
      FdWriter writer(out.get(), blob_path);
      copy_stream(hashed, writer);
      blob_digest = hashed.digest();
      blob_size = static_cast<int64_t>(hashed.bytes());
    }
    std::string diff_id = uncompressed_digest(blob_path);
    std::string now = timeutil::format_rfc3339_nano(timeutil::now_ns());
    image::Platform platform = image::host_platform();

    json::Value config = json::Value::object();
    config.set("architecture", platform.architecture);
    if (!platform.variant.empty()) config.set("variant", platform.variant);
    config.set("config", container_config);
    config.set("created", now);
    if (!options.message.empty()) config.set("comment", options.message);
    json::Value history_entry = json::Value::object();
    history_entry.set("created", now);
    history_entry.set("created_by", "");
    history_entry.set("comment", options.message.empty()
                                   ? "Imported from " + (options.source == "-" ? std::string("-") : options.source)
                                   : options.message);
    json::Value history = json::Value::array();
    history.push_back(std::move(history_entry));
    config.set("history", std::move(history));
    config.set("os", platform.os);
    json::Value rootfs = json::Value::object();
    rootfs.set("type", "layers");
    rootfs.set("diff_ids", json::Value::strings({diff_id}));
    config.set("rootfs", std::move(rootfs));

    archive::ArchiveImage source;
    source.config_bytes = json::dump(config);
    source.config_digest = sha256_digest(source.config_bytes);
    source.layers.push_back(archive::ArchiveLayer{blob_path, blob_digest, "", blob_size});
    store::IngestOptions ingest;
    ingest.extract = ctx.layer_extract_options();
    ingest.blobs_movable = true;
    ingest.display_name = options.reference;
    store::IngestResult imported = store::ingest_image(ctx.store(), source, names, ingest);
    return json::Value("sha256:" + imported.image.id);
  });
  return result.as_string();
}

}  // namespace kayak::commands

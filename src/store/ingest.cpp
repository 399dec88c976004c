#include "kayak/store/ingest.hpp"

#include "kayak/store/layer_blob.hpp"

#include "kayak/image/config.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/time.hpp"

#include <fcntl.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace kayak::store {

namespace {

struct StagedLayer {
  LayerRecord record;
  std::string dir;        // staging/<n>: holds diff/
  std::string blob_path;  // source blob file
  bool extracted = false; // false when the store already had it
};

std::string short_digest(const std::string& digest) {
  return digest.size() > 19 ? digest.substr(7, 12) : digest;
}

// What ingest requires of a layer's content: the manifest's digest and size
// (when it has them) and the config's diff_id. "" when all match.
std::string mismatch(const archive::ArchiveLayer& source, const std::string& expected_diff_id,
                     const detail::LayerBlobExtraction& x, const std::string& label) {
  if (!source.digest.empty() && x.blob_digest != source.digest) {
    return fmt::format("{}: digest mismatch: expected {}, content has {}", label, source.digest, x.blob_digest);
  }
  if (source.size >= 0 && static_cast<uint64_t>(source.size) != x.blob_size) {
    return fmt::format("{}: size mismatch: expected {} bytes, got {}", label, source.size, x.blob_size);
  }
  if (x.diff_id != expected_diff_id) {
    return fmt::format("{}: uncompressed content {} does not match the config's diff_id {}", label, x.diff_id,
                       expected_diff_id);
  }
  return "";
}

// Reports the extraction's warnings and fills the layer record.
void record_layer(const archive::ArchiveLayer& source, const detail::LayerBlobExtraction& x, StagedLayer& staged,
                  const IngestOptions& options, IngestResult& result, const std::string& label) {
  const archive::ExtractResult& extracted = x.extracted;
  // Device nodes are common in base layers (dev/null, dev/tty, ...): one
  // line for all of them rather than one per node.
  const std::string_view device_prefix = "skipping device node ";
  std::vector<std::string> devices;
  for (const auto& warning : extracted.warnings) {
    if (std::string_view(warning).substr(0, device_prefix.size()) == device_prefix) {
      std::string rest = warning.substr(device_prefix.size());
      devices.push_back(rest.substr(0, rest.find(' ')));
    } else {
      log::warn("{}: {}", label, warning);
    }
  }
  if (!devices.empty()) {
    log::warn("{}: skipped {} device node(s) that only root can create: {}", label, devices.size(),
              fmt::format("{}", fmt::join(devices, ", ")));
  }
  if (extracted.squashed) {
    if (!result.squashed) {
      result.squashed_example = fmt::format("{} ({} {})", extracted.first_squashed_path,
                                            extracted.first_squashed_is_gid ? "gid" : "uid",
                                            extracted.first_squashed_id);
    }
    result.squashed += extracted.squashed;
  }
  staged.record.blob_digest = x.blob_digest;
  staged.record.blob_media_type = source.media_type;
  staged.record.blob_size = static_cast<int64_t>(x.blob_size);
  staged.record.tar_size = static_cast<int64_t>(x.tar_size);
  // Docker and podman report a layer's size as its uncompressed tar size.
  staged.record.size = static_cast<int64_t>(x.tar_size);
  staged.record.whiteouts = options.extract.whiteouts == archive::WhiteoutFormat::Overlay ? "overlay" : "aufs";
  staged.record.created = timeutil::format_rfc3339_nano(timeutil::now_ns());
  staged.extracted = true;
}

// Hashes, decompresses, hashes and extracts one layer blob into dir/diff.
void extract_layer(const archive::ArchiveLayer& source, const std::string& expected_diff_id, StagedLayer& staged,
                   const IngestOptions& options, IngestResult& result, const std::string& label) {
  UniqueFd fd(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("{}: open layer", label);
  FdReader file(fd.get(), source.path);
  std::string diff = fs::join(staged.dir, "diff");
  fs::mkdir_p(diff, 0755);
  detail::LayerBlobExtraction x = detail::extract_layer_blob(file, diff, options.extract, label);
  std::string wrong = mismatch(source, expected_diff_id, x, label);
  if (!wrong.empty()) fail("{}", wrong);
  record_layer(source, x, staged, options, result, label);
}

// Takes the layer from an EagerLayers child when one extracted this very
// blob and its content checks out; false: extract it here.
bool adopt_eager_layer(const archive::ArchiveLayer& source, const std::string& expected_diff_id, StagedLayer& staged,
                       const IngestOptions& options, IngestResult& result, const std::string& label) {
  if (!options.eager) return false;
  std::optional<EagerLayer> eager = options.eager->claim(source.path);
  if (!eager || !mismatch(source, expected_diff_id, *eager->result, label).empty()) return false;
  std::string diff = fs::join(staged.dir, "diff");
  if (::rename(eager->diff_dir.c_str(), diff.c_str()) != 0) return false;
  record_layer(source, *eager->result, staged, options, result, label);
  return true;
}

}  // namespace

void assign_name(Names& names, const std::string& name, const std::string& id) {
  names.erase(std::remove_if(names.begin(), names.end(), [&](const auto& entry) { return entry.first == name; }),
              names.end());
  names.emplace_back(name, id);
}

IngestResult ingest_image(Store& store, const archive::ArchiveImage& source, const std::vector<std::string>& names,
                          const IngestOptions& options) {
  IngestResult result;
  std::string shown = options.display_name.empty() ? "image " + short_digest(source.config_digest)
                                                   : options.display_name;
  image::ImageConfig config = image::parse_config(source.config_bytes, "config of " + shown);
  std::vector<std::string> diff_ids = config.diff_ids();
  if (diff_ids.size() != source.layers.size()) {
    fail("{}: the archive has {} layers but the config lists {} diff_ids", shown, source.layers.size(),
         diff_ids.size());
  }
  std::vector<std::string> chains = image::chain_ids(diff_ids);

  StagingDir staging(store.tmp_dir(), "ingest");
  std::vector<StagedLayer> staged(source.layers.size());
  for (size_t i = 0; i < source.layers.size(); ++i) {
    StagedLayer& layer = staged[i];
    layer.record.id = digest_hex(chains[i]);
    layer.record.diff_id = diff_ids[i];
    layer.record.parent = i ? digest_hex(chains[i - 1]) : "";
    layer.blob_path = source.layers[i].path;
    layer.dir = fs::join(staging.path(), std::to_string(i));
    std::string label = fmt::format("{}: layer {}", shown, diff_ids[i]);
    if (store.has_layer(layer.record.id)) {
      // Already stored; an OCI manifest may still name a blob we lack.
      if (!source.manifest_bytes.empty() && !source.layers[i].digest.empty() &&
          !store.has_blob(source.layers[i].digest)) {
        std::string digest = sha256_file_digest(layer.blob_path);
        if (digest != source.layers[i].digest) {
          fail("{}: digest mismatch: expected {}, content has {}", label, source.layers[i].digest, digest);
        }
        layer.record.blob_digest = digest;
      }
      if (options.progress) options.progress(fmt::format("Layer {} already exists", short_digest(diff_ids[i])));
      continue;
    }
    fs::mkdir_p(layer.dir, 0700);
    if (!adopt_eager_layer(source.layers[i], diff_ids[i], layer, options, result, label)) {
      extract_layer(source.layers[i], diff_ids[i], layer, options, result, label);
    }
    if (options.progress) options.progress(fmt::format("Loading layer {}", short_digest(diff_ids[i])));
  }

  // Everything checked out: make it visible.
  FileLock lock = store.lock_exclusive();
  std::vector<std::string> new_layers, new_blobs;
  for (const auto& layer : staged) {
    if (layer.extracted && !store.has_layer(layer.record.id)) new_layers.push_back(layer.record.id);
    if (!layer.record.blob_digest.empty()) new_blobs.push_back(layer.record.blob_digest);
  }
  new_blobs.push_back(source.config_digest);
  if (!source.manifest_digest.empty()) new_blobs.push_back(source.manifest_digest);
  store.mark_incomplete(new_layers, new_blobs);

  for (auto& layer : staged) {
    if (!layer.record.blob_digest.empty()) {
      store.put_blob_file(layer.blob_path, layer.record.blob_digest, options.blobs_movable);
    }
    if (layer.extracted && !store.has_layer(layer.record.id)) {
      store.commit_layer(layer.dir, layer.record);
      result.new_layers.push_back(layer.record.id);
    }
  }
  std::string config_digest = store.put_blob(source.config_bytes);
  if (!source.manifest_bytes.empty()) store.put_blob(source.manifest_bytes);

  ImageRecord record;
  record.id = digest_hex(config_digest);
  for (const auto& chain : chains) record.layers.push_back(digest_hex(chain));
  record.manifest_digest = source.manifest_digest;
  if (auto existing = store.image(record.id)) record.repo_digests = existing->repo_digests;
  for (const auto& chain : record.layers) record.size += store.layer(chain).size;
  record.created = config.created();
  record.stored = timeutil::format_rfc3339_nano(timeutil::now_ns());
  auto add_repo_digest = [&](const std::string& repo_digest) {
    if (std::find(record.repo_digests.begin(), record.repo_digests.end(), repo_digest) == record.repo_digests.end()) {
      record.repo_digests.push_back(repo_digest);
    }
  };
  for (const auto& repo_digest : options.repo_digests) add_repo_digest(repo_digest);
  if (!source.manifest_digest.empty()) {
    for (const auto& name : names) {
      auto at = name.rfind(':');
      add_repo_digest(name.substr(0, at) + "@" + source.manifest_digest);
    }
  }
  store.write_image(record);

  Names all_names = store.names();
  for (const auto& name : names) assign_name(all_names, name, record.id);
  store.write_names(all_names);
  store.clear_incomplete();

  record.names.clear();
  for (const auto& [name, id] : all_names) {
    if (id == record.id) record.names.push_back(name);
  }
  result.image = std::move(record);
  return result;
}

}  // namespace kayak::store

// push to a registry: blobs (HEAD, mount, upload), then the manifest.
#include "push_registry.hpp"

#include "pull_progress.hpp"
#include "pull_registry.hpp"
#include "push_layers.hpp"

#include "kayak/image/manifest_build.hpp"
#include "kayak/registry/client.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace kayak::commands {

namespace {

// Repositories on the destination's registry the image was pulled from
// (its RepoDigests), other than the destination itself: a registry that
// has the blob there can mount it instead of receiving it again.
std::vector<std::string> mount_candidates(const store::ImageRecord& record, const image::Reference& dest) {
  std::vector<std::string> out;
  for (const auto& repo_digest : record.repo_digests) {
    auto at = repo_digest.find('@');
    if (at == std::string::npos) continue;
    image::Reference from;
    try {
      from = image::parse_reference(repo_digest.substr(0, at), false);
    } catch (const Error&) {
      continue;
    }
    if (from.domain != dest.domain || from.path == dest.path) continue;
    if (std::find(out.begin(), out.end(), from.path) == out.end()) out.push_back(from.path);
  }
  return out;
}

// The manifest to push: the stored one when every layer goes as stored
// and it describes exactly these blobs (so the digest is the pull's), else
// a new one. Returns {media type, bytes}.
std::pair<std::string, std::string> manifest_to_push(store::Store& store, const store::ImageRecord& record,
                                                     const std::vector<PushLayer>& layers) {
  std::string stored_type;
  if (!record.manifest_digest.empty() && store.has_blob(record.manifest_digest)) {
    std::string bytes = store.read_blob(record.manifest_digest);
    try {
      image::Manifest stored = image::parse_manifest(bytes, "stored manifest");
      stored_type = stored.media_type.empty() ? image::media::kOciManifest : stored.media_type;
      bool same = stored.config.digest == record.config_digest() && stored.layers.size() == layers.size();
      for (size_t i = 0; same && i < layers.size(); ++i) {
        same = layers[i].stored && stored.layers[i].digest == layers[i].digest;
      }
      if (same) return {stored_type, bytes};
    } catch (const Error&) {
      // Not a manifest we can reuse: build one.
    }
  }
  bool any_zstd = std::any_of(layers.begin(), layers.end(), [](const PushLayer& l) { return l.compression == "zstd"; });
  image::ManifestFormat format = image::choose_manifest_format(stored_type, any_zstd);
  std::vector<image::LayerBlob> blobs;
  for (const auto& layer : layers) blobs.push_back({layer.digest, layer.size, layer.compression});
  int64_t config_size = static_cast<int64_t>(store.read_blob(record.config_digest()).size());
  image::Manifest manifest = image::build_manifest(format, record.config_digest(), config_size, blobs);
  return {manifest.media_type, image::manifest_bytes(manifest)};
}

// Registry errors that mean "log in first", with the registry named.
[[noreturn]] void fail_push(const Error& e, const image::Reference& dest) {
  std::string message = e.what();
  if (message.find("HTTP 401") != std::string::npos || message.find("unauthorized") != std::string::npos) {
    fail("push {}: authentication required for {} ({}): log in with `kayak login {}`", dest.familiar(), dest.domain,
         message, dest.domain);
  }
  if (message.find("HTTP 403") != std::string::npos || message.find("denied") != std::string::npos) {
    fail("push {}: requested access to the resource is denied ({}): check `kayak login {}`", dest.familiar(),
         message, dest.domain);
  }
  fail("push {}: {}", dest.familiar(), message);
}

}  // namespace

std::string push_to_registry(store::Store& store, const store::ImageRecord& record, const image::Reference& dest,
                             const PushOptions& options) {
  PullProgress progress(options.quiet);
  RegistrySource target = push_destination(dest, options.tls_verify, options.authfile,
                                            [&progress](const std::string& m) { progress.line(m); });
  LayerCompression compression = parse_compression(options.compression_format);
  progress.line(fmt::format("The push refers to repository [{}]", dest.name()));
  try {
    registry::Client client(target.options);
    const std::string& repo = target.repository;
    // Docker lists the top layer first.
    std::vector<std::string> shown;
    for (auto it = record.layers.rbegin(); it != record.layers.rend(); ++it) {
      std::string id = short_layer_id(store.layer(*it).diff_id);
      if (std::find(shown.begin(), shown.end(), id) != shown.end()) continue;
      shown.push_back(id);
      progress.status(id, "Preparing");
    }
    store::StagingDir staging(store.tmp_dir(), "push");
    std::vector<PushLayer> layers = prepare_push_layers(store, record, compression, staging.path());
    std::vector<std::string> mount_from = mount_candidates(record, dest);

    std::set<std::string> done;
    for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
      const PushLayer& layer = *it;
      std::string id = short_layer_id(layer.diff_id);
      if (!done.insert(layer.digest).second) continue;
      if (client.blob_exists(repo, layer.digest)) {
        progress.status(id, "Layer already exists");
        continue;
      }
      std::string mounted;
      if (layer.stored) {
        for (const auto& from : mount_from) {
          if (client.mount_blob(repo, layer.digest, from)) {
            mounted = from;
            break;
          }
        }
      }
      if (!mounted.empty()) {
        progress.status(id, "Mounted from " + mounted);
        continue;
      }
      client.put_blob(repo, layer.digest, layer.path,
                      [&progress, id](int64_t sent, int64_t total) { progress.pushing(id, sent, total); });
      progress.status(id, "Pushed");
    }
    std::string config_digest = record.config_digest();
    if (!client.blob_exists(repo, config_digest)) client.put_blob(repo, config_digest, store.blob_path(config_digest));

    auto [media_type, bytes] = manifest_to_push(store, record, layers);
    std::string digest = client.put_manifest(repo, dest.tag, media_type, bytes);
    progress.line(fmt::format("{}: digest: {} size: {}", dest.tag, digest, bytes.size()));
    return digest;
  } catch (const Error& e) {
    fail_push(e, dest);
  }
}

}  // namespace kayak::commands

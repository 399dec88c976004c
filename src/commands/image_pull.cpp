// `pull` from a registry: manifest, config, then the missing layers
// streamed into extraction, then one verified ingest.
#include "kayak/commands/image_pull.hpp"

#include "pull_progress.hpp"
#include "pull_registry.hpp"

#include "kayak/archive/image_archive.hpp"
#include "kayak/image/config.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/registry/auth_files.hpp"
#include "kayak/registry/client.hpp"
#include "kayak/registry/config.hpp"
#include "kayak/store/eager_layers.hpp"
#include "kayak/store/ingest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/sha256.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace kayak::commands {

namespace {

// An image config is small; anything larger is not one.
constexpr int64_t kMaxConfigSize = 32 << 20;

std::string strip_transport(std::string_view source) {
  if (source.starts_with("docker://")) source.remove_prefix(9);
  return std::string(source);
}

// The Content-Type without parameters ("...+json; charset=utf-8").
std::string bare_media_type(const std::string& type) {
  std::string t = type.substr(0, type.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

bool is_schema1(const std::string& media_type) {
  return media_type == image::media::kDockerSchema1Signed ||
         media_type == "application/vnd.docker.distribution.manifest.v1+json";
}

// What a fetched document is: the Content-Type decides when it is one we
// know, else the document's own fields.
image::DocumentKind kind_of(const registry::FetchedManifest& fetched, const json::Value& doc) {
  std::string type = bare_media_type(fetched.media_type);
  if (is_schema1(type)) return image::DocumentKind::Schema1;
  if (type == image::media::kOciIndex || type == image::media::kDockerManifestList) return image::DocumentKind::Index;
  if (type == image::media::kOciManifest || type == image::media::kDockerManifest) return image::DocumentKind::Manifest;
  return image::classify_document(doc);
}

[[noreturn]] void fail_schema1(const image::Reference& ref) {
  fail("{}: the registry serves this image as a Docker schema 1 manifest, a format kayak does not support "
       "(Docker removed it too): the image must be pushed again as OCI or Docker schema 2",
       ref.familiar());
}

bool is_layer_media_type(const std::string& type) {
  using namespace image::media;
  return type == kOciLayer || type == kOciLayerGzip || type == kOciLayerZstd || type == kDockerLayer ||
         type == kDockerLayerGzip || type == kDockerForeignLayerGzip ||
         type.starts_with("application/vnd.oci.image.layer.nondistributable.v1.tar");
}

struct PulledManifest {
  registry::FetchedManifest top;  // what the reference named (maybe an index)
  registry::FetchedManifest image;  // the image manifest chosen
  image::Manifest manifest;
  bool from_index = false;  // chosen by platform from an index
};

PulledManifest fetch_manifest(registry::Client& client, const std::string& repository, const image::Reference& ref,
                              const image::Platform& want) {
  PulledManifest out;
  const std::string& wanted = ref.digest.empty() ? ref.tag : ref.digest;
  out.top = client.get_manifest(repository, wanted);
  // The digest is computed from the bytes received; a pull by digest gets
  // exactly those bytes or nothing.
  if (!ref.digest.empty() && out.top.digest != ref.digest) {
    fail("{}: manifest digest mismatch: asked for {}, the registry sent {}", ref.familiar(), ref.digest,
         out.top.digest);
  }
  json::Value doc = json::parse(out.top.bytes, "manifest of " + ref.familiar());
  switch (kind_of(out.top, doc)) {
  case image::DocumentKind::Schema1:
    fail_schema1(ref);
  case image::DocumentKind::Index: {
    image::Index index = image::index_from_json(doc, "manifest list of " + ref.familiar());
    const image::Descriptor* chosen = nullptr;
    try {
      chosen = &image::choose_platform(index, want);
    } catch (const Error& e) {
      fail("{}: {}", ref.familiar(), e.what());
    }
    out.image = client.get_manifest(repository, chosen->digest);
    if (out.image.digest != chosen->digest) {
      fail("{}: manifest digest mismatch: the index names {}, the registry sent {}", ref.familiar(),
           chosen->digest, out.image.digest);
    }
    json::Value inner = json::parse(out.image.bytes, "manifest of " + ref.familiar());
    image::DocumentKind kind = kind_of(out.image, inner);
    if (kind == image::DocumentKind::Schema1) fail_schema1(ref);
    if (kind != image::DocumentKind::Manifest) {
      fail("{}: the manifest list entry for {} is not an image manifest", ref.familiar(), want.str());
    }
    out.manifest = image::manifest_from_json(inner, "manifest of " + ref.familiar());
    out.from_index = true;
    break;
  }
  case image::DocumentKind::Manifest:
    out.image = out.top;
    out.manifest = image::manifest_from_json(doc, "manifest of " + ref.familiar());
    break;
  case image::DocumentKind::Unknown:
    fail("{}: the registry sent a document that is neither an image manifest nor an index (media type \"{}\")",
         ref.familiar(), out.top.media_type);
  }
  return out;
}

// A single-platform image for another platform: Docker refuses it when a
// platform was asked for, and warns otherwise.
void check_image_platform(const image::ImageConfig& config, const image::Platform& want, bool platform_given,
                          const image::Reference& ref) {
  image::Platform have;
  have.os = config.os();
  have.architecture = config.architecture();
  have.variant = config.variant();
  if (have.os.empty() || have.architecture.empty()) return;
  have = image::normalize_platform(have);
  bool same = have.os == want.os && have.architecture == want.architecture &&
              (want.variant.empty() || have.variant.empty() || have.variant == want.variant ||
               (have.architecture == "arm64" && (have.variant == "v8" || want.variant == "v8")));
  if (same) return;
  if (platform_given) {
    fail("image with reference {} was found but does not match the specified platform: wanted {}, actual: {}",
         ref.familiar(), want.str(), have.str());
  }
  log::warn("the image {} is for platform {}, which does not match this host ({})", ref.familiar(), have.str(),
            want.str());
}

struct OnePull {
  std::string id;
  bool downloaded = false;  // a new image, or the name moved to it
  std::string digest;       // the digest the reference resolved to
};

// Pulls one reference (tag or digest) into the store. Runs inside the
// store's user namespace (Context::write): the layer extractions it starts
// must create files with the image's owners.
OnePull pull_one(store::Context& ctx, registry::Client& client, const std::string& repository,
                 const image::Reference& ref, const RegistryPullOptions& options, PullProgress& progress) {
  store::Store& store = ctx.store();
  image::Platform want = requested_platform(options.platform);
  PulledManifest pulled = fetch_manifest(client, repository, ref, want);
  // Once the registry has answered for the reference, as Docker does.
  progress.line(fmt::format("{}: Pulling from {}", ref.digest.empty() ? ref.tag : ref.digest, ref.path));
  const image::Manifest& manifest = pulled.manifest;
  const std::string& config_type = manifest.config.media_type;
  if (!config_type.empty() && config_type != image::media::kOciConfig && config_type != image::media::kDockerConfig) {
    fail("{}: not a container image: its config is of type \"{}\"", ref.familiar(), config_type);
  }
  if (manifest.config.size > kMaxConfigSize) {
    fail("{}: the image config is {} bytes, more than an image config can be", ref.familiar(), manifest.config.size);
  }
  for (const auto& layer : manifest.layers) {
    if (!is_layer_media_type(layer.media_type)) {
      fail("{}: layer {} has media type \"{}\", which is not a container image layer", ref.familiar(), layer.digest,
           layer.media_type);
    }
  }
  std::string config_bytes = client.get_blob(repository, manifest.config.digest, kMaxConfigSize);
  image::ImageConfig config = image::parse_config(config_bytes, "config of " + ref.familiar());
  // An index's platform entry is what was asked for; a lone manifest's
  // platform is only in its config.
  if (!pulled.from_index) check_image_platform(config, want, options.platform.any(), ref);
  std::vector<std::string> diff_ids = config.diff_ids();
  if (diff_ids.size() != manifest.layers.size()) {
    fail("{}: the manifest has {} layers but the config lists {} diff_ids", ref.familiar(), manifest.layers.size(),
         diff_ids.size());
  }
  std::vector<std::string> chains = image::chain_ids(diff_ids);
  std::string id = digest_hex(manifest.config.digest);
  std::string name = ref.digest.empty() ? ref.str() : "";
  std::string repo_digest = ref.name() + "@" + pulled.top.digest;

  bool have_image = false, up_to_date = false;
  std::vector<bool> layer_present(manifest.layers.size());
  {
    FileLock lock = store.lock_shared();
    if (auto existing = store.image(id)) {
      have_image = true;
      const auto& names = existing->names;
      const auto& digests = existing->repo_digests;
      up_to_date = name.empty() ? std::find(digests.begin(), digests.end(), repo_digest) != digests.end()
                                : std::find(names.begin(), names.end(), name) != names.end();
    }
    for (size_t i = 0; i < manifest.layers.size(); ++i) {
      // The compressed blob is kept for push: a layer stored without it
      // (loaded from a docker-archive) still has its blob fetched.
      layer_present[i] = store.has_layer(digest_hex(chains[i])) && store.has_blob(manifest.layers[i].digest);
    }
  }

  // Blobs are staged on the store's file system, so ingest renames them
  // into place; the staging dir (and any half-written blob) goes away on
  // every exit, so a failed pull leaves nothing.
  store::StagingDir staging(store.tmp_dir(), "pull");
  int parallel = std::max(options.max_parallel, 1);
  store::EagerLayers eager(fs::join(staging.path(), "eager"), ctx.layer_extract_options(),
                           static_cast<unsigned>(parallel));
  std::vector<registry::BlobDownload> downloads;
  std::map<std::string, std::string> blob_paths;  // digest -> file
  std::vector<std::string> shown;                 // short IDs of layers downloaded, in order
  for (size_t i = 0; i < manifest.layers.size(); ++i) {
    const image::Descriptor& layer = manifest.layers[i];
    if (blob_paths.count(layer.digest)) continue;  // the same blob twice: fetched once
    std::string short_id = short_layer_id(layer.digest);
    if (layer_present[i]) {
      blob_paths[layer.digest] = store.blob_path(layer.digest);
      if (!have_image) progress.status(short_id, "Already exists");
      continue;
    }
    std::string path = fs::join(staging.path(), digest_hex(layer.digest));
    blob_paths[layer.digest] = path;
    registry::BlobDownload d;
    d.digest = layer.digest;
    d.size = layer.size;
    d.urls = layer.urls;
    d.path = path;
    // Layers already extracted need only their blob.
    if (!store.has_layer(digest_hex(chains[i]))) d.make_tap = [&eager, path] { return eager.tap(path); };
    d.progress = [&progress, short_id, verifying = false](int64_t done, int64_t total) mutable {
      progress.downloading(short_id, done, total);
      if (total > 0 && done >= total && !verifying) {
        verifying = true;
        progress.status(short_id, "Verifying Checksum");
      }
    };
    d.done = [&progress, short_id, extract = static_cast<bool>(d.make_tap)] {
      progress.status(short_id, "Download complete");
      if (extract) progress.extracting(short_id);
    };
    downloads.push_back(std::move(d));
    shown.push_back(short_id);
    progress.status(short_id, "Pulling fs layer");
  }
  for (size_t i = static_cast<size_t>(parallel); i < shown.size(); ++i) progress.status(shown[i], "Waiting");
  if (!downloads.empty()) client.fetch_blobs(repository, downloads, parallel);
  eager.finish();

  archive::ArchiveImage source;
  source.config_bytes = std::move(config_bytes);
  source.config_digest = manifest.config.digest;
  source.manifest_bytes = pulled.image.bytes;
  source.manifest_digest = pulled.image.digest;
  for (const auto& layer : manifest.layers) {
    source.layers.push_back({blob_paths[layer.digest], layer.digest, layer.media_type, layer.size});
  }
  store::IngestOptions ingest;
  ingest.extract = ctx.layer_extract_options();
  ingest.blobs_movable = true;
  ingest.eager = &eager;
  ingest.display_name = ref.familiar();
  ingest.repo_digests = {repo_digest, ref.name() + "@" + pulled.image.digest};
  std::vector<std::string> names;
  if (!name.empty()) names.push_back(name);
  store::IngestResult result = store::ingest_image(store, source, names, ingest);
  if (result.squashed) {
    log::warn("{}: {} files are owned by IDs this user cannot map and were stored as owned by the caller, "
              "e.g. {}: add a range for {} to /etc/subuid and /etc/subgid to keep their owners",
              ref.familiar(), result.squashed, result.squashed_example, ctx.identity().user_name);
  }
  for (const auto& short_id : shown) progress.status(short_id, "Pull complete");
  progress.line("Digest: " + pulled.top.digest);

  OnePull out;
  out.id = result.image.id;
  out.downloaded = !up_to_date;
  out.digest = pulled.top.digest;
  return out;
}

}  // namespace

RegistryPullReport pull_from_registry(store::Context& ctx, const RegistryPullOptions& options) {
  std::string text = strip_transport(options.reference);
  image::Reference typed = image::parse_reference(text, false);
  if (options.all_tags && (!typed.tag.empty() || !typed.digest.empty())) {
    fail("tag can't be used with --all-tags/-a");
  }
  image::Reference ref = image::parse_reference(text);
  requested_platform(options.platform);  // bad flags fail before any network traffic

  // Credentials are looked up here, as the caller: inside the store's user
  // namespace the caller is uid 0, and the auth file paths that depend on
  // the uid (/run/containers/UID/auth.json) would be root's.
  PullProgress* shown_progress = nullptr;
  std::vector<RegistrySource> sources =
    registry_sources(ref, options.tls_verify, options.authfile, [&shown_progress](const std::string& m) {
      if (shown_progress) shown_progress->line(m);
    });
  json::Value result = ctx.write([&] {
    PullProgress progress(options.quiet);
    shown_progress = &progress;
    std::vector<image::Reference> refs;
    if (options.all_tags) {
      std::vector<std::string> tags = with_each_source(sources, [](const RegistrySource& source) {
        registry::Client client(source.options);
        return client.list_tags(source.repository);
      });
      for (const auto& tag : tags) {
        image::Reference r = ref;
        r.tag = tag;
        refs.push_back(std::move(r));
      }
      if (refs.empty()) fail("{}: the repository has no tags", ref.familiar_name());
    } else {
      if (typed.tag.empty() && typed.digest.empty()) progress.line("Using default tag: latest");
      refs.push_back(ref);
    }
    json::Value ids = json::Value::array();
    bool downloaded = false;
    for (const auto& r : refs) {
      OnePull one = with_each_source(sources, [&](const RegistrySource& source) {
        registry::Client client(source.options);
        return pull_one(ctx, client, source.repository, r, options, progress);
      });
      downloaded = downloaded || one.downloaded;
      ids.push_back(one.id);
    }
    // Docker names the tag, the digest reference, or (-a) the repository.
    std::string shown = options.all_tags ? ref.familiar_name() : ref.familiar();
    if (!ref.digest.empty()) shown = ref.familiar_name() + "@" + ref.digest;
    progress.line(fmt::format("Status: {} for {}", downloaded ? "Downloaded newer image" : "Image is up to date",
                              shown));
    json::Value v = json::Value::object();
    v.set("ids", std::move(ids));
    return v;
  });

  RegistryPullReport report;
  report.reference = options.all_tags ? ref.name() : (ref.digest.empty() ? ref.str() : ref.name() + "@" + ref.digest);
  report.ids = result.strings_at("ids");
  return report;
}

}  // namespace kayak::commands

// The registry client against a real registry: Debian's docker-registry on
// 127.0.0.1 (insecure by default, being loopback), filled by skopeo.
#include "kayak/registry/client.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"
#include "registry_test_servers.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace kayak;
using namespace kayak::registry;

namespace {

const std::string busybox_layout = "oci:/work/shared/images/busybox:busybox:1.38.0-musl";

bool can_run() {
  if (!registry_test::have("docker-registry") || !registry_test::have("skopeo")) {
    MESSAGE("skipped: docker-registry or skopeo is not installed");
    return false;
  }
  if (!fs::is_dir("/work/shared/images/busybox")) {
    MESSAGE("skipped: no fixture image in /work/shared/images/busybox");
    return false;
  }
  return true;
}

ClientOptions options_for(const std::string& host) {
  ClientOptions options;
  options.registry = host;
  options.retry_delay = std::chrono::milliseconds(10);
  return options;
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// A tap that keeps everything it is given.
struct KeepTap : archive::ContentTap {
  std::string* out;
  int* finished;
  KeepTap(std::string* o, int* f) : out(o), finished(f) {}
  void write(const void* data, size_t size) override { out->append(static_cast<const char*>(data), size); }
  void finish(int) override { ++*finished; }
};

}  // namespace

TEST_CASE("pulls what skopeo pushed: manifest, config, layers, tags, catalog") {
  if (!can_run()) return;
  registry_test::Registry registry;
  registry.push_with_skopeo(busybox_layout, "library/busybox:latest");
  registry.push_with_skopeo(busybox_layout, "library/busybox:1.38");
  Client client(options_for(registry.host()));

  FetchedManifest manifest = client.get_manifest("library/busybox", "latest");
  CHECK(manifest.digest == sha256_digest(manifest.bytes));
  CHECK(manifest.media_type == "application/vnd.oci.image.manifest.v1+json");
  CHECK(client.head_manifest("library/busybox", "latest") == manifest.digest);
  CHECK_FALSE(client.head_manifest("library/busybox", "nope").has_value());
  FetchedManifest by_digest = client.get_manifest("library/busybox", manifest.digest);
  CHECK(by_digest.bytes == manifest.bytes);

  json::Value doc = json::parse(manifest.bytes);
  std::string config_digest = doc["config"].string_or("digest");
  std::string config = client.get_blob("library/busybox", config_digest, 1 << 20);
  CHECK(sha256_digest(config) == config_digest);
  CHECK(json::parse(config).contains("rootfs"));
  CHECK_THROWS_WITH_AS(client.get_blob("library/busybox", config_digest, 10),
                       doctest::Contains("larger than 10 bytes"), Error);

  fs::TempDir dir;
  std::vector<BlobDownload> blobs;
  std::vector<std::string> tapped(doc["layers"].as_array().size());
  std::vector<int> tap_finished(tapped.size());
  std::vector<int> done(tapped.size());
  int64_t last_progress = 0;
  for (size_t i = 0; i < tapped.size(); ++i) {
    const auto& layer = doc["layers"][i];
    BlobDownload blob;
    blob.digest = layer.string_or("digest");
    blob.size = layer.int_or("size", -1);
    blob.path = fs::join(dir.path(), "layer" + std::to_string(i));
    blob.make_tap = [&, i] { return std::make_unique<KeepTap>(&tapped[i], &tap_finished[i]); };
    blob.progress = [&](int64_t so_far, int64_t) { last_progress = so_far; };
    blob.done = [&, i] { ++done[i]; };
    blobs.push_back(blob);
  }
  client.fetch_blobs("library/busybox", blobs, 3);
  for (size_t i = 0; i < blobs.size(); ++i) {
    std::string content = fs::read_file(blobs[i].path);
    CHECK(sha256_digest(content) == blobs[i].digest);
    CHECK(tapped[i] == content);
    CHECK(done[i] == 1);
    CHECK(tap_finished[i] == 1);
  }
  CHECK(last_progress > 0);

  auto tags = client.list_tags("library/busybox");
  std::sort(tags.begin(), tags.end());
  CHECK(tags == std::vector<std::string>{"1.38", "latest"});
  auto repositories = client.catalog();
  CHECK(std::find(repositories.begin(), repositories.end(), "library/busybox") != repositories.end());
  CHECK_FALSE(client.search_v1("busybox", 10).has_value());  // docker-registry has no v1 search
}

TEST_CASE("errors name what failed and why") {
  if (!can_run()) return;
  registry_test::Registry registry;
  registry.push_with_skopeo(busybox_layout, "library/busybox:latest");
  Client client(options_for(registry.host()));
  CHECK(error_of([&] { client.get_manifest("library/busybox", "nope"); }) == "manifest nope: HTTP 404: manifest unknown");
  CHECK(error_of([&] { client.get_manifest("library/nothere", "latest"); }) ==
        "manifest latest: HTTP 404: manifest unknown");
  std::string wrong = "sha256:" + std::string(64, 'a');
  CHECK(error_of([&] { client.get_blob("library/busybox", wrong, 100); }) ==
        "blob " + wrong + ": HTTP 404: blob unknown to registry");
  CHECK(error_of([&] { client.get_manifest("library/busybox", "sha512:abc"); }) ==
        "manifest sha512:abc: unsupported digest algorithm (only sha256 is supported)");

  int port = registry_test::free_port();
  Client nobody(options_for("127.0.0.1:" + std::to_string(port)));
  CHECK(error_of([&] { nobody.get_manifest("library/busybox", "latest"); }) ==
        "cannot connect to 127.0.0.1:" + std::to_string(port) +
            ": Connection refused");
}

TEST_CASE("pushes: HEAD, monolithic and chunked uploads, mounts, manifests") {
  if (!can_run()) return;
  registry_test::Registry registry;
  registry.push_with_skopeo(busybox_layout, "library/busybox:latest");
  Client client(options_for(registry.host()));
  FetchedManifest manifest = client.get_manifest("library/busybox", "latest");
  json::Value doc = json::parse(manifest.bytes);
  std::string config_digest = doc["config"].string_or("digest");
  const json::Value& layer = doc["layers"][0];
  std::string layer_digest = layer.string_or("digest");

  fs::TempDir dir;
  std::vector<BlobDownload> blobs(1);
  blobs[0].digest = layer_digest;
  blobs[0].size = layer.int_or("size", -1);
  blobs[0].path = fs::join(dir.path(), "layer");
  client.fetch_blobs("library/busybox", blobs, 1);
  std::string config_path = fs::join(dir.path(), "config");
  fs::write_file_atomic(config_path, client.get_blob("library/busybox", config_digest, 1 << 20));

  // Monolithic into a new repository.
  CHECK_FALSE(client.blob_exists("copy/busybox", layer_digest).has_value());
  int64_t reported = 0;
  client.put_blob("copy/busybox", layer_digest, blobs[0].path, [&](int64_t so_far, int64_t) { reported = so_far; });
  CHECK(reported == blobs[0].size);
  CHECK(client.blob_exists("copy/busybox", layer_digest) == blobs[0].size);
  client.put_blob("copy/busybox", config_digest, config_path);
  CHECK(client.put_manifest("copy/busybox", "v1", manifest.media_type, manifest.bytes) == manifest.digest);
  CHECK(client.get_manifest("copy/busybox", "v1").bytes == manifest.bytes);

  // Chunked: PATCH pieces of 100000 bytes, then the closing PUT.
  ClientOptions chunked_options = options_for(registry.host());
  chunked_options.upload_chunk_size = 100000;
  Client chunked(chunked_options);
  REQUIRE(blobs[0].size > 3 * 100000);
  chunked.put_blob("chunked/busybox", layer_digest, blobs[0].path);
  CHECK(chunked.blob_exists("chunked/busybox", layer_digest) == blobs[0].size);
  std::vector<BlobDownload> again(1);
  again[0] = blobs[0];
  again[0].path = fs::join(dir.path(), "again");
  chunked.fetch_blobs("chunked/busybox", again, 1);
  CHECK(fs::read_file(again[0].path) == fs::read_file(blobs[0].path));

  // A wrong digest is refused by the registry, and the error says so.
  std::string wrong = "sha256:" + std::string(64, 'b');
  CHECK(error_of([&] { client.put_blob("copy/busybox", wrong, config_path); })
            .starts_with("upload blob " + wrong + ": HTTP 400: digest invalid"));

  // Mounted from another repository: present without an upload.
  CHECK(client.mount_blob("mounted/busybox", layer_digest, "library/busybox"));
  CHECK(client.blob_exists("mounted/busybox", layer_digest) == blobs[0].size);
  CHECK_FALSE(client.mount_blob("mounted/busybox", wrong, "library/busybox"));
}

TEST_CASE("TLS: a CA under certs.d is trusted, a wrong one is refused with advice, --tls-verify=false skips") {
  if (!can_run() || !registry_test::have("openssl")) return;
  fs::TempDir tls;
  registry_test::make_tls_files(tls.path());
  registry_test::Registry registry(tls.path());
  registry.push_with_skopeo(busybox_layout, "library/busybox:latest");

  // The right CA for this host:port.
  fs::TempDir certs;
  fs::mkdir_p(fs::join(certs.path(), registry.host()));
  fs::write_file_atomic(fs::join(certs.path(), registry.host() + "/ca.crt"), fs::read_file(tls.path() + "/ca.crt"));
  ClientOptions options = options_for(registry.host());
  options.certs_dirs = {certs.path()};
  CHECK(Client(options).get_manifest("library/busybox", "latest").digest.starts_with("sha256:"));

  // Loopback without certs.d: insecure by default, TLS unverified.
  options.certs_dirs = {fs::join(certs.path(), "none")};
  CHECK(Client(options).get_manifest("library/busybox", "latest").digest.starts_with("sha256:"));

  // Another CA: verification fails, and the message says how to skip it.
  fs::TempDir other;
  registry_test::make_tls_files(other.path());
  fs::write_file_atomic(fs::join(certs.path(), registry.host() + "/ca.crt"), fs::read_file(other.path() + "/ca.crt"));
  options.certs_dirs = {certs.path()};
  std::string message = error_of([&] { Client(options).get_manifest("library/busybox", "latest"); });
  CHECK(message.starts_with("TLS connection to " + registry.host() + " failed: "));
  CHECK(message.ends_with("(if you trust " + registry.host() + ", --tls-verify=false or insecure = true for " +
                          registry.host() + " in registries.conf turns verification off for this registry only)"));

  options.insecure = true;
  CHECK(Client(options).get_manifest("library/busybox", "latest").digest.starts_with("sha256:"));
}

#include "kayak/image/manifest.hpp"
#include "kayak/image/manifest_build.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace kayak;
using namespace kayak::image;

namespace {

const std::string kConfig = sha256_digest("config");
const std::string kLayer1 = sha256_digest("layer1");
const std::string kLayer2 = sha256_digest("layer2");

}  // namespace

TEST_CASE("build_manifest: OCI with gzip and zstd layers round-trips through the parser") {
  Manifest m = build_manifest(ManifestFormat::Oci, kConfig, 123, {{kLayer1, 10, "gzip"}, {kLayer2, 20, "zstd"}});
  std::string bytes = manifest_bytes(m);
  Manifest back = parse_manifest(bytes);
  CHECK(back.media_type == media::kOciManifest);
  CHECK(back.config.media_type == media::kOciConfig);
  CHECK(back.config.digest == kConfig);
  CHECK(back.config.size == 123);
  REQUIRE(back.layers.size() == 2);
  CHECK(back.layers[0].media_type == media::kOciLayerGzip);
  CHECK(back.layers[0].digest == kLayer1);
  CHECK(back.layers[0].size == 10);
  CHECK(back.layers[1].media_type == media::kOciLayerZstd);
  CHECK(back.layers[1].size == 20);
}

TEST_CASE("build_manifest: Docker schema 2 types and field order") {
  Manifest m = build_manifest(ManifestFormat::DockerV2, kConfig, 5, {{kLayer1, 7, "gzip"}});
  std::string bytes = manifest_bytes(m);
  CHECK(bytes.find("{\"schemaVersion\":2,\"mediaType\":\"" + std::string(media::kDockerManifest) + "\",\"config\":") == 0);
  json::Value doc = json::parse(bytes, "manifest");
  CHECK(doc["config"]["mediaType"].as_string() == media::kDockerConfig);
  CHECK(doc["layers"][0]["mediaType"].as_string() == media::kDockerLayerGzip);
  CHECK(classify_document(doc) == DocumentKind::Manifest);
}

TEST_CASE("build_manifest: the same inputs give the same bytes (so a second push finds the manifest unchanged)") {
  auto a = manifest_bytes(build_manifest(ManifestFormat::Oci, kConfig, 1, {{kLayer1, 2, "gzip"}}));
  auto b = manifest_bytes(build_manifest(ManifestFormat::Oci, kConfig, 1, {{kLayer1, 2, "gzip"}}));
  CHECK(a == b);
  auto c = manifest_bytes(build_manifest(ManifestFormat::Oci, kConfig, 1, {{kLayer2, 2, "gzip"}}));
  CHECK(a != c);
}

TEST_CASE("layer_media_type: plain tars, and no zstd in Docker schema 2") {
  CHECK(layer_media_type(ManifestFormat::Oci, "") == media::kOciLayer);
  CHECK(layer_media_type(ManifestFormat::DockerV2, "") == media::kDockerLayer);
  CHECK_THROWS_AS(layer_media_type(ManifestFormat::DockerV2, "zstd"), Error);
  CHECK_THROWS_AS(layer_media_type(ManifestFormat::Oci, "bzip2"), Error);
  CHECK_THROWS_AS(build_manifest(ManifestFormat::DockerV2, kConfig, 1, {{kLayer1, 2, "zstd"}}), Error);
}

TEST_CASE("choose_manifest_format: Docker stays Docker unless zstd, everything else OCI") {
  CHECK(choose_manifest_format(media::kDockerManifest, false) == ManifestFormat::DockerV2);
  CHECK(choose_manifest_format(media::kDockerManifest, true) == ManifestFormat::Oci);
  CHECK(choose_manifest_format(media::kOciManifest, false) == ManifestFormat::Oci);
  CHECK(choose_manifest_format("", false) == ManifestFormat::Oci);
}

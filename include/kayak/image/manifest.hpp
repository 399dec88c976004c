// OCI and Docker schema2 manifests, indexes (manifest lists) and
// descriptors. Parsers validate what they read: digests must be well-formed
// sha256 digests, sizes non-negative, required fields present. Anything else
// throws kayak::Error naming the document.
#pragma once

#include "kayak/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::image {

namespace media {
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr const char* kDockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerForeignLayerGzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr const char* kDockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws";
}  // namespace media

struct Platform {
  std::string os;            // "linux"
  std::string architecture;  // "amd64"
  std::string variant;       // "v8", often empty
  std::string os_version;
  std::vector<std::string> os_features;

  std::string str() const;   // "linux/amd64" or "linux/arm64/v8"
  bool operator==(const Platform&) const = default;
};

// The platform of this machine in OCI terms (GOARCH names: amd64, arm64, ...).
Platform host_platform();
// The Linux platform for a uname(2) machine name: "x86_64" -> linux/amd64,
// "aarch64" -> linux/arm64/v8, "armv7l" -> linux/arm/v7, "i686" -> linux/386.
Platform platform_for_machine(std::string_view machine);
// "linux/arm64/v8" -> Platform; throws on a malformed string. Accepts the
// usual aliases (x86_64, aarch64, armhf, i386) and one-part forms ("linux",
// "arm64"), as Docker's --platform does.
Platform parse_platform(std::string_view text);
// Canonical spelling: lower case, GOARCH names, "8" -> "v8", arm without a
// variant -> v7. arm64's variant is kept (empty and v8 are both matched).
Platform normalize_platform(Platform platform);

struct Descriptor {
  std::string media_type;
  std::string digest;  // "sha256:<hex>", validated
  int64_t size = 0;
  std::vector<std::string> urls;
  json::Value annotations;  // object or null
  std::optional<Platform> platform;
  std::string artifact_type;

  json::Value to_json() const;
};

struct Manifest {
  int schema_version = 2;
  std::string media_type;  // may be empty in OCI manifests
  Descriptor config;
  std::vector<Descriptor> layers;
  json::Value annotations;
  std::string artifact_type;
  std::optional<Descriptor> subject;

  json::Value to_json() const;
};

struct Index {
  int schema_version = 2;
  std::string media_type;
  std::vector<Descriptor> manifests;
  json::Value annotations;
  std::string artifact_type;
  std::optional<Descriptor> subject;

  json::Value to_json() const;
};

// What a manifest document is, judged by its mediaType field (or, when
// absent, by the presence of "manifests" vs "layers").
enum class DocumentKind { Manifest, Index, Schema1, Unknown };
DocumentKind classify_document(const json::Value& doc);

Manifest parse_manifest(std::string_view bytes, std::string_view what = "manifest");
Manifest manifest_from_json(const json::Value& doc, std::string_view what = "manifest");
Index parse_index(std::string_view bytes, std::string_view what = "index");
Index index_from_json(const json::Value& doc, std::string_view what = "index");
Descriptor descriptor_from_json(const json::Value& doc, std::string_view what);

// The manifest in `index` for `want`: entries with platform unknown/unknown
// (attestations) are skipped; a variant is matched when given (an exact
// variant first, then an older compatible one: arm/v6 runs on arm/v7; for
// arm64 no variant means v8). Entries without a platform match anything but
// rank last. Throws an error listing the platforms available when none
// matches: `no image found in manifest list for architecture "arm", variant
// "v7", OS "linux"; available: linux/amd64, linux/arm64/v8`.
const Descriptor& choose_platform(const Index& index, const Platform& want);

}  // namespace kayak::image

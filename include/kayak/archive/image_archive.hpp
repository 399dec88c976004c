// Image archive formats: docker-archive (Docker's and Podman's `save`),
// OCI image layouts (a directory, an oci-archive tar, or Docker >= 25's
// save output, which is both an OCI layout and a docker-archive).
//
// Reading works on a directory: an archive file is first unpacked safely
// (unpack_archive) into a temporary directory inside the store, so layer
// files can be renamed into the blob store without another copy.
#pragma once

#include "kayak/archive/extract.hpp"
#include "kayak/util/stream.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::archive {

struct ArchiveLayer {
  std::string path;        // absolute path of the blob file inside the unpacked dir
  std::string digest;      // descriptor digest (OCI), "" when the format has none
  std::string media_type;  // "" when unknown
  int64_t size = -1;       // -1 when unknown
};

struct ArchiveImage {
  std::string config_bytes;
  std::string config_digest;  // sha256 of config_bytes, verified against the name it came under
  std::vector<ArchiveLayer> layers;
  // Tags as written in the archive ("busybox:latest",
  // "localhost/myimg/httpd:v1"); normalized by the caller.
  std::vector<std::string> tags;
  // OCI layouts: the manifest bytes and digest, for RepoDigests and for
  // writing the image back unchanged. Empty for docker-archive.
  std::string manifest_bytes;
  std::string manifest_digest;
};

enum class LayoutKind { DockerArchive, Oci };

// Unpacks a (possibly compressed) tar stream of an image archive into dir,
// safely (no owners, devices, or paths outside dir). Throws on a truncated
// or corrupt stream. tap, when set, sees each file's content as it is
// written (ExtractOptions::tap).
void unpack_archive(Reader& in, const std::string& dir,
                    std::function<std::unique_ptr<ContentTap>(const std::string& path)> tap = {});

// Which layout dir holds: manifest.json means docker-archive (preferred when
// both exist, as in Docker >= 25 output), index.json + oci-layout means OCI.
// Throws when neither.
LayoutKind detect_layout(const std::string& dir);

// Reads a docker-archive directory. Layer paths (which may be symlinks, as
// Podman writes) are resolved inside dir; anything pointing outside, missing
// or malformed is an error.
std::vector<ArchiveImage> read_docker_archive(const std::string& dir);

// Reads an OCI layout. With a non-empty ref, only the manifests whose
// org.opencontainers.image.ref.name annotation equals ref (or, for
// "io.containerd.image.name", the full name) are read; the ref is then used
// as the image's tag source. Nested indexes are followed, choosing the host
// platform.
std::vector<ArchiveImage> read_oci_layout(const std::string& dir, std::string_view ref = "");

// ---- writing ----

struct SaveLayer {
  std::string diff_id;   // sha256 of the uncompressed tar
  uint64_t size = 0;     // uncompressed size
  // Opens the uncompressed layer tar.
  std::function<std::unique_ptr<Reader>()> open;
};

struct SaveImage {
  std::string config_digest;  // the image ID
  std::string config_bytes;
  std::vector<SaveLayer> layers;
  std::vector<std::string> tags;  // familiar form: "busybox:latest", "myimg/httpd:v1"
  // OCI only: when not empty, the org.opencontainers.image.ref.name values
  // written as they are (push's oci:DIR:REF) instead of the tags' full names.
  std::vector<std::string> ref_names;
};

// Docker's legacy layout: <v1id>/{VERSION,json,layer.tar}, <config-hex>.json,
// manifest.json (Config, RepoTags, Layers), repositories. Layers shared by
// several images are written once; layer.tar bytes equal the layers'
// uncompressed bytes, with fixed mtimes and uid/gid 0 on archive entries.
void write_docker_archive(const std::vector<SaveImage>& images, Writer& out);

// OCI archive: oci-layout, index.json (ref.name annotations from tags),
// blobs/sha256/ with uncompressed layers, configs and manifests.
void write_oci_archive(const std::vector<SaveImage>& images, Writer& out);

}  // namespace kayak::archive

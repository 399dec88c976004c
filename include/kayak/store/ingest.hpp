// Bringing an image into the store from an image archive or layout:
// every layer is hashed (blob digest), decompressed, hashed again (diff_id)
// and extracted in a staging dir; only when all of it checks out do the
// layers, blobs, image record and names become visible, under the
// exclusive lock.
#pragma once

#include "kayak/archive/extract.hpp"
#include "kayak/archive/image_archive.hpp"
#include "kayak/store/eager_layers.hpp"
#include "kayak/store/store.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kayak::store {

struct IngestOptions {
  archive::ExtractOptions extract;
  // The archive's files live in our own staging dir: blobs may be renamed
  // into the store instead of copied.
  bool blobs_movable = false;
  // Called with a line of progress ("Loading layer 3f4e... 4.26MB") per layer.
  std::function<void(const std::string&)> progress;
  // Shown in messages ("busybox:latest"), may be empty.
  std::string display_name;
  // Layers already extracted while the archive was unpacked (load); each is
  // verified like any other, and extracted here when missing or wrong.
  EagerLayers* eager = nullptr;
  // RepoDigests to record besides name@manifest_digest for each name
  // ("docker.io/library/nginx@sha256:..." of the index a registry pull chose
  // the manifest from, or of a pull by digest, which names no tag).
  std::vector<std::string> repo_digests;
};

struct IngestResult {
  ImageRecord image;
  std::vector<std::string> new_layers;  // chain IDs extracted by this call
  // Files whose owners were outside the ID mapping and were stored as 0.
  uint64_t squashed = 0;
  std::string squashed_example;  // "etc/shadow (gid 42)"
};

// Verifies and stores one image; then points each of `names` (normalized,
// "docker.io/library/busybox:latest") at it, moving a name away from any
// image that had it. Must run inside the store's user namespace.
IngestResult ingest_image(Store& store, const archive::ArchiveImage& source,
                          const std::vector<std::string>& names, const IngestOptions& options);

// Points `name` at image `id` in `names` (removing it from another image).
void assign_name(Names& names, const std::string& name, const std::string& id);

}  // namespace kayak::store

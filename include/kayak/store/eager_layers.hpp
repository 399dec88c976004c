// Extracting the layers of an image archive while the archive is still
// being unpacked. `load` first unpacks the archive (the layer blobs must be
// kept as files anyway), then ingest extracts each new layer from its blob:
// two passes over the same bytes, one after the other, in one process. With
// EagerLayers, every file of the archive that starts like a layer (a tar
// header, or gzip/bzip2/xz/zstd magic) is also streamed, as it is written,
// to a forked child that hashes, decompresses and extracts it into a
// staging directory. Unpacking and extraction then overlap and use two
// cores; the user namespace refuses threads, hence processes.
//
// Nothing is trusted from the children beyond what ingest verifies anyway:
// ingest claims a child's result only for the very file it ingests (same
// inode, pinned open here so it cannot be replaced) and checks its digests
// against the manifest and the config's diff_ids exactly as for a layer it
// extracts itself; a failed, aborted or mismatching child is ignored, and
// ingest extracts that layer itself (producing the usual error, if any).
#pragma once

#include "kayak/archive/extract.hpp"
#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kayak::store {

namespace detail {
struct LayerBlobExtraction;
}

struct EagerLayer {
  std::string diff_dir;  // the extracted layer; the caller renames it away
  std::shared_ptr<const detail::LayerBlobExtraction> result;
};

class EagerLayers {
public:
  // Children extract into work_dir/<n>/diff (work_dir is created; it must be
  // on the store's filesystem, e.g. inside a StagingDir, which removes it).
  // At most max_running children extract at once (0: one per CPU, up to
  // 4); a pull that streams N blobs at once wants N, or a child still
  // receiving its blob would be killed to make room for the next.
  EagerLayers(std::string work_dir, archive::ExtractOptions options, unsigned max_running = 0);
  // Kills and reaps children that are still running.
  ~EagerLayers();
  EagerLayers(const EagerLayers&) = delete;
  EagerLayers& operator=(const EagerLayers&) = delete;

  // For archive::unpack_archive's tap argument.
  std::unique_ptr<archive::ContentTap> tap(const std::string& path);

  // Waits for every child; call after unpacking, before claim().
  void finish();

  // The extraction of the file at blob_path (the same inode that was
  // streamed), once; nullopt when there is none or it failed.
  std::optional<EagerLayer> claim(const std::string& blob_path);

  struct Child;

private:
  friend class EagerTap;
  void start(Child& child);
  void reap(Child& child, bool kill_it);

  std::string work_dir_;
  archive::ExtractOptions options_;
  unsigned max_running_;
  std::vector<std::unique_ptr<Child>> children_;
};

}  // namespace kayak::store

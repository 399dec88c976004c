// The on-disk image store (DESIGN "Storage"):
//
//   blobs/sha256/<hex>        blobs exactly as received (configs, manifests, layers)
//   layers/<chain>/diff/      extracted layer content
//   layers/<chain>/layer.json LayerRecord
//   images/<id>.json          ImageRecord
//   names.json                {"name:tag": "<image id>"}, one small file
//   driver.json               the rootfs driver chosen by the probe
//   incomplete.json           a multi-file change in progress (swept by the next writer)
//   tmp/                      staging dirs, each held by a flock while in use
//   store.lock                flock: shared to read, exclusive to change
//
// Readers take the shared lock; writers the exclusive one, for as short a
// time as possible: slow work (unpacking, extracting, hashing) happens in a
// staging dir first, and only renames happen under the exclusive lock.
#pragma once

#include "kayak/image/config.hpp"
#include "kayak/store/paths.hpp"
#include "kayak/store/records.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/lock.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::store {

// name:tag (normalized, "docker.io/library/busybox:latest") -> image ID hex,
// in insertion order.
using Names = std::vector<std::pair<std::string, std::string>>;

// A private working directory under tmp/, removed when this object is
// destroyed. Its lock file "<dir>.lock" exists (and is held) before the
// directory does, so a sweeping writer never mistakes a staging dir being
// set up for a crashed one; a crashed command's lock is free and its
// directory is swept by the next writer.
class StagingDir {
public:
  StagingDir(const std::string& tmp_root, const std::string& prefix);
  ~StagingDir();
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const std::string& path() const { return path_; }

private:
  std::string path_;
  UniqueFd lock_;
};

class Store {
public:
  // Creates the directory skeleton when missing.
  explicit Store(StorePaths paths);

  const StorePaths& paths() const { return paths_; }
  const std::string& root() const { return paths_.root; }
  std::string tmp_dir() const;

  // ---- locks -------------------------------------------------------------
  FileLock lock_shared() const;
  // Takes the exclusive lock and sweeps what crashed writers left behind.
  // Must run where layer files can be removed (inside the store's user
  // namespace when rootless).
  FileLock lock_exclusive();

  // ---- reading (caller holds at least the shared lock) --------------------
  Names names() const;
  std::vector<ImageRecord> images() const;  // every image, names filled in
  std::optional<ImageRecord> image(const std::string& id) const;
  // Resolves what a user typed: full or short ID (with or without
  // "sha256:"), name[:tag], name@digest, or a short name matching a stored
  // name's path ("myimg/httpd:v1" finds "localhost/myimg/httpd:v1").
  // Throws NotFoundError("No such image: TEXT", exit 125).
  ImageRecord resolve_image(std::string_view text) const;
  bool has_layer(const std::string& chain_id) const;
  LayerRecord layer(const std::string& chain_id) const;
  std::string layer_dir(const std::string& chain_id) const;
  std::string blob_path(const std::string& digest) const;
  bool has_blob(const std::string& digest) const;
  std::string read_blob(const std::string& digest) const;
  image::ImageConfig image_config(const ImageRecord& image) const;

  // ---- writing (caller holds the exclusive lock) --------------------------
  // Stores bytes as a blob; returns its digest.
  std::string put_blob(std::string_view bytes);
  // Stores a file as a blob whose digest the caller has verified; renames
  // it into place when may_move (same file system), else copies.
  void put_blob_file(const std::string& path, const std::string& digest, bool may_move);
  // Moves a staged layer dir (with diff/ inside) into place and writes its record.
  void commit_layer(const std::string& staged_dir, const LayerRecord& record);
  void write_image(const ImageRecord& image);
  void write_names(const Names& names);
  void delete_image_record(const std::string& id);
  void delete_layer(const std::string& chain_id);
  void delete_blob(const std::string& digest);

  // Multi-file changes: mark what is about to be created or deleted; if the
  // command dies before clear_incomplete(), the next writer removes every
  // marked item that no image references.
  void mark_incomplete(const std::vector<std::string>& layers, const std::vector<std::string>& blobs);
  void clear_incomplete();

  // Layers and blobs no image references any more: removed.
  struct Garbage {
    std::vector<std::string> layers;
    std::vector<std::string> blobs;
  };
  Garbage collect_garbage(const std::vector<std::string>& candidate_layers,
                          const std::vector<std::string>& candidate_blobs);

private:
  // Reads images/<id>.json and attaches its names from all_names.
  std::optional<ImageRecord> load_image(const std::string& id, const Names& all_names) const;
  void sweep();
  std::vector<std::string> referenced_blobs(const ImageRecord& image) const;

  StorePaths paths_;
};

// Normalizes a user-supplied name for storage ("busybox" ->
// "docker.io/library/busybox:latest"); throws on invalid references.
std::string normalize_name(std::string_view text);
// The familiar form for display: "busybox:latest", "myimg/httpd:v1".
std::string familiar_name(std::string_view stored_name);

}  // namespace kayak::store

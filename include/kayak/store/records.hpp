// The records the store keeps on disk: layers/<chain-id>/layer.json and
// images/<image-id>.json. IDs are 64-hex strings without "sha256:".
#pragma once

#include "kayak/util/json.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace kayak::store {

struct LayerRecord {
  std::string id;               // chain ID hex
  std::string diff_id;          // "sha256:..." of the uncompressed tar
  std::string parent;           // parent chain ID hex, "" for a base layer
  std::string blob_digest;      // "sha256:..." of the blob as received
  std::string blob_media_type;  // "" when unknown (docker-archive: plain tar)
  int64_t blob_size = 0;        // bytes of the blob as received
  int64_t tar_size = 0;         // bytes of the uncompressed tar
  int64_t size = 0;             // content bytes (regular files), Docker's layer size
  std::string whiteouts;        // "overlay" or "aufs": how deletions are stored in diff/
  std::string created;          // when it was extracted

  json::Value to_json() const;
  static LayerRecord from_json(const json::Value& doc);
};

struct ImageRecord {
  std::string id;               // sha256 hex of the config blob
  std::vector<std::string> layers;  // chain IDs, base first
  std::string manifest_digest;  // "sha256:..." when a manifest was received (OCI, registry)
  std::vector<std::string> repo_digests;  // "name@sha256:..."
  int64_t size = 0;             // sum of the layers' content sizes
  std::string created;          // from the config
  std::string stored;           // when it entered this store
  // Filled from names.json when records are read, not stored in the file.
  std::vector<std::string> names;

  std::string config_digest() const { return "sha256:" + id; }
  json::Value to_json() const;
  static ImageRecord from_json(const json::Value& doc);
};

}  // namespace kayak::store

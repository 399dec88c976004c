#include "kayak/store/records.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/sha256.hpp"

namespace kayak::store {

json::Value LayerRecord::to_json() const {
  json::Value v = json::Value::object();
  v.set("id", id);
  v.set("diff_id", diff_id);
  v.set("parent", parent);
  v.set("blob_digest", blob_digest);
  v.set("blob_media_type", blob_media_type);
  v.set("blob_size", blob_size);
  v.set("tar_size", tar_size);
  v.set("size", size);
  v.set("whiteouts", whiteouts);
  v.set("created", created);
  return v;
}

LayerRecord LayerRecord::from_json(const json::Value& doc) {
  LayerRecord r;
  r.id = doc.string_or("id");
  r.diff_id = doc.string_or("diff_id");
  r.parent = doc.string_or("parent");
  r.blob_digest = doc.string_or("blob_digest");
  r.blob_media_type = doc.string_or("blob_media_type");
  r.blob_size = doc.int_or("blob_size");
  r.tar_size = doc.int_or("tar_size");
  r.size = doc.int_or("size");
  r.whiteouts = doc.string_or("whiteouts", "aufs");
  r.created = doc.string_or("created");
  if (!is_sha256_hex(r.id) || !is_sha256_digest(r.diff_id)) fail("corrupt layer record {}", r.id);
  return r;
}

json::Value ImageRecord::to_json() const {
  json::Value v = json::Value::object();
  v.set("id", id);
  v.set("layers", json::Value::strings(layers));
  v.set("manifest_digest", manifest_digest);
  v.set("repo_digests", json::Value::strings(repo_digests));
  v.set("size", size);
  v.set("created", created);
  v.set("stored", stored);
  return v;
}

ImageRecord ImageRecord::from_json(const json::Value& doc) {
  ImageRecord r;
  r.id = doc.string_or("id");
  r.layers = doc.strings_at("layers");
  r.manifest_digest = doc.string_or("manifest_digest");
  r.repo_digests = doc.strings_at("repo_digests");
  r.size = doc.int_or("size");
  r.created = doc.string_or("created");
  r.stored = doc.string_or("stored");
  if (!is_sha256_hex(r.id)) fail("corrupt image record {}", r.id);
  for (const auto& layer : r.layers) {
    if (!is_sha256_hex(layer)) fail("corrupt image record {}: layer {}", r.id, layer);
  }
  return r;
}

}  // namespace kayak::store

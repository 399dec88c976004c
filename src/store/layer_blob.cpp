#include "kayak/store/layer_blob.hpp"

#include "kayak/archive/compression.hpp"

namespace kayak::store::detail {

LayerBlobExtraction extract_layer_blob(Reader& source, const std::string& diff_dir,
                                       const archive::ExtractOptions& options, const std::string& label) {
  HashingReader blob(source);
  archive::DecompressingReader plain(blob, label);
  HashingReader tar(plain);
  LayerBlobExtraction out;
  out.extracted = archive::extract_tar(tar, diff_dir, options);
  // Tars end with padding the extractor need not read; hash all of it.
  drain(tar);
  drain(blob);
  out.blob_digest = blob.digest();
  out.blob_size = blob.bytes();
  out.diff_id = tar.digest();
  out.tar_size = tar.bytes();
  return out;
}

json::Value LayerBlobExtraction::to_json() const {
  json::Value v = json::Value::object();
  v.set("blob_digest", blob_digest);
  v.set("blob_size", blob_size);
  v.set("diff_id", diff_id);
  v.set("tar_size", tar_size);
  v.set("entries", extracted.entries);
  v.set("content_bytes", extracted.content_bytes);
  v.set("warnings", json::Value::strings(extracted.warnings));
  v.set("first_squashed_path", extracted.first_squashed_path);
  v.set("first_squashed_id", extracted.first_squashed_id);
  v.set("first_squashed_is_gid", extracted.first_squashed_is_gid);
  v.set("squashed", extracted.squashed);
  return v;
}

LayerBlobExtraction LayerBlobExtraction::from_json(const json::Value& v) {
  LayerBlobExtraction out;
  out.blob_digest = v["blob_digest"].as_string();
  out.blob_size = static_cast<uint64_t>(v["blob_size"].as_int());
  out.diff_id = v["diff_id"].as_string();
  out.tar_size = static_cast<uint64_t>(v["tar_size"].as_int());
  out.extracted.entries = static_cast<uint64_t>(v["entries"].as_int());
  out.extracted.content_bytes = static_cast<uint64_t>(v["content_bytes"].as_int());
  out.extracted.warnings = v.strings_at("warnings");
  out.extracted.first_squashed_path = v["first_squashed_path"].as_string();
  out.extracted.first_squashed_id = static_cast<uint64_t>(v["first_squashed_id"].as_int());
  out.extracted.first_squashed_is_gid = v["first_squashed_is_gid"].as_bool();
  out.extracted.squashed = static_cast<uint64_t>(v["squashed"].as_int());
  return out;
}

}  // namespace kayak::store::detail

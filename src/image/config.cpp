// Reading image configs (OCI image config / Docker image JSON) and the
// chain IDs that name layer stacks.
#include "kayak/image/config.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/sha256.hpp"

namespace kayak::image {

namespace {

std::string shown(std::string_view text) {
  constexpr size_t kMax = 160;
  return text.size() <= kMax ? json::quote(text) : json::quote(text.substr(0, kMax)) + "...";
}

}  // namespace

ImageConfig parse_config(std::string_view bytes, std::string_view what) {
  ImageConfig config;
  config.doc = json::parse(bytes, what);
  config.what = std::string(what);
  if (!config.doc.is_object()) fail("malformed {}: not a JSON object", what);
  const json::Value& inner = config.doc["config"];
  if (!inner.is_null() && !inner.is_object()) fail("malformed {}: config is not an object", what);
  return config;
}

std::vector<std::string> ImageConfig::diff_ids() const {
  const json::Value* rootfs = doc.find("rootfs");
  if (!rootfs || !rootfs->is_object()) fail("malformed {}: no rootfs", what);
  const json::Value& type = (*rootfs)["type"];
  if (!type.is_string() || type.as_string() != "layers")
    fail("{}: unsupported rootfs type {} (want \"layers\")", what, type.is_string() ? shown(type.as_string()) : "none");
  std::vector<std::string> out;
  const json::Value* ids = rootfs->find("diff_ids");
  // Docker omits an empty diff_ids list (an image with no layers).
  if (!ids || ids->is_null()) return out;
  if (!ids->is_array()) fail("malformed {}: rootfs.diff_ids is not a list", what);
  for (const auto& id : ids->as_array()) {
    if (!id.is_string() || !is_sha256_digest(id.as_string()))
      fail("malformed {}: invalid diff_id {}", what, id.is_string() ? shown(id.as_string()) : "(not a string)");
    out.push_back(id.as_string());
  }
  return out;
}

std::vector<HistoryEntry> ImageConfig::history() const {
  std::vector<HistoryEntry> out;
  const json::Value& list = doc["history"];
  if (!list.is_array()) return out;
  for (const auto& item : list.as_array()) {
    HistoryEntry entry;
    entry.created = item.string_or("created");
    entry.created_by = item.string_or("created_by");
    entry.comment = item.string_or("comment");
    entry.author = item.string_or("author");
    entry.empty_layer = item.bool_or("empty_layer");
    out.push_back(std::move(entry));
  }
  return out;
}

std::string ImageConfig::created() const { return doc.string_or("created"); }
std::string ImageConfig::architecture() const { return doc.string_or("architecture"); }
std::string ImageConfig::os() const { return doc.string_or("os"); }
std::string ImageConfig::variant() const { return doc.string_or("variant"); }
const json::Value& ImageConfig::container_config() const { return doc["config"]; }

std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids) {
  std::vector<std::string> out;
  out.reserve(diff_ids.size());
  for (const auto& diff_id : diff_ids) {
    if (!is_sha256_digest(diff_id)) fail("invalid diff_id {}", shown(diff_id));
    if (out.empty()) {
      out.push_back(diff_id);
    } else {
      out.push_back(sha256_digest(out.back() + " " + diff_id));
    }
  }
  return out;
}

}  // namespace kayak::image

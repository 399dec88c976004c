// volume.json and Docker's rule for local volume names.
#include "kayak/store/volume.hpp"

#include "kayak/util/error.hpp"

namespace kayak::store {

namespace {

json::Value pairs_to_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::Value object = json::Value::object();
  for (const auto& [key, value] : pairs) object.set(key, value);
  return object;
}

std::vector<std::pair<std::string, std::string>> pairs_from_json(const json::Value& object) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!object.is_object()) return pairs;
  for (const auto& [key, value] : object.as_object()) {
    pairs.emplace_back(key, value.is_string() ? value.as_string() : std::string());
  }
  return pairs;
}

bool name_char(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return !first && (c == '_' || c == '.' || c == '-');
}

}  // namespace

json::Value VolumeRecord::to_json() const {
  json::Value doc = json::Value::object();
  doc.set("Name", name);
  doc.set("Driver", driver);
  doc.set("Mountpoint", mountpoint);
  doc.set("CreatedAt", created_at);
  doc.set("Labels", pairs_to_json(labels));
  doc.set("Options", pairs_to_json(options));
  doc.set("Scope", scope);
  doc.set("Anonymous", anonymous);
  doc.set("Populated", populated);
  return doc;
}

VolumeRecord VolumeRecord::from_json(const json::Value& doc) {
  VolumeRecord record;
  record.name = doc.string_or("Name");
  record.driver = doc.string_or("Driver", "local");
  record.mountpoint = doc.string_or("Mountpoint");
  record.created_at = doc.string_or("CreatedAt");
  record.labels = pairs_from_json(doc["Labels"]);
  record.options = pairs_from_json(doc["Options"]);
  record.scope = doc.string_or("Scope", "local");
  record.anonymous = doc.bool_or("Anonymous");
  record.populated = doc.bool_or("Populated");
  return record;
}

bool VolumeRecord::has_label(const std::string& want) const {
  auto eq = want.find('=');
  std::string key = want.substr(0, eq);
  for (const auto& [k, v] : labels) {
    if (k == key) return eq == std::string::npos || v == want.substr(eq + 1);
  }
  return false;
}

void validate_volume_name(const std::string& name) {
  bool ok = name.size() >= 2;
  for (size_t i = 0; ok && i < name.size(); i++) ok = name_char(name[i], i == 0);
  if (!ok) {
    fail("create {}: \"{}\" includes invalid characters for a local volume name, only "
         "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path",
         name, name);
  }
}

}  // namespace kayak::store

// Legacy v1 layer IDs and layer JSON for docker-archive output.
//
// Docker computes these from Go structs run through encoding/json; we build
// the same documents field by field. Lower layers match Docker byte for
// byte. The top layer copies the image config's values as they are, where
// Docker re-encodes them through its structs (normalizing, for example,
// container_config's member order), so its ID can differ from Docker's for
// the same image. Nothing reads these IDs back (docker load, podman and
// skopeo go by manifest.json); they only have to be stable and unique.
#include "docker_archive_v1.hpp"

#include "kayak/image/config.hpp"
#include "kayak/util/sha256.hpp"

#include <algorithm>

namespace kayak::archive::detail {
namespace {

// Go's encoding/json escapes <, > and & in strings.
const json::DumpOptions kGoJson{.indent = 0, .escape_html = true};

// A zero container.Config as encoding/json writes it: the members that
// have no omitempty, in struct order.
json::Value zero_container_config() {
  json::Value c = json::Value::object();
  for (const char* key : {"Hostname", "Domainname", "User"}) c.set(key, "");
  for (const char* key : {"AttachStdin", "AttachStdout", "AttachStderr", "Tty", "OpenStdin", "StdinOnce"})
    c.set(key, false);
  c.set("Env", nullptr);
  c.set("Cmd", nullptr);
  c.set("Image", "");
  c.set("Volumes", nullptr);
  c.set("WorkingDir", "");
  c.set("Entrypoint", nullptr);
  c.set("OnBuild", nullptr);
  c.set("Labels", nullptr);
  return c;
}

// V1Image fields of a lower layer, before id/parent/os are added.
json::Value lower_layer_fields() {
  json::Value f = json::Value::object();
  f.set("created", "1970-01-01T00:00:00Z");
  f.set("container_config", zero_container_config());
  return f;
}

void copy_nonempty_string(const json::Value& from, json::Value& to, const char* key) {
  std::string value = from.string_or(key);
  if (!value.empty()) to.set(key, value);
}

// V1Image fields of the top layer: the image's own, in V1Image's order
// (comment, created, container, container_config, docker_version, author,
// config, architecture, variant, os), empty ones left out as omitempty does.
json::Value top_layer_fields(const json::Value& config) {
  json::Value f = json::Value::object();
  copy_nonempty_string(config, f, "comment");
  if (config["created"].is_string()) f.set("created", config["created"]);
  copy_nonempty_string(config, f, "container");
  const json::Value& cc = config["container_config"];
  f.set("container_config", cc.is_object() ? cc : zero_container_config());
  copy_nonempty_string(config, f, "docker_version");
  copy_nonempty_string(config, f, "author");
  if (config["config"].is_object()) f.set("config", config["config"]);
  copy_nonempty_string(config, f, "architecture");
  copy_nonempty_string(config, f, "variant");
  copy_nonempty_string(config, f, "os");
  return f;
}

// Go marshals the map[string]*json.RawMessage it hashes with sorted keys.
std::string v1_id(const json::Value& fields, const std::string& chain_id, const std::string& parent_id) {
  json::Object doc = fields.as_object();
  doc.emplace_back("layer_id", chain_id);
  if (!parent_id.empty()) doc.emplace_back("parent", "sha256:" + parent_id);
  std::sort(doc.begin(), doc.end(), [](const json::Member& a, const json::Member& b) { return a.first < b.first; });
  return sha256_hex(json::dump(json::Value(std::move(doc)), kGoJson));
}

}  // namespace

std::vector<V1Layer> v1_layers(const json::Value& config, const std::vector<std::string>& diff_ids) {
  std::vector<std::string> chains = image::chain_ids(diff_ids);
  std::string os = config.string_or("os");
  std::vector<V1Layer> out;
  std::string parent;
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    bool top = i + 1 == diff_ids.size();
    json::Value fields = top ? top_layer_fields(config) : lower_layer_fields();
    V1Layer layer;
    layer.id = v1_id(fields, chains[i], parent);

    // The written document: id and parent first (V1Image's field order),
    // then the fields, then os, which Docker sets after computing the ID.
    json::Value doc = json::Value::object();
    doc.set("id", layer.id);
    if (!parent.empty()) doc.set("parent", parent);
    for (auto& [key, value] : fields.as_object()) doc.set(key, std::move(value));
    if (!os.empty()) doc.set("os", os);
    layer.json = json::dump(doc, kGoJson);

    parent = layer.id;
    out.push_back(std::move(layer));
  }
  return out;
}

}  // namespace kayak::archive::detail

// Manifests, indexes and descriptors: strict readers (everything here comes
// from archives and registries we do not trust) and writers that emit the
// fields in the order of the OCI specification's Go types, so documents we
// build look like the ones other tools build.
#include "kayak/image/manifest.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/sha256.hpp"

#include <algorithm>

namespace kayak::image {

namespace {

constexpr const char* kDockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json";

// A value quoted for an error message, cut short so a hostile document
// cannot flood the terminal.
std::string shown(std::string_view text) {
  constexpr size_t kMax = 160;
  if (text.size() <= kMax) return json::quote(text);
  return json::quote(text.substr(0, kMax)) + "...";
}

// RFC 6838 names as the OCI spec restricts them: type "/" subtype, each
// starting with an alphanumeric and at most 127 characters.
bool valid_media_type(std::string_view text) {
  auto valid_name = [](std::string_view name) {
    if (name.empty() || name.size() > 127) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
    if (!alnum(name.front())) return false;
    return std::all_of(name.begin(), name.end(), [&](char c) {
      return alnum(c) || c == '!' || c == '#' || c == '$' || c == '&' || c == '-' || c == '^' || c == '_' ||
             c == '.' || c == '+';
    });
  };
  size_t slash = text.find('/');
  return slash != std::string_view::npos && valid_name(text.substr(0, slash)) && valid_name(text.substr(slash + 1));
}

bool is_schema1_media_type(std::string_view type) {
  return type == kDockerSchema1 || type == media::kDockerSchema1Signed;
}
bool is_manifest_media_type(std::string_view type) {
  return type == media::kOciManifest || type == media::kDockerManifest;
}
bool is_index_media_type(std::string_view type) {
  return type == media::kOciIndex || type == media::kDockerManifestList;
}

const json::Value& require_object(const json::Value& doc, std::string_view what) {
  if (!doc.is_object()) fail("malformed {}: not a JSON object", what);
  return doc;
}

std::string optional_string(const json::Value& doc, std::string_view key, std::string_view what) {
  const json::Value* v = doc.find(key);
  if (!v || v->is_null()) return {};
  if (!v->is_string()) fail("malformed {}: {} is not a string", what, key);
  return v->as_string();
}

// annotations: an object of strings, or absent (kept as null).
json::Value read_annotations(const json::Value& doc, std::string_view what) {
  const json::Value* v = doc.find("annotations");
  if (!v || v->is_null()) return {};
  if (!v->is_object()) fail("malformed {}: annotations is not an object", what);
  for (const auto& [key, value] : v->as_object())
    if (!value.is_string()) fail("malformed {}: annotation {} is not a string", what, shown(key));
  return *v;
}

std::vector<std::string> read_strings(const json::Value& doc, std::string_view key, std::string_view what) {
  std::vector<std::string> out;
  const json::Value* v = doc.find(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) fail("malformed {}: {} is not a list", what, key);
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) fail("malformed {}: {} holds a non-string", what, key);
    out.push_back(item.as_string());
  }
  return out;
}

Platform read_platform(const json::Value& doc, std::string_view what) {
  if (!doc.is_object()) fail("malformed {}: platform is not an object", what);
  Platform p;
  p.architecture = optional_string(doc, "architecture", what);
  p.os = optional_string(doc, "os", what);
  if (p.architecture.empty() || p.os.empty()) fail("malformed {}: platform needs os and architecture", what);
  p.os_version = optional_string(doc, "os.version", what);
  p.os_features = read_strings(doc, "os.features", what);
  p.variant = optional_string(doc, "variant", what);
  return p;
}

json::Value platform_to_json(const Platform& p) {
  json::Value out = json::Value::object();
  out.set("architecture", p.architecture);
  out.set("os", p.os);
  if (!p.os_version.empty()) out.set("os.version", p.os_version);
  if (!p.os_features.empty()) out.set("os.features", json::Value::strings(p.os_features));
  if (!p.variant.empty()) out.set("variant", p.variant);
  return out;
}

int read_schema_version(const json::Value& doc, std::string_view what) {
  const json::Value* v = doc.find("schemaVersion");
  if (!v) fail("malformed {}: no schemaVersion", what);
  if (!v->is_number()) fail("malformed {}: schemaVersion is not a number", what);
  int64_t version = v->as_int();
  if (version == 1) fail("{}: schema 1 manifests are not supported", what);
  if (version != 2) fail("{}: unsupported schemaVersion {}", what, version);
  return 2;
}

std::optional<Descriptor> read_subject(const json::Value& doc, std::string_view what) {
  const json::Value* v = doc.find("subject");
  if (!v || v->is_null()) return std::nullopt;
  return descriptor_from_json(*v, std::string(what) + ": subject");
}

void put_tail(json::Value& out, const std::optional<Descriptor>& subject, const json::Value& annotations) {
  if (subject) out.set("subject", subject->to_json());
  if (annotations.is_object() && !annotations.empty()) out.set("annotations", annotations);
}

}  // namespace

Descriptor descriptor_from_json(const json::Value& doc, std::string_view what) {
  if (!doc.is_object()) fail("malformed {}: descriptor is not a JSON object", what);
  Descriptor d;
  d.media_type = optional_string(doc, "mediaType", what);
  if (d.media_type.empty()) fail("malformed {}: descriptor has no mediaType", what);
  if (!valid_media_type(d.media_type)) fail("malformed {}: invalid mediaType {}", what, shown(d.media_type));

  const json::Value* digest = doc.find("digest");
  if (!digest || !digest->is_string()) fail("malformed {}: descriptor has no digest", what);
  d.digest = digest->as_string();
  // The digest later names a file (blobs/sha256/<hex>), so anything but a
  // well-formed sha256 digest is refused here, before it reaches a path.
  if (!is_sha256_digest(d.digest)) {
    if (d.digest.starts_with("sha512:") || d.digest.starts_with("sha384:"))
      fail("{}: unsupported digest algorithm in {}", what, shown(d.digest));
    fail("malformed {}: invalid digest {}", what, shown(d.digest));
  }

  const json::Value* size = doc.find("size");
  if (!size || !size->is_number()) fail("malformed {}: descriptor has no size", what);
  if (size->is_int()) {
    d.size = size->as_int();
  } else {
    double value = size->as_double();
    // Integral doubles only (some writers emit 1234.0); and in range.
    if (value != static_cast<double>(static_cast<int64_t>(value)) || value > 9.0e18)
      fail("malformed {}: invalid size {}", what, value);
    d.size = static_cast<int64_t>(value);
  }
  if (d.size < 0) fail("malformed {}: negative size {}", what, d.size);

  d.urls = read_strings(doc, "urls", what);
  d.annotations = read_annotations(doc, what);
  if (const json::Value* p = doc.find("platform"); p && !p->is_null()) d.platform = read_platform(*p, what);
  d.artifact_type = optional_string(doc, "artifactType", what);
  return d;
}

json::Value Descriptor::to_json() const {
  json::Value out = json::Value::object();
  out.set("mediaType", media_type);
  out.set("digest", digest);
  out.set("size", size);
  if (!urls.empty()) out.set("urls", json::Value::strings(urls));
  if (annotations.is_object() && !annotations.empty()) out.set("annotations", annotations);
  if (platform) out.set("platform", platform_to_json(*platform));
  if (!artifact_type.empty()) out.set("artifactType", artifact_type);
  return out;
}

DocumentKind classify_document(const json::Value& doc) {
  if (!doc.is_object()) return DocumentKind::Unknown;
  const json::Value& type = doc["mediaType"];
  if (type.is_string() && !type.as_string().empty()) {
    const std::string& t = type.as_string();
    if (is_manifest_media_type(t)) return DocumentKind::Manifest;
    if (is_index_media_type(t)) return DocumentKind::Index;
    if (is_schema1_media_type(t)) return DocumentKind::Schema1;
    return DocumentKind::Unknown;
  }
  const json::Value& version = doc["schemaVersion"];
  if (version.is_number() && version.as_double() == 1) return DocumentKind::Schema1;
  if (doc.contains("manifests")) return DocumentKind::Index;
  if (doc.contains("layers") || doc.contains("config")) return DocumentKind::Manifest;
  if (doc.contains("fsLayers")) return DocumentKind::Schema1;
  return DocumentKind::Unknown;
}

Manifest manifest_from_json(const json::Value& doc, std::string_view what) {
  require_object(doc, what);
  Manifest m;
  m.media_type = optional_string(doc, "mediaType", what);
  if (is_schema1_media_type(m.media_type)) fail("{}: schema 1 manifests are not supported", what);
  m.schema_version = read_schema_version(doc, what);
  if (is_index_media_type(m.media_type)) fail("{}: is an image index, not a manifest", what);
  if (!m.media_type.empty() && !is_manifest_media_type(m.media_type))
    fail("{}: unsupported manifest media type {}", what, shown(m.media_type));
  if (m.media_type.empty() && doc.contains("manifests")) fail("{}: is an image index, not a manifest", what);

  const json::Value* config = doc.find("config");
  if (!config || config->is_null()) fail("malformed {}: no config", what);
  m.config = descriptor_from_json(*config, std::string(what) + ": config");

  const json::Value* layers = doc.find("layers");
  if (!layers || !layers->is_array()) fail("malformed {}: no layers list", what);
  for (size_t i = 0; i < layers->size(); ++i)
    m.layers.push_back(descriptor_from_json((*layers)[i], std::string(what) + ": layer " + std::to_string(i + 1)));

  m.annotations = read_annotations(doc, what);
  m.artifact_type = optional_string(doc, "artifactType", what);
  m.subject = read_subject(doc, what);
  return m;
}

Manifest parse_manifest(std::string_view bytes, std::string_view what) {
  return manifest_from_json(json::parse(bytes, what), what);
}

json::Value Manifest::to_json() const {
  json::Value out = json::Value::object();
  out.set("schemaVersion", schema_version);
  if (!media_type.empty()) out.set("mediaType", media_type);
  if (!artifact_type.empty()) out.set("artifactType", artifact_type);
  out.set("config", config.to_json());
  json::Value list = json::Value::array();
  for (const auto& layer : layers) list.push_back(layer.to_json());
  out.set("layers", std::move(list));
  put_tail(out, subject, annotations);
  return out;
}

Index index_from_json(const json::Value& doc, std::string_view what) {
  require_object(doc, what);
  Index index;
  index.media_type = optional_string(doc, "mediaType", what);
  if (is_schema1_media_type(index.media_type)) fail("{}: schema 1 manifests are not supported", what);
  index.schema_version = read_schema_version(doc, what);
  if (is_manifest_media_type(index.media_type)) fail("{}: is an image manifest, not an index", what);
  if (!index.media_type.empty() && !is_index_media_type(index.media_type))
    fail("{}: unsupported index media type {}", what, shown(index.media_type));

  const json::Value* manifests = doc.find("manifests");
  if (!manifests || !manifests->is_array()) fail("malformed {}: no manifests list", what);
  for (size_t i = 0; i < manifests->size(); ++i)
    index.manifests.push_back(
      descriptor_from_json((*manifests)[i], std::string(what) + ": manifest " + std::to_string(i + 1)));

  index.annotations = read_annotations(doc, what);
  index.artifact_type = optional_string(doc, "artifactType", what);
  index.subject = read_subject(doc, what);
  return index;
}

Index parse_index(std::string_view bytes, std::string_view what) {
  return index_from_json(json::parse(bytes, what), what);
}

json::Value Index::to_json() const {
  json::Value out = json::Value::object();
  out.set("schemaVersion", schema_version);
  if (!media_type.empty()) out.set("mediaType", media_type);
  if (!artifact_type.empty()) out.set("artifactType", artifact_type);
  json::Value list = json::Value::array();
  for (const auto& m : manifests) list.push_back(m.to_json());
  out.set("manifests", std::move(list));
  put_tail(out, subject, annotations);
  return out;
}

}  // namespace kayak::image

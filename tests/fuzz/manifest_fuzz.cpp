// libFuzzer target: manifests and indexes. Besides not crashing, whatever
// the parsers accept must carry only well-formed sha256 digests and
// non-negative sizes, and must survive to_json -> parse unchanged.
#include "kayak/image/manifest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace kayak;

namespace {

void check(const image::Descriptor& d) {
  if (!is_sha256_digest(d.digest) || d.size < 0 || d.media_type.empty()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  json::Value doc;
  try {
    doc = json::parse(text, "fuzz");
  } catch (const Error&) {
    return 0;
  }
  (void)image::classify_document(doc);
  try {
    image::Manifest m = image::manifest_from_json(doc);
    check(m.config);
    for (const auto& layer : m.layers) check(layer);
    std::string once = json::dump(m.to_json());
    if (json::dump(image::parse_manifest(once).to_json()) != once) std::abort();
  } catch (const Error&) {
  }
  try {
    image::Index index = image::index_from_json(doc);
    for (const auto& entry : index.manifests) check(entry);
    std::string once = json::dump(index.to_json());
    if (json::dump(image::parse_index(once).to_json()) != once) std::abort();
    (void)image::choose_platform(index, image::host_platform());
  } catch (const Error&) {
  }
  return 0;
}

// `push`: which image, where to, then the registry or a local writer.
#include "kayak/commands/image_push.hpp"

#include "push_layers.hpp"
#include "push_local.hpp"
#include "push_registry.hpp"

#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"

#include <algorithm>

namespace kayak::commands {

namespace {

// True when text names the image by (a prefix of) its ID rather than a name.
bool named_by_id(std::string_view text, const std::string& id) {
  if (text.substr(0, 7) == "sha256:") text.remove_prefix(7);
  return image::looks_like_id(text) && id.compare(0, text.size(), text) == 0;
}

// The stored name the source stands for: the name as typed when it is
// stored, else the stored name it matched (a short name finds
// localhost/...); "" for an ID.
std::string source_name(const std::string& text, const store::ImageRecord& record) {
  if (named_by_id(text, record.id)) return "";
  std::string full = image::parse_reference(text).str();
  if (std::find(record.names.begin(), record.names.end(), full) != record.names.end()) return full;
  for (const auto& name : record.names) {
    if (name.ends_with("/" + text) || name.ends_with("/" + text + ":latest")) return name;
  }
  return full;
}

}  // namespace

PushReport push_image(store::Store& store, const PushOptions& options) {
  if (options.source.empty()) fail("push needs an image");
  parse_compression(options.compression_format);  // a bad value fails before anything else
  // Held for the whole push: the blobs being sent cannot be removed under
  // it (an rmi waits), and a push needs nothing exclusive.
  FileLock lock = store.lock_shared();
  store::ImageRecord record = store.resolve_image(options.source);
  std::string name = source_name(options.source, record);

  std::string destination = options.destination.empty() ? name : options.destination;
  if (destination.empty()) {
    fail("{} is an image ID: name the destination (kayak push {} REGISTRY/REPOSITORY[:TAG])", options.source,
         options.source);
  }
  PushReport report;
  LocalDestination local = parse_local_destination(destination);
  if (!local.kind.empty()) {
    std::vector<std::string> names;
    if (!name.empty()) names.push_back(store::familiar_name(name));
    push_to_local(store, record, local, names);
    return report;
  }
  std::string text = destination;
  if (text.starts_with("docker://")) text.erase(0, 9);
  image::Reference dest = image::parse_reference(text);
  if (!dest.digest.empty()) fail("push {}: cannot push to a digest reference: name a tag", text);
  report.digest = push_to_registry(store, record, dest, options);
  return report;
}

}  // namespace kayak::commands

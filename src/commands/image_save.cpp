#include "kayak/commands/image_save.hpp"

#include "stored_image.hpp"

#include "kayak/archive/image_archive.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>

namespace kayak::commands {

namespace {

// A repository name without tag or digest (Docker saves all its tags).
bool is_bare_repository(std::string_view text) {
  if (text.find('@') != std::string_view::npos) return false;
  auto slash = text.rfind('/');
  auto colon = text.rfind(':');
  return colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash);
}

// True when the user named the image by (a prefix of) its ID: Docker then
// writes it without tags.
bool named_by_id(std::string_view text, const std::string& id) {
  if (text.substr(0, 7) == "sha256:") text.remove_prefix(7);
  return image::looks_like_id(text) && id.compare(0, text.size(), text) == 0;
}

}  // namespace

void save_images(store::Store& store, const SaveOptions& options) {
  if (options.format != "docker-archive" && options.format != "oci-archive") {
    fail("unsupported save format \"{}\": use docker-archive or oci-archive", options.format);
  }
  if (options.output.empty() && ::isatty(STDOUT_FILENO)) {
    fail("cowardly refusing to save to a terminal. Use the -o flag or redirect");
  }
  if (options.images.empty()) fail("save needs at least one image");

  FileLock lock = store.lock_shared();
  // Image ID -> tags to write, in the order the user named them.
  std::vector<std::string> order;
  std::map<std::string, std::vector<std::string>> tags;
  auto add = [&](const std::string& id, const std::string& tag) {
    if (!tags.count(id)) order.push_back(id);
    auto& list = tags[id];
    if (!tag.empty() && std::find(list.begin(), list.end(), tag) == list.end()) list.push_back(tag);
  };
  store::Names names = store.names();
  for (const auto& text : options.images) {
    if (is_bare_repository(text) && !image::looks_like_id(text)) {
      std::string repo = image::parse_reference(text, false).name();
      bool any = false;
      for (const auto& [name, id] : names) {
        if (name.compare(0, repo.size() + 1, repo + ":") == 0) {
          add(id, store::familiar_name(name));
          any = true;
        }
      }
      if (any) continue;
    }
    store::ImageRecord record = store.resolve_image(text);
    std::string tag;
    if (!named_by_id(text, record.id)) {
      // The name as stored (a short name may have matched localhost/...).
      std::string full = image::parse_reference(text).str();
      bool stored = std::any_of(names.begin(), names.end(), [&](const auto& n) { return n.first == full; });
      if (stored) {
        tag = store::familiar_name(full);
      } else if (!record.names.empty()) {
        tag = store::familiar_name(record.names[0]);
      }
    }
    add(record.id, tag);
  }

  std::vector<archive::SaveImage> images;
  for (const auto& id : order) {
    images.push_back(save_image_of(store, *store.image(id), tags[id]));
  }

  auto write = [&](Writer& out) {
    if (options.format == "oci-archive") {
      archive::write_oci_archive(images, out);
    } else {
      archive::write_docker_archive(images, out);
    }
  };
  if (options.output.empty()) {
    FdWriter out(STDOUT_FILENO, "stdout");
    write(out);
    return;
  }
  // The archive appears whole or not at all.
  fs::AtomicFile file(fs::absolute(options.output), 0644);
  write(file);
  file.commit();
}

}  // namespace kayak::commands

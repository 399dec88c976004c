// Collecting the entries of an image archive and writing them in a fixed
// order with fixed metadata, so the same images always give the same bytes.
#include "image_archive_internal.hpp"

#include "kayak/image/config.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <algorithm>

namespace kayak::archive::detail {
namespace {

// Go's filepath.Walk order, which `docker save` and podman produce: names
// compared component by component, so "d/" and its content come before
// "d.json" although '/' sorts after '.'.
bool walk_order(const PlannedEntry& a, const PlannedEntry& b) {
  auto pa = str::split(a.name, '/');
  auto pb = str::split(b.name, '/');
  return std::lexicographical_compare(pa.begin(), pa.end(), pb.begin(), pb.end());
}

}  // namespace

bool ArchivePlan::contains(const std::string& name) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const PlannedEntry& e) { return e.name == name; });
}

void ArchivePlan::add(PlannedEntry entry) {
  if (entry.name.empty() || entry.name.back() == '/') fail("internal error: bad archive entry name '{}'", entry.name);
  if (contains(entry.name)) return;
  entries_.push_back(std::move(entry));
}

void ArchivePlan::add_directory(const std::string& name, int64_t mtime) {
  add({.kind = PlannedEntry::Kind::Directory, .name = name, .mtime = mtime});
}

void ArchivePlan::add_file(const std::string& name, std::string content, int64_t mtime) {
  add({.kind = PlannedEntry::Kind::File, .name = name, .content = std::move(content), .mtime = mtime});
}

void ArchivePlan::add_stream(const std::string& name, std::function<std::unique_ptr<Reader>()> open, uint64_t size,
                             int64_t mtime) {
  if (!open) fail("internal error: no way to open the content of {}", name);
  add({.kind = PlannedEntry::Kind::Stream, .name = name, .open = std::move(open), .size = size, .mtime = mtime});
}

void ArchivePlan::add_symlink(const std::string& name, const std::string& target, int64_t mtime) {
  add({.kind = PlannedEntry::Kind::Symlink, .name = name, .content = target, .mtime = mtime});
}

void ArchivePlan::write(Writer& out) {
  std::stable_sort(entries_.begin(), entries_.end(), walk_order);
  TarWriter tar(out);
  for (const auto& e : entries_) {
    TarWriter::Meta meta;
    meta.mtime = e.mtime;
    switch (e.kind) {
    case PlannedEntry::Kind::Directory:
      meta.mode = 0755;
      tar.add_directory(e.name, meta);
      break;
    case PlannedEntry::Kind::File:
      tar.add_file(e.name, e.content, meta);
      break;
    case PlannedEntry::Kind::Stream: {
      auto reader = e.open();
      if (!reader) fail("internal error: no content for {}", e.name);
      tar.add_file(e.name, *reader, e.size, meta);
      break;
    }
    case PlannedEntry::Kind::Symlink:
      meta.mode = 0777;
      tar.add_symlink(e.name, e.content, meta);
      break;
    }
  }
  tar.finish();
}

void check_save_image(const std::string& config_digest, const std::string& config_bytes,
                      const std::vector<std::string>& layer_diff_ids, const std::string& what) {
  if (!is_sha256_digest(config_digest)) fail("save {}: invalid image ID '{}'", what, config_digest);
  if (sha256_digest(config_bytes) != config_digest)
    fail("save {}: config content does not match image ID {}", what, config_digest);
  auto diff_ids = image::parse_config(config_bytes, "config of " + what).diff_ids();
  if (diff_ids.size() != layer_diff_ids.size())
    fail("save {}: {} layers but {} diff_ids in the config", what, layer_diff_ids.size(), diff_ids.size());
  for (size_t i = 0; i < diff_ids.size(); ++i) {
    if (diff_ids[i] != layer_diff_ids[i])
      fail("save {}: layer {} is {} but the config lists {}", what, i + 1, layer_diff_ids[i], diff_ids[i]);
  }
}

}  // namespace kayak::archive::detail

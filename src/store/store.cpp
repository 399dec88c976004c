#include "kayak/store/store.hpp"

#include "kayak/image/manifest.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/stream.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>

namespace kayak::store {

// ---- staging -----------------------------------------------------------

namespace {

// Marks the staging root as the top of a directory hierarchy (chattr +T), so
// that ext4's Orlov allocator places each staging directory (a layer being
// extracted) in a block group of its own instead of next to its parent.
// Without a journal, ext4 skips inodes freed in the last minute one by one
// for every file it creates (recently_deleted() in its inode allocator):
// loading right after `rmi` (or any big removal nearby) then costs ~200 us
// per file instead of ~15, 3-4x the whole load. Best effort: other file
// systems do not have the flag, and nothing depends on it.
void hint_top_directory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  int flags = 0;
  if (!fd || ::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0 || (flags & FS_TOPDIR_FL)) return;
  flags |= FS_TOPDIR_FL;
  ::ioctl(fd.get(), FS_IOC_SETFLAGS, &flags);
}

}  // namespace

StagingDir::StagingDir(const std::string& tmp_root, const std::string& prefix) {
  hint_top_directory(tmp_root);
  for (;;) {
    std::string lock_path = fs::join(tmp_root, prefix + "-XXXXXX.lock");
    UniqueFd fd(::mkostemps(lock_path.data(), 5, O_CLOEXEC));
    if (!fd) fail_errno("create staging lock in {}", tmp_root);
    if (::flock(fd.get(), LOCK_EX) != 0) fail_errno("lock {}", lock_path);
    // A sweeper may have taken the fresh lock file for a stale one and
    // removed it before we locked it: then start again with a new name.
    struct stat held, named;
    if (::fstat(fd.get(), &held) != 0 || ::stat(lock_path.c_str(), &named) != 0 || held.st_ino != named.st_ino) {
      continue;
    }
    path_ = lock_path.substr(0, lock_path.size() - 5);
    if (::mkdir(path_.c_str(), 0700) != 0) {
      int err = errno;
      ::unlink(lock_path.c_str());
      fail_errno_value(err, "create staging directory {}", path_);
    }
    lock_ = std::move(fd);
    return;
  }
}

StagingDir::~StagingDir() {
  try {
    fs::remove_tree(path_);
  } catch (const std::exception& e) {
    log::warn("cannot remove staging directory: {}", e.what());
  }
  ::unlink((path_ + ".lock").c_str());
}

// ---- opening -----------------------------------------------------------

Store::Store(StorePaths paths) : paths_(std::move(paths)) {
  for (const char* sub : {"", "blobs/sha256", "layers", "images", "tmp"}) {
    fs::mkdir_p(fs::join(paths_.root, sub), 0700);
  }
}

std::string Store::tmp_dir() const { return fs::join(paths_.root, "tmp"); }

FileLock Store::lock_shared() const {
  return FileLock(fs::join(paths_.root, "store.lock"), FileLock::Mode::Shared);
}

FileLock Store::lock_exclusive() {
  FileLock lock(fs::join(paths_.root, "store.lock"), FileLock::Mode::Exclusive);
  sweep();
  return lock;
}

void Store::sweep() {
  // Staging dirs whose owner is gone: their lock can be taken, or (for a
  // directory) there is no lock file at all, since owners create the lock
  // first. Layers being deleted are renamed here too and are swept the same way.
  for (const auto& name : fs::list_dir(tmp_dir())) {
    std::string path = fs::join(tmp_dir(), name);
    if (name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0) {
      UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
      if (!fd || ::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) continue;
      std::string dir = path.substr(0, path.size() - 5);
      log::debug("removing stale staging directory {}", dir);
      if (fs::exists(dir)) fs::remove_tree(dir);
      ::unlink(path.c_str());
    } else if (fs::is_dir(path) && !fs::exists(path + ".lock")) {
      log::debug("removing stale directory {}", path);
      fs::remove_tree(path);
    }
  }
  // An interrupted multi-file change.
  std::string marker;
  if (!fs::read_file_if_exists(fs::join(paths_.root, "incomplete.json"), marker)) return;
  auto doc = json::parse(marker, "incomplete.json");
  auto garbage = collect_garbage(doc.strings_at("layers"), doc.strings_at("blobs"));
  if (!garbage.layers.empty() || !garbage.blobs.empty()) {
    log::info("cleaned up after an interrupted command: {} layers, {} blobs", garbage.layers.size(),
              garbage.blobs.size());
  }
  clear_incomplete();
}

// ---- names -------------------------------------------------------------

Names Store::names() const {
  std::string text;
  Names out;
  if (!fs::read_file_if_exists(fs::join(paths_.root, "names.json"), text)) return out;
  auto doc = json::parse(text, "names.json");
  for (const auto& [name, id] : doc.as_object()) out.emplace_back(name, id.as_string());
  return out;
}

void Store::write_names(const Names& names) {
  json::Value doc = json::Value::object();
  for (const auto& [name, id] : names) doc.set(name, id);
  fs::write_file_atomic(fs::join(paths_.root, "names.json"), json::dump(doc, {.indent = 1}), 0600);
}

std::string normalize_name(std::string_view text) { return image::parse_reference(text).str(); }

std::string familiar_name(std::string_view stored_name) {
  try {
    return image::parse_reference(stored_name, false).familiar();
  } catch (const Error&) {
    return std::string(stored_name);
  }
}

// ---- images ------------------------------------------------------------

std::optional<ImageRecord> Store::load_image(const std::string& id, const Names& all_names) const {
  if (!is_sha256_hex(id)) return std::nullopt;
  std::string text;
  if (!fs::read_file_if_exists(fs::join(paths_.root, "images/" + id + ".json"), text)) return std::nullopt;
  ImageRecord record = ImageRecord::from_json(json::parse(text, "image record " + id));
  for (const auto& [name, owner] : all_names) {
    if (owner == id) record.names.push_back(name);
  }
  return record;
}

std::optional<ImageRecord> Store::image(const std::string& id) const { return load_image(id, names()); }

std::vector<ImageRecord> Store::images() const {
  std::vector<ImageRecord> out;
  Names all_names = names();
  for (const auto& file : fs::list_dir(fs::join(paths_.root, "images"))) {
    if (file.size() != 69 || file.substr(64) != ".json") continue;
    if (auto record = load_image(file.substr(0, 64), all_names)) out.push_back(std::move(*record));
  }
  return out;
}

void Store::write_image(const ImageRecord& image) {
  fs::write_file_atomic(fs::join(paths_.root, "images/" + image.id + ".json"),
                        json::dump(image.to_json(), {.indent = 1}), 0600);
}

void Store::delete_image_record(const std::string& id) {
  std::string path = fs::join(paths_.root, "images/" + id + ".json");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail_errno("remove {}", path);
}

namespace {

[[noreturn]] void no_such_image(std::string_view text) {
  throw NotFoundError("No such image: " + std::string(text));
}

// "sha256:abc" or "abc" when it could be (a prefix of) an image ID.
std::optional<std::string> id_prefix(std::string_view text) {
  if (text.substr(0, 7) == "sha256:") text.remove_prefix(7);
  if (text.empty() || text.size() > 64) return std::nullopt;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return std::string(text);
}

}  // namespace

ImageRecord Store::resolve_image(std::string_view text) const {
  auto prefix = id_prefix(text);
  Names all_names = names();
  if (prefix && prefix->size() == 64) {
    if (auto found = load_image(*prefix, all_names)) return *found;
    no_such_image(text);
  }
  std::optional<image::Reference> ref;
  try {
    ref = image::parse_reference(text);
  } catch (const Error&) {
    if (!prefix) throw;
  }
  if (ref) {
    if (!ref->digest.empty()) {
      std::string wanted = ref->name() + "@" + ref->digest;
      for (const auto& record : images()) {
        if (std::find(record.repo_digests.begin(), record.repo_digests.end(), wanted) != record.repo_digests.end()) {
          return record;
        }
      }
    } else {
      std::string full = ref->str();
      for (const auto& [name, id] : all_names) {
        if (name == full) {
          if (auto found = load_image(id, all_names)) return *found;
        }
      }
      // A short name also matches a stored name with another domain and the
      // same path ("myimg/httpd:v1" finds "localhost/myimg/httpd:v1"), when
      // the user did not spell out a domain and exactly one matches.
      bool has_domain = text.find('/') != std::string_view::npos &&
                        str::split(text, '/')[0].find_first_of(".:") != std::string::npos;
      if (!has_domain && text.substr(0, 9) != "localhost") {
        std::string path = ref->path;
        if (path.substr(0, 8) == "library/" && std::string_view(text).find("library/") == std::string_view::npos) {
          path = path.substr(8);
        }
        std::string suffix = "/" + path + ":" + ref->tag;
        std::vector<std::string> matches;
        for (const auto& [name, id] : all_names) {
          if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
              name.find('/') == name.size() - suffix.size()) {
            matches.push_back(id);
          }
        }
        std::sort(matches.begin(), matches.end());
        matches.erase(std::unique(matches.begin(), matches.end()), matches.end());
        if (matches.size() == 1) {
          if (auto found = load_image(matches[0], all_names)) return *found;
        }
      }
    }
  }
  if (prefix) {
    std::vector<std::string> matches;
    for (const auto& file : fs::list_dir(fs::join(paths_.root, "images"))) {
      if (file.size() == 69 && file.compare(0, prefix->size(), *prefix) == 0) matches.push_back(file.substr(0, 64));
    }
    if (matches.size() == 1) {
      if (auto found = load_image(matches[0], all_names)) return *found;
    }
    if (matches.size() > 1) fail("short ID {} is ambiguous: {} images match", text, matches.size());
  }
  no_such_image(text);
}

image::ImageConfig Store::image_config(const ImageRecord& image) const {
  return image::parse_config(read_blob(image.config_digest()), "config of image " + image.id.substr(0, 12));
}

// ---- layers ------------------------------------------------------------

std::string Store::layer_dir(const std::string& chain_id) const {
  if (!is_sha256_hex(chain_id)) fail("invalid layer ID {}", chain_id);
  return fs::join(paths_.root, "layers/" + chain_id);
}

bool Store::has_layer(const std::string& chain_id) const {
  return fs::exists(fs::join(layer_dir(chain_id), "layer.json"));
}

LayerRecord Store::layer(const std::string& chain_id) const {
  std::string text;
  if (!fs::read_file_if_exists(fs::join(layer_dir(chain_id), "layer.json"), text)) {
    fail("layer {} is missing from the store {}", chain_id.substr(0, 12), paths_.root);
  }
  return LayerRecord::from_json(json::parse(text, "layer record " + chain_id));
}

void Store::commit_layer(const std::string& staged_dir, const LayerRecord& record) {
  fs::write_file_atomic(fs::join(staged_dir, "layer.json"), json::dump(record.to_json(), {.indent = 1}), 0600);
  std::string target = layer_dir(record.id);
  if (::rename(staged_dir.c_str(), target.c_str()) != 0) fail_errno("move layer into {}", target);
  fs::sync_dir(fs::join(paths_.root, "layers"));
}

void Store::delete_layer(const std::string& chain_id) {
  std::string dir = layer_dir(chain_id);
  // Rename first so a half-deleted layer is never mistaken for a whole one.
  std::string doomed = fs::join(tmp_dir(), "deleted-" + chain_id);
  if (::rename(dir.c_str(), doomed.c_str()) != 0) {
    if (errno == ENOENT) return;
    fail_errno("remove layer {}", dir);
  }
  fs::remove_tree(doomed);
}

// ---- blobs -------------------------------------------------------------

std::string Store::blob_path(const std::string& digest) const {
  return fs::join(paths_.root, "blobs/sha256/" + digest_hex(digest));
}

bool Store::has_blob(const std::string& digest) const { return fs::exists(blob_path(digest)); }

std::string Store::read_blob(const std::string& digest) const {
  std::string bytes;
  if (!fs::read_file_if_exists(blob_path(digest), bytes)) {
    fail("blob {} is missing from the store {}", digest, paths_.root);
  }
  return bytes;
}

std::string Store::put_blob(std::string_view bytes) {
  std::string digest = sha256_digest(bytes);
  if (!has_blob(digest)) fs::write_file_atomic(blob_path(digest), bytes, 0600);
  return digest;
}

void Store::put_blob_file(const std::string& path, const std::string& digest, bool may_move) {
  std::string target = blob_path(digest);
  if (fs::exists(target)) return;
  if (may_move) {
    ::chmod(path.c_str(), 0600);
    if (::rename(path.c_str(), target.c_str()) == 0) return;
    if (errno != EXDEV) fail_errno("move blob {} into the store", digest);
  }
  UniqueFd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) fail_errno("open {}", path);
  fs::AtomicFile out(target, 0600);
  FdReader reader(in.get(), path);
  copy_stream(reader, out);
  out.commit();
}

void Store::delete_blob(const std::string& digest) {
  std::string path = blob_path(digest);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail_errno("remove {}", path);
}

// ---- incomplete changes and garbage --------------------------------------

void Store::mark_incomplete(const std::vector<std::string>& layers, const std::vector<std::string>& blobs) {
  json::Value doc = json::Value::object();
  doc.set("layers", json::Value::strings(layers));
  doc.set("blobs", json::Value::strings(blobs));
  fs::write_file_atomic(fs::join(paths_.root, "incomplete.json"), json::dump(doc), 0600);
}

void Store::clear_incomplete() {
  std::string path = fs::join(paths_.root, "incomplete.json");
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) fail_errno("remove {}", path);
}

std::vector<std::string> Store::referenced_blobs(const ImageRecord& image) const {
  std::vector<std::string> out{image.config_digest()};
  if (!image.manifest_digest.empty()) {
    out.push_back(image.manifest_digest);
    std::string bytes;
    if (fs::read_file_if_exists(blob_path(image.manifest_digest), bytes)) {
      try {
        auto manifest = image::parse_manifest(bytes);
        for (const auto& layer : manifest.layers) out.push_back(layer.digest);
      } catch (const Error&) {
        // A damaged manifest still keeps the layers' own blobs below.
      }
    }
  }
  for (const auto& chain : image.layers) {
    std::string text;
    if (fs::read_file_if_exists(fs::join(layer_dir(chain), "layer.json"), text)) {
      auto record = LayerRecord::from_json(json::parse(text, "layer record"));
      if (!record.blob_digest.empty()) out.push_back(record.blob_digest);
    }
  }
  return out;
}

Store::Garbage Store::collect_garbage(const std::vector<std::string>& candidate_layers,
                                      const std::vector<std::string>& candidate_blobs) {
  std::set<std::string> used_layers;
  std::set<std::string> used_blobs;
  for (const auto& image : images()) {
    used_layers.insert(image.layers.begin(), image.layers.end());
    for (auto& blob : referenced_blobs(image)) used_blobs.insert(std::move(blob));
  }
  Garbage garbage;
  // A candidate layer's blob becomes a candidate blob too.
  std::vector<std::string> blobs = candidate_blobs;
  for (const auto& chain : candidate_layers) {
    if (!is_sha256_hex(chain) || used_layers.count(chain)) continue;
    std::string text;
    if (fs::read_file_if_exists(fs::join(layer_dir(chain), "layer.json"), text)) {
      try {
        auto record = LayerRecord::from_json(json::parse(text, "layer record"));
        if (!record.blob_digest.empty()) blobs.push_back(record.blob_digest);
      } catch (const Error&) {
      }
    }
    if (fs::exists(layer_dir(chain))) {
      delete_layer(chain);
      garbage.layers.push_back(chain);
    }
  }
  std::set<std::string> seen;
  for (const auto& digest : blobs) {
    if (!is_sha256_digest(digest) || used_blobs.count(digest) || !seen.insert(digest).second) continue;
    if (has_blob(digest)) {
      delete_blob(digest);
      garbage.blobs.push_back(digest);
    }
  }
  return garbage;
}

}  // namespace kayak::store

#include "kayak/store/commit.hpp"

#include "kayak/archive/merged_tree.hpp"
#include "kayak/archive/rootfs_tar.hpp"
#include "kayak/archive/tar_writer.hpp"
#include "kayak/image/config.hpp"
#include "kayak/store/container_changes.hpp"
#include "kayak/store/ingest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/time.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>

namespace kayak::store {

namespace {

// The digest of an empty tar (two zero blocks): Docker records a commit
// without changes as an empty_layer history entry instead of a layer.
constexpr std::string_view kEmptyTarDigest = "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

// An empty regular file or an empty directory.
bool is_empty_placeholder(int dir_fd, const std::string& name, const struct stat& st) {
  if (S_ISREG(st.st_mode)) return st.st_size == 0;
  if (!S_ISDIR(st.st_mode)) return false;
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  return fd && fs::list_dir_at(fd.get(), name).empty();
}

void write_layer(const ContainerRootfs& rootfs, const std::string& path) {
  UniqueFd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!out) fail_errno("create {}", path);
  FdWriter writer(out.get(), path);
  if (rootfs.driver == "vfs") {
    // No upper dir records what changed: compare the copy with the image.
    std::vector<archive::ChangedPath> changed;
    for (const auto& change : container_changes(rootfs)) {
      changed.push_back({change.path, change.kind == ChangeKind::Deleted});
    }
    archive::write_changes_tar(rootfs.dir, changed, timeutil::now_ns() / 1000000000, writer);
    return;
  }
  if (!fs::is_dir(rootfs.dir)) {
    // A container that never started has no upper dir yet: an empty layer.
    archive::TarWriter tar(writer);
    tar.finish();
    return;
  }
  std::vector<std::string> exclude;
  for (const auto& placeholder : runtime_placeholders(rootfs)) exclude.push_back(placeholder.substr(1));
  archive::write_layer_tar(rootfs.dir, writer,
                           {.whiteouts = archive::WhiteoutFormat::Overlay,
                            .opaque_xattr = rootfs.opaque_xattr,
                            .fixed_mtime = std::nullopt,
                            .exclude = exclude});
}

json::Value build_config(const Store& store, const CommitRequest& request, const std::string& diff_id) {
  std::optional<ImageRecord> parent = store.image(request.parent_image_id);
  if (!parent) fail("commit: the container's image {} is no longer in the store", request.parent_image_id.substr(0, 12));
  json::Value config = store.image_config(*parent).doc;
  std::string now = timeutil::format_rfc3339_nano(timeutil::now_ns());
  config.set("created", now);
  if (!request.author.empty()) {
    config.set("author", request.author);
  } else {
    config.erase("author");  // the parent's author did not write this layer
  }
  if (!request.comment.empty()) {
    config.set("comment", request.comment);
  } else {
    config.erase("comment");
  }
  config.set("config", request.container_config);
  if (!request.container_id.empty()) config.set("container", request.container_id);
  // Docker's legacy copy of the container's config describes the parent's build.
  config.erase("container_config");

  json::Value entry = json::Value::object();
  entry.set("created", now);
  if (!request.author.empty()) entry.set("author", request.author);
  entry.set("created_by", request.created_by);
  if (!request.comment.empty()) entry.set("comment", request.comment);
  bool empty = diff_id == kEmptyTarDigest;
  if (empty) entry.set("empty_layer", true);
  config.slot("history");
  if (!config["history"].is_array()) config.set("history", json::Value::array());
  config.slot("history").push_back(std::move(entry));

  json::Value& rootfs = config.slot("rootfs");
  if (!rootfs.is_object()) rootfs = json::Value::object();
  rootfs.set("type", "layers");
  if (!rootfs["diff_ids"].is_array()) rootfs.set("diff_ids", json::Value::array());
  if (!empty) rootfs.slot("diff_ids").push_back(json::Value(diff_id));
  return config;
}

// The image's entry at an absolute path, if it has one.
std::optional<struct stat> image_entry(const archive::MergedDir& image, const std::string& path) {
  archive::MergedDir at = image;
  std::string rest = path.substr(1);
  for (size_t slash; (slash = rest.find('/')) != std::string::npos; rest = rest.substr(slash + 1)) {
    at = at.subdir(rest.substr(0, slash));
  }
  auto entry = at.find(rest);
  if (!entry) return std::nullopt;
  return entry->st;
}

std::string parent_path(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::vector<std::string> runtime_placeholders(const ContainerRootfs& rootfs) {
  std::vector<std::string> found;
  UniqueFd root(::open(rootfs.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return found;  // nothing written yet
  archive::MergedDir image(rootfs.lowers);
  for (const auto& path : rootfs.mount_points) {
    std::string parent = path.substr(0, path.rfind('/'));
    std::string name = path.substr(path.rfind('/') + 1);
    UniqueFd dir(archive::open_inside(root.get(), parent, O_PATH | O_DIRECTORY));
    if (!dir) continue;
    struct stat st;
    if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!is_empty_placeholder(dir.get(), name, st)) continue;
    // In the image too: then it is the image's file, changed or not.
    if (!image_entry(image, path)) found.push_back(path);
  }
  return found;
}

std::vector<Change> container_changes(const ContainerRootfs& rootfs) {
  std::vector<Change> changes =
    rootfs.driver == "vfs" ? copy_changes(rootfs.dir, rootfs.lowers) : upper_changes(rootfs.dir, rootfs.lowers);
  std::vector<std::string> hidden = runtime_placeholders(rootfs);
  if (hidden.empty()) return changes;
  std::erase_if(changes, [&](const Change& c) {
    return std::find(hidden.begin(), hidden.end(), c.path) != hidden.end();
  });
  // Making a mount point changed its directory's mtime (/etc for
  // /etc/hosts): that directory is not the user's change either, unless
  // something else changed in it or its mode or owner differ.
  UniqueFd root(::open(rootfs.dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  archive::MergedDir image(rootfs.lowers);
  for (const auto& path : hidden) {
    std::string dir = parent_path(path);
    if (dir == "/" || !root) continue;
    bool more = std::any_of(changes.begin(), changes.end(), [&](const Change& c) { return c.path.starts_with(dir + "/"); });
    if (more) continue;
    UniqueFd fd(archive::open_inside(root.get(), dir, O_PATH | O_DIRECTORY | O_NOFOLLOW));
    struct stat now;
    std::optional<struct stat> before = image_entry(image, dir);
    if (!fd || ::fstat(fd.get(), &now) != 0 || !before) continue;
    if (now.st_mode != before->st_mode || now.st_uid != before->st_uid || now.st_gid != before->st_gid) continue;
    std::erase(changes, Change{dir, ChangeKind::Changed});
  }
  return changes;
}

std::vector<std::string> image_lower_dirs(const Store& store, const std::vector<std::string>& chain_ids) {
  std::vector<std::string> dirs;
  for (auto it = chain_ids.rbegin(); it != chain_ids.rend(); ++it) {
    dirs.push_back(fs::join(store.layer_dir(*it), "diff"));
  }
  return dirs;
}

CommitResult commit_container(Store& store, const ContainerRootfs& rootfs, const CommitRequest& request,
                              const archive::ExtractOptions& extract) {
  StagingDir staging(store.tmp_dir(), "commit");
  std::string tar_path = fs::join(staging.path(), "layer.tar");
  write_layer(rootfs, tar_path);
  std::string diff_id = sha256_file_digest(tar_path);
  json::Value config = build_config(store, request, diff_id);

  std::optional<ImageRecord> parent = store.image(request.parent_image_id);
  archive::ArchiveImage source;
  source.config_bytes = json::dump(config);
  source.config_digest = sha256_digest(source.config_bytes);
  // The parent's layers are in the store already: ingest skips them
  // without reading a blob.
  for (const auto& chain : parent->layers) {
    if (!store.has_layer(chain)) fail("commit: layer {} of the container's image is missing", chain.substr(0, 12));
    source.layers.push_back({});
  }
  if (diff_id != kEmptyTarDigest) source.layers.push_back({tar_path, diff_id, "", -1});

  IngestOptions ingest;
  ingest.extract = extract;
  ingest.blobs_movable = true;
  ingest.display_name = "commit of " + request.container_id.substr(0, 12);
  IngestResult stored = ingest_image(store, source, request.names, ingest);
  return {std::move(stored.image), diff_id == kEmptyTarDigest ? std::string() : diff_id};
}

}  // namespace kayak::store

// `cp`. Files move as tar streams between two processes: one that sees the
// container's file system and one on the host side. Inside the container
// every path is resolved with openat2(RESOLVE_IN_ROOT) against the
// container's root, and extraction is the layer extractor's, so neither a
// symlink in the container nor a hostile tar on stdin can make cp write
// outside the container.
//
// How the container's root is reached:
//   running:         /proc/<init>/root from a child that joined the
//                    container's user namespace (it may read and write
//                    through it as container root; the overlay mounted
//                    there does the copy-up). Joining the mount namespace
//                    instead would hide our own /proc/self, which the
//                    *at()-less calls (xattrs) need.
//   stopped overlay: the overlay (image layers + the container's upper and
//                    work dirs) mounted in a private mount namespace of a
//                    child in the store's user namespace. Writing to an
//                    upper dir directly is only safe while no overlay uses
//                    it; mounting lets the kernel do the copy-up.
//   stopped vfs:     the container's full copy.
#include "kayak/commands/container_cp.hpp"

#include "container_join.hpp"

#include "kayak/archive/extract.hpp"
#include "kayak/archive/rootfs_tar.hpp"
#include "kayak/commands/container_fs.hpp"
#include "kayak/store/container.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/userns.hpp"

#include <fcntl.h>
#include <fmt/ranges.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kayak::commands {

namespace {

// "dir/." or "dir/": Docker copies the content, not the directory.
bool names_content(const std::string& path) {
  return path.ends_with("/.") || path == ".";
}

std::string base_name(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p.ends_with("/.")) p.resize(p.size() - 2);
  auto slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string parent_of(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

std::string fd_dir_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

UniqueFd open_root(const std::string& root) {
  UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) fail_errno("open the container's root");
  return fd;
}

UniqueFd open_in(int root_fd, const std::string& path, int flags) {
  return UniqueFd(archive::open_inside(root_fd, path, flags));
}

// Mounts the stopped container's overlay on `target` (in the child's
// private mount namespace).
void mount_overlay(const store::ContainerRootfs& rootfs, const std::string& store_root, const std::string& work,
                   bool userxattr, const std::string& target) {
  fs::mkdir_p(rootfs.dir, 0755);
  fs::mkdir_p(work, 0700);
  // Relative lower paths keep long layer lists inside the one-page limit of
  // mount options.
  if (::chdir(store_root.c_str()) != 0) fail_errno("chdir {}", store_root);
  std::vector<std::string> lowers;
  for (const auto& dir : rootfs.lowers) {
    lowers.push_back(dir.starts_with(store_root + "/") ? dir.substr(store_root.size() + 1) : dir);
  }
  std::string options = fmt::format("lowerdir={},upperdir={},workdir={}", fmt::join(lowers, ":"), rootfs.dir, work);
  if (userxattr) options += ",userxattr";
  if (::mount("overlay", target.c_str(), "overlay", 0, options.c_str()) != 0) {
    fail_errno("mount the container's file system");
  }
}

class ContainerAccess {
public:
  ContainerAccess(store::Context& ctx, const std::string& name)
    : ctx_(ctx), containers_(ctx.store()), id_(containers_.resolve(name)) {}

  // Runs fn(root) where the container's root is at `root`.
  void run(const std::function<void(const std::string& root)>& fn) {
    store::ContainerConfig config = containers_.config(id_);
    store::ContainerState state = containers_.state(id_);
    bool running = (state.status == store::ContainerStatus::Running || state.status == store::ContainerStatus::Paused) &&
                   state.pid > 0;
    if (running) {
      pid_t pid = state.pid;
      run_in_container(ctx_.identity(), pid, false, [&] { fn(fmt::format("/proc/{}/root", pid)); });
      return;
    }
    // Stopped: nobody may start it meanwhile. (The state was read before
    // locking: state() may take the lock itself to correct what it read.)
    FileLock lock = containers_.lock(id_);
    store::ContainerRootfs rootfs = container_rootfs(ctx_, containers_, config);
    if (rootfs.driver == "vfs") {
      ctx_.write([&] {
        fn(rootfs.dir);
        return json::Value();
      });
      return;
    }
    if (rootfs.driver != "overlay") fail("cp on a stopped {} container is not supported yet: start it first", rootfs.driver);
    store::StagingDir mnt(ctx_.store().tmp_dir(), "cp");
    std::string work = fs::join(containers_.dir(id_), "work");
    // As the runtime mounts it: userxattr whenever rootless.
    bool userxattr = ctx_.driver().userxattr || ctx_.identity().mode != IdentityMode::Root;
    std::string store_root = ctx_.store().root();
    run_in_userns(ctx_.identity(), [&] {
      mount_overlay(rootfs, store_root, work, userxattr, mnt.path());
      fn(mnt.path());
    }, true);
  }

private:
  store::Context& ctx_;
  store::ContainerStore containers_;
  std::string id_;
};

// What a destination path names inside a root.
enum class PathKind { Missing, Directory, Other };

PathKind kind_in(int root_fd, const std::string& path) {
  UniqueFd fd = open_in(root_fd, path, O_PATH);
  if (!fd) {
    if (errno == ENOENT) return PathKind::Missing;
    fail_errno("{}", path);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) fail_errno("stat {}", path);
  return S_ISDIR(st.st_mode) ? PathKind::Directory : PathKind::Other;
}

// Where a copy lands: the directory to extract into and the name the
// source's top entry gets there ("" for the source directory's content).
struct Placement {
  std::string dir;
  std::string name;
};

Placement place(PathKind dest_kind, const std::string& source, const std::string& dest) {
  if (dest_kind == PathKind::Directory) return {dest, names_content(source) ? "" : base_name(source)};
  // A missing destination is created under the source's content; an
  // existing file is replaced.
  return {parent_of(dest), base_name(dest)};
}

archive::ExtractOptions copy_in_options(const store::Context& ctx, bool keep_ids) {
  archive::ExtractOptions options;
  options.chown = true;
  options.allow_devices = ctx.identity().mode == IdentityMode::Root;
  if (!keep_ids) {
    // Docker: files copied in belong to the container's root unless -a.
    options.uid_limit = 1;
    options.gid_limit = 1;
    options.out_of_range = archive::OutOfRangeIds::Squash;
  } else if (ctx.identity().mode != IdentityMode::Root) {
    options.uid_limit = ctx.identity().mapping.uid_count();
    options.gid_limit = ctx.identity().mapping.gid_count();
    options.out_of_range = archive::OutOfRangeIds::Squash;
  }
  return options;
}

void extract_into(int root_fd, const std::string& dir, int tar_fd, const archive::ExtractOptions& options,
                  const std::string& shown) {
  UniqueFd dest = open_in(root_fd, dir, O_PATH | O_DIRECTORY);
  if (!dest) fail_errno("{}", shown);
  FdReader tar(tar_fd, "tar stream");
  archive::extract_tar(tar, fd_dir_path(dest.get()), options);
}

UniqueFd temp_file(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (!fd) fail_errno("create a temporary file in {}", dir);
  return fd;
}

void rewind(int fd) {
  if (::lseek(fd, 0, SEEK_SET) != 0) fail_errno("rewind temporary file");
}

void copy_out(store::Context& ctx, const CopyEndpoint& src, const std::string& dest, const CopyOptions& options) {
  ContainerAccess access(ctx, src.container);
  if (dest == "-") {
    if (::isatty(STDOUT_FILENO)) fail("cowardly refusing to write a tar stream to a terminal: redirect stdout");
    std::string name = names_content(src.path) || src.path == "/" ? "" : base_name(src.path);
    access.run([&](const std::string& root) {
      UniqueFd root_fd = open_root(root);
      FdWriter out(STDOUT_FILENO, "stdout");
      archive::write_path_tar(root_fd.get(), src.path, name, options.follow_link, out);
    });
    return;
  }
  std::string host_dest = fs::absolute(dest);
  UniqueFd host_root = open_root("/");
  PathKind kind = kind_in(host_root.get(), host_dest);
  if (kind == PathKind::Missing && dest.ends_with("/")) fail("destination directory {} does not exist", dest);
  if (kind == PathKind::Missing && !fs::is_dir(parent_of(host_dest))) {
    fail("destination directory {} does not exist", parent_of(dest));
  }
  Placement where = place(kind, src.path, host_dest);
  UniqueFd tar = temp_file(ctx.store().tmp_dir());
  int tar_fd = tar.get();
  bool onto_file = kind == PathKind::Other;
  access.run([&](const std::string& root) {
    UniqueFd root_fd = open_root(root);
    if (onto_file) {
      // Docker refuses to replace a file with a directory.
      UniqueFd source = open_in(root_fd.get(), src.path, O_PATH | (options.follow_link ? 0 : O_NOFOLLOW));
      struct stat st;
      if (source && ::fstat(source.get(), &st) == 0 && S_ISDIR(st.st_mode)) {
        fail("cannot copy a directory to a file: {} is a file", dest);
      }
    }
    FdWriter out(tar_fd, "temporary tar");
    archive::write_path_tar(root_fd.get(), src.path, where.name, options.follow_link, out);
  });
  rewind(tar_fd);
  archive::ExtractOptions host;
  // Files copied out belong to the caller (Docker), unless root asks for -a.
  host.chown = options.archive && ctx.identity().mode == IdentityMode::Root;
  host.allow_devices = ctx.identity().mode == IdentityMode::Root;
  host.xattrs = ctx.identity().mode == IdentityMode::Root;
  extract_into(host_root.get(), where.dir, tar_fd, host, dest);
}

void copy_in(store::Context& ctx, const std::string& source, const CopyEndpoint& dst, const CopyOptions& options) {
  ContainerAccess access(ctx, dst.container);
  archive::ExtractOptions extract = copy_in_options(ctx, options.archive);
  if (source == "-") {
    if (::isatty(STDIN_FILENO)) fail("cannot read a tar stream from a terminal: redirect stdin");
    access.run([&](const std::string& root) {
      UniqueFd root_fd = open_root(root);
      if (kind_in(root_fd.get(), dst.path) != PathKind::Directory) {
        fail("destination \"{}:{}\" must be a directory", dst.container, dst.path);
      }
      extract_into(root_fd.get(), dst.path, STDIN_FILENO, extract, dst.container + ":" + dst.path);
    });
    return;
  }
  // What the destination is decides the name the source gets. A symlink
  // as the destination is followed inside the container, as Docker does.
  UniqueFd answer(::memfd_create("kayak-cp", MFD_CLOEXEC));
  if (!answer) fail_errno("memfd_create");
  access.run([&](const std::string& root) {
    UniqueFd root_fd = open_root(root);
    std::string resolved = "/" + archive::resolve_last_link(root_fd.get(), dst.path);
    PathKind kind = kind_in(root_fd.get(), resolved);
    if (kind == PathKind::Missing && dst.path.ends_with("/")) {
      fail("destination directory \"{}:{}\" does not exist", dst.container, dst.path);
    }
    if (kind == PathKind::Missing && kind_in(root_fd.get(), parent_of(resolved)) != PathKind::Directory) {
      fail("destination directory \"{}:{}\" does not exist", dst.container, parent_of(dst.path));
    }
    std::string text = (kind == PathKind::Directory ? "d" : kind == PathKind::Missing ? "m" : "f") + resolved;
    write_all(answer.get(), text.data(), text.size(), "answer");
  });
  std::string got = fs::read_fd_from_start(answer.get(), "answer");
  if (got.empty()) fail("internal error: no answer about the destination");
  PathKind kind = got[0] == 'd' ? PathKind::Directory : got[0] == 'm' ? PathKind::Missing : PathKind::Other;
  std::string dest_path = got.substr(1);
  std::string host_source = fs::absolute(source);
  Placement where = place(kind, source, dest_path);

  UniqueFd tar = temp_file(ctx.store().tmp_dir());
  {
    UniqueFd host_root = open_root("/");
    struct stat st;
    if (::stat(host_source.c_str(), &st) != 0) fail_errno("{}", source);
    if (kind == PathKind::Other && S_ISDIR(st.st_mode)) {
      fail("cannot copy directory {} over file \"{}:{}\"", source, dst.container, dst.path);
    }
    FdWriter out(tar.get(), "temporary tar");
    archive::write_path_tar(host_root.get(), host_source, where.name, options.follow_link, out);
  }
  rewind(tar.get());
  int tar_fd = tar.get();
  access.run([&](const std::string& root) {
    UniqueFd root_fd = open_root(root);
    extract_into(root_fd.get(), where.dir, tar_fd, extract, dst.container + ":" + dst.path);
  });
}

}  // namespace

void copy(store::Context& ctx, const CopyOptions& options) {
  CopyEndpoint src = parse_copy_endpoint(options.source);
  CopyEndpoint dst = parse_copy_endpoint(options.destination);
  if (!src.container.empty() && !dst.container.empty()) fail("copying between containers is not supported");
  if (src.container.empty() && dst.container.empty()) {
    fail("\"kayak cp\" requires one of SRC_PATH or DEST_PATH to be a container path (CONTAINER:PATH)");
  }
  if (!src.container.empty()) {
    copy_out(ctx, src, dst.path, options);
  } else {
    copy_in(ctx, src.path, dst, options);
  }
}

}  // namespace kayak::commands

// The change walkers (diff, commit) and the tars that read a container's
// file system: synthetic layer stacks with whiteouts (overlay's char 0:0
// when this process may make one, else aufs-style ".wh." files, which the
// walkers read too) and opaque directories.
#include "archive_test_support.hpp"

#include "kayak/archive/extract.hpp"
#include "kayak/archive/merged_tree.hpp"
#include "kayak/archive/rootfs_tar.hpp"
#include "kayak/archive/tar_writer.hpp"
#include "kayak/store/container_changes.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>

using namespace kayak;
using kayak::test::list_tar;
using kayak::test::StringReader;
using kayak::test::StringWriter;
using store::Change;
using store::ChangeKind;

namespace {

constexpr ChangeKind C = ChangeKind::Changed;
constexpr ChangeKind A = ChangeKind::Added;
constexpr ChangeKind D = ChangeKind::Deleted;

void write(const std::string& path, const std::string& content) {
  fs::mkdir_p(fs::dirname(path));
  fs::write_file_atomic(path, content, 0644);
}

void dir(const std::string& path, mode_t mode = 0755) {
  fs::mkdir_p(path);
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

// Gives `path` the mtime of `like` (a copied-up directory keeps its times).
void same_time(const std::string& path, const std::string& like) {
  struct stat st;
  REQUIRE(::lstat(like.c_str(), &st) == 0);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

void set_time(const std::string& path, time_t t) {
  struct timespec times[2] = {{t, 0}, {t, 0}};
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

// A whiteout in overlay's format when allowed, else aufs-style.
void whiteout(const std::string& dir_path, const std::string& name) {
  fs::mkdir_p(dir_path);
  std::string path = fs::join(dir_path, name);
  if (::mknod(path.c_str(), S_IFCHR | 0600, makedev(0, 0)) == 0) return;
  write(fs::join(dir_path, ".wh." + name), "");
}

void opaque(const std::string& path) {
  REQUIRE(::setxattr(path.c_str(), "user.overlay.opaque", "y", 1, 0) == 0);
}

std::vector<std::string> lines(const std::vector<Change>& changes) {
  std::vector<std::string> out;
  for (const auto& c : changes) out.push_back(std::string(1, store::change_letter(c.kind)) + " " + c.path);
  return out;
}

std::vector<std::string> names_of(const std::vector<std::string>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(e.substr(0, e.find(' ')));
  return out;
}

// base: etc/{passwd,group}, bin/{sh,ls}, opt/old/{a,b}
// mid:  etc/hostname, bin/ls whited out
struct Image {
  fs::TempDir tmp;
  std::string base = fs::join(tmp.path(), "base");
  std::string mid = fs::join(tmp.path(), "mid");
  Image() {
    dir(base);
    write(base + "/etc/passwd", "root:x:0:0\n");
    write(base + "/etc/group", "root:x:0:\n");
    write(base + "/bin/sh", "#!sh");
    write(base + "/bin/ls", "#!ls");
    write(base + "/opt/old/a", "a");
    write(base + "/opt/old/b", "b");
    for (auto d : {"/etc", "/bin", "/opt/old", "/opt"}) set_time(base + d, 1000000);
    dir(mid);
    write(mid + "/etc/hostname", "box\n");
    whiteout(mid + "/bin", "ls");
    // Copied-up directories keep their lower times (and so are unchanged).
    same_time(mid + "/etc", base + "/etc");
    same_time(mid + "/bin", base + "/bin");
  }
  std::vector<std::string> lowers() const { return {mid, base}; }
};

}  // namespace

TEST_CASE("merged tree: the top layer wins, whiteouts and opaque dirs hide lower content") {
  Image img;
  std::string upper = fs::join(img.tmp.path(), "upper");
  write(upper + "/opt/old/c", "c");
  opaque(upper + "/opt/old");
  write(upper + "/etc/passwd", "root:x:0:0:new\n");
  whiteout(upper + "/etc", "group");

  archive::MergedDir root({upper, img.mid, img.base});
  std::vector<std::string> top;
  for (const auto& e : root.list()) top.push_back(e.name);
  CHECK(top == std::vector<std::string>{"bin", "etc", "opt"});
  CHECK(!root.subdir("bin").find("ls"));
  CHECK(root.subdir("bin").find("sh"));
  auto etc = root.subdir("etc");
  CHECK(!etc.find("group"));
  REQUIRE(etc.find("passwd"));
  CHECK(etc.find("passwd")->layer == 0);
  CHECK(etc.find("hostname")->layer == 1);
  std::vector<std::string> old;
  for (const auto& e : root.subdir("opt").subdir("old").list()) old.push_back(e.name);
  CHECK(old == std::vector<std::string>{"c"});
  // A missing layer root counts as empty (a container that wrote nothing).
  CHECK(archive::MergedDir({fs::join(img.tmp.path(), "nothing"), img.base}).find("etc"));
}

TEST_CASE("upper changes: A/C/D as Docker reports them, parents of A and D as C") {
  Image img;
  std::string upper = fs::join(img.tmp.path(), "upper");
  dir(upper);
  // Modified file, new file, deleted file in /etc.
  write(upper + "/etc/passwd", "root:x:0:0:new\n");
  write(upper + "/etc/new", "n");
  whiteout(upper + "/etc", "group");
  same_time(upper + "/etc", img.mid + "/etc");
  // A file recreated where a lower layer had whited it out is new.
  write(upper + "/bin/ls", "mine");
  same_time(upper + "/bin", img.base + "/bin");
  // /opt/old emptied and refilled: overlay marks it opaque.
  write(upper + "/opt/old/c", "c");
  opaque(upper + "/opt/old");
  same_time(upper + "/opt/old", img.base + "/opt/old");
  same_time(upper + "/opt", img.base + "/opt");
  // A new tree.
  write(upper + "/tmp/x", "x");

  CHECK(lines(store::upper_changes(upper, img.lowers())) == std::vector<std::string>{
    "C /bin", "A /bin/ls",
    "C /etc", "D /etc/group", "A /etc/new", "C /etc/passwd",
    "C /opt/old", "D /opt/old/a", "D /opt/old/b", "A /opt/old/c",
    "A /tmp", "A /tmp/x",
  });
}

TEST_CASE("upper changes: a changed directory is reported, an empty upper has no changes") {
  Image img;
  std::string upper = fs::join(img.tmp.path(), "upper");
  CHECK(store::upper_changes(upper, img.lowers()).empty());  // not made yet
  dir(upper);
  CHECK(store::upper_changes(upper, img.lowers()).empty());
  dir(upper + "/opt", 0700);  // chmod of a lower directory: copied up, mode differs
  CHECK(lines(store::upper_changes(upper, img.lowers())) == std::vector<std::string>{"C /opt"});
}

TEST_CASE("copy changes (vfs): naive diff of a full copy against the image") {
  Image img;
  std::string copy = fs::join(img.tmp.path(), "rootfs");
  REQUIRE(std::system(fmt::format("cp -a {}/. {}/", img.base, copy).c_str()) == 0);
  // The image as the container saw it: mid's changes applied.
  write(copy + "/etc/hostname", "box\n");
  REQUIRE(::unlink((copy + "/bin/ls").c_str()) == 0);
  same_time(copy + "/etc/hostname", img.mid + "/etc/hostname");
  CHECK(store::copy_changes(copy, img.lowers()).empty());

  write(copy + "/etc/passwd", "root:x:0:0:new\n");
  write(copy + "/etc/new", "n");
  REQUIRE(::unlink((copy + "/etc/group").c_str()) == 0);
  fs::remove_tree(copy + "/opt/old");
  write(copy + "/tmp/x", "x");
  REQUIRE(::symlink("/etc/passwd", (copy + "/bin/sh").c_str()) != 0);  // exists already
  REQUIRE(::unlink((copy + "/bin/sh").c_str()) == 0);
  REQUIRE(::symlink("busybox", (copy + "/bin/sh").c_str()) == 0);
  CHECK(lines(store::copy_changes(copy, img.lowers())) == std::vector<std::string>{
    "C /bin", "C /bin/sh",
    "C /etc", "D /etc/group", "A /etc/new", "C /etc/passwd",
    "C /opt", "D /opt/old",
    "A /tmp", "A /tmp/x",
  });
}

TEST_CASE("commit layer tars: overlay upper and vfs changes become .wh. entries") {
  Image img;
  std::string upper = fs::join(img.tmp.path(), "upper");
  write(upper + "/etc/new", "n");
  whiteout(upper + "/etc", "group");
  write(upper + "/opt/old/c", "c");
  opaque(upper + "/opt/old");

  StringWriter out;
  archive::write_layer_tar(upper, out,
                           {.whiteouts = archive::WhiteoutFormat::Overlay, .opaque_xattr = "user.overlay.opaque", .fixed_mtime = std::nullopt});
  auto entries = list_tar(out.data);
  CHECK(names_of(entries) == std::vector<std::string>{"etc/", "etc/.wh.group", "etc/new", "opt/", "opt/old/",
                                                      "opt/old/.wh..wh..opq", "opt/old/c"});
  for (const auto& e : entries) CHECK(e.find("overlay.opaque") == std::string::npos);

  // The tar applied on the image gives the container's view.
  std::string applied = fs::join(img.tmp.path(), "applied");
  dir(applied);
  StringReader tar(out.data);
  archive::extract_tar(tar, applied, {.whiteouts = archive::WhiteoutFormat::Aufs});
  archive::MergedDir view({applied, img.mid, img.base});
  CHECK(!view.subdir("etc").find("group"));
  CHECK(view.subdir("etc").find("new"));
  std::vector<std::string> old;
  for (const auto& e : view.subdir("opt").subdir("old").list()) old.push_back(e.name);
  CHECK(old == std::vector<std::string>{"c"});

  // vfs: the changes of a copy, deletions as .wh. entries.
  std::string copy = fs::join(img.tmp.path(), "rootfs");
  dir(copy + "/etc");
  write(copy + "/etc/new", "n");
  StringWriter changes;
  archive::write_changes_tar(copy, {{"/etc", false}, {"/etc/group", true}, {"/etc/new", false}}, 1234, changes);
  entries = list_tar(changes.data);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].starts_with("etc/ type=40000"));
  CHECK(entries[1] == "etc/.wh.group type=100000 mode=644 owner=0:0 mtime=1234 size=0");
  CHECK(entries[2].starts_with("etc/new type=100000 mode=644"));
}

TEST_CASE("changes tar: a symlinked directory in the copy never leads outside it") {
  fs::TempDir tmp;
  std::string copy = fs::join(tmp.path(), "rootfs");
  std::string outside = fs::join(tmp.path(), "outside");
  write(outside + "/secret", "s");
  dir(copy);
  REQUIRE(::symlink(outside.c_str(), (copy + "/etc").c_str()) == 0);
  StringWriter out;
  // etc resolves inside the copy (to /tmp/.../outside under the root), which does not exist.
  CHECK_THROWS(archive::write_changes_tar(copy, {{"/etc/secret", false}}, 0, out));
}

TEST_CASE("merged tar (export): every visible entry once, no whiteouts") {
  Image img;
  std::string upper = fs::join(img.tmp.path(), "upper");
  write(upper + "/etc/passwd", "root:x:0:0:new\n");
  whiteout(upper + "/etc", "group");
  write(upper + "/opt/old/c", "c");
  opaque(upper + "/opt/old");
  StringWriter out;
  archive::write_merged_tar({upper, img.mid, img.base}, out);
  auto entries = list_tar(out.data);
  CHECK(names_of(entries) == std::vector<std::string>{"bin/", "bin/sh", "etc/", "etc/hostname", "etc/passwd",
                                                      "opt/", "opt/old/", "opt/old/c"});
  for (const auto& e : entries) {
    if (e.starts_with("etc/passwd ")) CHECK(e.find("content=root:x:0:0:new") != std::string::npos);
  }
}

// ---- commit_container: the new image in a real store ----

#include "kayak/store/commit.hpp"
#include "kayak/store/ingest.hpp"
#include "kayak/util/sha256.hpp"

namespace {

store::ImageRecord base_image(store::Store& s, const std::string& dir) {
  std::string tar = kayak::test::TarBuilder()
                        .dir("etc")
                        .file("etc/passwd", "root:x:0:0\n")
                        .file("etc/group", "root:x:0:\n")
                        .finish();
  std::string path = fs::join(dir, "base.tar");
  fs::write_file_atomic(path, tar);
  json::Value config = json::parse(fmt::format(
      R"({{"architecture":"amd64","os":"linux","author":"someone","config":{{"Cmd":["sh"],"Env":["PATH=/bin"]}},
          "history":[{{"created_by":"base"}}],"rootfs":{{"type":"layers","diff_ids":["{}"]}}}})",
      sha256_digest(tar)));
  archive::ArchiveImage source;
  source.config_bytes = json::dump(config);
  source.config_digest = sha256_digest(source.config_bytes);
  source.layers.push_back({path, "", "", -1});
  return store::ingest_image(s, source, {"localhost/base:1"}, {}).image;
}

}  // namespace

TEST_CASE("commit: the upper dir becomes a layer on top of the parent's, config and history follow Docker") {
  fs::TempDir tmp;
  store::Store s({fs::join(tmp.path(), "root"), fs::join(tmp.path(), "run")});
  store::ImageRecord base = base_image(s, tmp.path());
  std::string upper = fs::join(tmp.path(), "upper");
  write(upper + "/etc/new", "n");
  whiteout(upper + "/etc", "group");

  store::ContainerRootfs rootfs{.driver = "overlay", .dir = upper, .lowers = store::image_lower_dirs(s, base.layers)};
  store::CommitRequest request;
  request.parent_image_id = base.id;
  request.container_config = json::parse(R"({"Cmd":["httpd"],"Env":["PATH=/bin"]})");
  request.container_id = std::string(64, 'c');
  request.comment = "my change";
  request.created_by = "sh";
  request.names = {"localhost/committed:1"};
  store::CommitResult result = store::commit_container(s, rootfs, request, {});

  REQUIRE(result.image.layers.size() == 2);
  CHECK(result.image.layers[0] == base.layers[0]);
  CHECK(result.image.names == std::vector<std::string>{"localhost/committed:1"});
  // The new layer holds exactly the changes, whiteouts as .wh. files (aufs extraction here).
  std::string diff = fs::join(s.layer_dir(result.image.layers[1]), "diff");
  CHECK(fs::read_file(diff + "/etc/new") == "n");
  CHECK(fs::exists(diff + "/etc/.wh.group"));
  CHECK(!fs::exists(diff + "/etc/passwd"));
  CHECK(sha256_file_digest(s.blob_path(s.layer(result.image.layers[1]).blob_digest)) == result.diff_id);

  image::ImageConfig config = s.image_config(result.image);
  CHECK(config.diff_ids().size() == 2);
  CHECK(config.diff_ids()[1] == result.diff_id);
  CHECK(json::dump(config.container_config()) == R"({"Cmd":["httpd"],"Env":["PATH=/bin"]})");
  CHECK(!config.doc.contains("author"));
  CHECK(config.doc.string_or("comment") == "my change");
  CHECK(config.doc.string_or("container") == std::string(64, 'c'));
  auto history = config.history();
  REQUIRE(history.size() == 2);
  CHECK(history[1].created_by == "sh");
  CHECK(history[1].comment == "my change");
  CHECK(!history[1].empty_layer);

  // Nothing changed: Docker's empty_layer entry, no new layer.
  std::string empty_upper = fs::join(tmp.path(), "empty");
  dir(empty_upper);
  rootfs.dir = empty_upper;
  request.names = {};
  request.author = "me";
  store::CommitResult same = store::commit_container(s, rootfs, request, {});
  CHECK(same.diff_id.empty());
  CHECK(same.image.layers == base.layers);
  CHECK(same.image.names.empty());
  auto h = s.image_config(same.image).history();
  REQUIRE(h.size() == 2);
  CHECK(h[1].empty_layer);
  CHECK(h[1].author == "me");
}

TEST_CASE("runtime mount points that exist only as empty placeholders are not changes") {
  Image img;
  std::string upper = fs::join(img.tmp.path(), "upper");
  write(upper + "/etc/hosts", "");           // the runtime's bind-mount target
  write(upper + "/etc/resolv.conf", "ns\n");  // written by the user: a change
  dir(upper + "/proc");
  write(upper + "/etc/new", "n");
  same_time(upper + "/etc", img.mid + "/etc");
  store::ContainerRootfs rootfs{.driver = "overlay", .dir = upper, .lowers = img.lowers()};
  CHECK(store::runtime_placeholders(rootfs) == std::vector<std::string>{"/etc/hosts", "/proc"});
  CHECK(lines(store::container_changes(rootfs)) ==
        std::vector<std::string>{"C /etc", "A /etc/new", "A /etc/resolv.conf"});
  // Only a mount point in /etc: /etc (its mtime changed) is no change either.
  std::string fresh = fs::join(img.tmp.path(), "fresh");
  write(fresh + "/etc/hosts", "");
  set_time(fresh + "/etc", 2000000);
  store::ContainerRootfs untouched{.driver = "overlay", .dir = fresh, .lowers = img.lowers()};
  CHECK(lines(store::upper_changes(fresh, img.lowers())) == std::vector<std::string>{"C /etc", "A /etc/hosts"});
  CHECK(store::container_changes(untouched).empty());

  fs::TempDir root_tmp;
  store::Store s({fs::join(root_tmp.path(), "root"), fs::join(root_tmp.path(), "run")});
  store::ImageRecord base = base_image(s, root_tmp.path());
  rootfs.lowers = store::image_lower_dirs(s, base.layers);
  store::CommitRequest request;
  request.parent_image_id = base.id;
  request.container_config = json::Value::object();
  request.container_id = std::string(64, 'd');
  store::CommitResult result = store::commit_container(s, rootfs, request, {});
  std::string tar = fs::read_file(s.blob_path(s.layer(result.image.layers.back()).blob_digest));
  CHECK(names_of(list_tar(tar)) == std::vector<std::string>{"etc/", "etc/new", "etc/resolv.conf"});
}

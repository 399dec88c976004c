// extract_tar against hostile and ordinary layers. Every hostile case runs
// in a sandbox: a work directory holding the destination and, next to it,
// a sentinel file and an "outside" directory. After each extraction
// (successful or not) the work directory outside the destination must be
// byte-for-byte, mode-for-mode and mtime-for-mtime what it was.
#include "archive_test_support.hpp"

#include "kayak/archive/extract.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

using namespace kayak;
using namespace kayak::archive;
using kayak::test::EntryOpts;
using kayak::test::StringReader;
using kayak::test::TarBuilder;

namespace {

struct Sandbox {
  fs::TempDir work;
  std::string dest = work.path() + "/dest";
  std::string sentinel = work.path() + "/sentinel";
  std::string outside = work.path() + "/outside";
  std::string before;

  Sandbox() {
    fs::mkdir_p(dest);
    fs::mkdir_p(outside);
    fs::write_file_atomic(sentinel, "original sentinel", 0640);
    fs::write_file_atomic(outside + "/file", "outside file", 0600);
    struct timespec old[2] = {{978307200, 0}, {978307200, 0}};
    REQUIRE(::utimensat(AT_FDCWD, sentinel.c_str(), old, AT_SYMLINK_NOFOLLOW) == 0);
    REQUIRE(::utimensat(AT_FDCWD, outside.c_str(), old, AT_SYMLINK_NOFOLLOW) == 0);
    before = test::snapshot(work.path(), "dest");
  }

  ~Sandbox() {
    // Restore search permission on anything a test made unreadable, so the
    // TempDir can go.
    ::chmod(dest.c_str(), 0755);
  }

  void check_outside_untouched() const { CHECK(test::snapshot(work.path(), "dest") == before); }

  ExtractResult extract(const std::string& tar, const ExtractOptions& options = {}) {
    StringReader in(tar, 7000);
    return extract_tar(in, dest, options);
  }

  // Extracts and reports whether it failed; either outcome is acceptable
  // for a hostile layer as long as nothing outside changed.
  bool extract_fails(const std::string& tar, const ExtractOptions& options = {}) {
    try {
      extract(tar, options);
      return false;
    } catch (const Error& e) {
      MESSAGE("extraction refused: " << std::string(e.what()));
      return true;
    }
  }

  std::string in(const std::string& rel) const { return dest + "/" + rel; }
};

struct stat lstat_of(const std::string& path) {
  struct stat st {};
  REQUIRE_MESSAGE(::lstat(path.c_str(), &st) == 0, path);
  return st;
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::string link_target(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  REQUIRE(n >= 0);
  return std::string(buf, static_cast<size_t>(n));
}

std::string get_xattr(const std::string& path, const char* name) {
  char buf[256];
  ssize_t n = ::lgetxattr(path.c_str(), name, buf, sizeof buf);
  return n < 0 ? std::string("<none>") : std::string(buf, static_cast<size_t>(n));
}

bool is_root() { return ::getuid() == 0; }

}  // namespace

// ---- path escapes ----

TEST_CASE("extract: absolute names land inside the destination") {
  Sandbox box;
  std::string tar = TarBuilder()
                      .file("/etc/kayak-test-evil", "evil")
                      .file(box.sentinel, "pwned")
                      .file(box.outside + "/new", "pwned")
                      .finish();
  auto result = box.extract(tar);
  CHECK(result.entries == 3);
  CHECK(fs::read_file(box.in("etc/kayak-test-evil")) == "evil");
  CHECK(fs::read_file(box.dest + box.sentinel) == "pwned");
  CHECK_FALSE(exists("/etc/kayak-test-evil"));
  box.check_outside_untouched();
}

TEST_CASE("extract: \"..\" never climbs above the destination") {
  Sandbox box;
  std::string tar = TarBuilder()
                      .file("../sentinel", "pwned 1")
                      .file("a/../../sentinel", "pwned 2")
                      .file("../../../../../../outside/new", "pwned 3")
                      .file("./../outside/file", "pwned 4")
                      .dir("../outside", {.mode = 0700})
                      .finish();
  box.extract(tar);
  // The kernel's RESOLVE_IN_ROOT view: ".." at the root is the root.
  CHECK(fs::read_file(box.in("sentinel")) == "pwned 2");
  CHECK(fs::read_file(box.in("outside/new")) == "pwned 3");
  CHECK(fs::read_file(box.in("outside/file")) == "pwned 4");
  CHECK((lstat_of(box.in("outside")).st_mode & 07777) == 0700);
  box.check_outside_untouched();
}

TEST_CASE("extract: a symlink pointing outside is stored but never followed") {
  Sandbox box;
  SUBCASE("absolute symlink to the real outside directory, then a file through it") {
    std::string tar = TarBuilder().symlink("lnk", box.outside).file("lnk/evil", "pwned").finish();
    box.extract_fails(tar);
    CHECK(link_target(box.in("lnk")) == box.outside);
    CHECK_FALSE(exists(box.outside + "/evil"));
  }
  SUBCASE("relative symlink climbing out, then files through it") {
    std::string tar = TarBuilder()
                        .symlink("up", "../../../..")
                        .file("up/sentinel", "pwned")
                        .dir("up/outside")
                        .file("up/outside/file", "pwned")
                        .finish();
    box.extract(tar);
    CHECK(link_target(box.in("up")) == "../../../..");
    // "up" resolves to the root itself.
    CHECK(fs::read_file(box.in("sentinel")) == "pwned");
    CHECK(fs::read_file(box.in("outside/file")) == "pwned");
  }
  SUBCASE("a chain of symlinks to \"..\"") {
    std::string tar = TarBuilder()
                        .dir("d")
                        .symlink("d/p", "..")
                        .symlink("d/pp", "p/..")
                        .symlink("chain", "d/pp/d/pp")
                        .file("chain/sentinel", "pwned")
                        .file("d/pp/outside/x", "pwned")
                        .finish();
    box.extract(tar);
    CHECK(fs::read_file(box.in("sentinel")) == "pwned");
    CHECK(fs::read_file(box.in("outside/x")) == "pwned");
  }
  SUBCASE("a symlink named like an existing file, then that file") {
    // The regular file replaces the symlink; it is never written through it.
    std::string tar = TarBuilder().symlink("s", box.sentinel).file("s", "pwned").finish();
    box.extract(tar);
    CHECK(fs::read_file(box.in("s")) == "pwned");
    CHECK_FALSE(S_ISLNK(lstat_of(box.in("s")).st_mode));
  }
  SUBCASE("a directory entry through a symlink to outside") {
    std::string tar = TarBuilder().symlink("o", box.outside).dir("o/sub", {.mode = 0777}).finish();
    box.extract_fails(tar);
  }
  SUBCASE("symlink to a directory outside via /proc magic links") {
    std::string tar = TarBuilder().symlink("p", "/proc/self/cwd").file("p/evil", "pwned").finish();
    box.extract_fails(tar);
  }
  box.check_outside_untouched();
}

TEST_CASE("extract: metadata of a symlink's target is never changed") {
  Sandbox box;
  // A hostile layer names a symlink to outside and then the same name as a
  // directory with new metadata; the directory replaces the symlink.
  std::string tar = TarBuilder()
                      .symlink("s", box.outside)
                      .dir("s", {.mode = 0777, .mtime = 42})
                      .symlink("f", box.sentinel)
                      .node("f", AE_IFIFO, 0, 0, {.mode = 0666})
                      .finish();
  box.extract(tar);
  CHECK(S_ISDIR(lstat_of(box.in("s")).st_mode));
  CHECK(lstat_of(box.in("s")).st_mtim.tv_sec == 42);
  CHECK(S_ISFIFO(lstat_of(box.in("f")).st_mode));
  box.check_outside_untouched();
}

TEST_CASE("extract: hardlinks resolve inside the destination only") {
  Sandbox box;
  SUBCASE("to /etc/passwd") {
    CHECK(box.extract_fails(TarBuilder().hardlink("h", "/etc/passwd").finish()));
  }
  SUBCASE("to ../sentinel") {
    CHECK(box.extract_fails(TarBuilder().hardlink("h", "../sentinel").finish()));
  }
  SUBCASE("to the sentinel's absolute path") {
    CHECK(box.extract_fails(TarBuilder().hardlink("h", box.sentinel).finish()));
  }
  SUBCASE("through a symlinked directory pointing outside") {
    CHECK(box.extract_fails(TarBuilder().symlink("d", box.work.path()).hardlink("h", "d/sentinel").finish()));
  }
  SUBCASE("to a symlink pointing outside: links the symlink itself") {
    box.extract(TarBuilder().symlink("s", box.sentinel).hardlink("h", "s").finish());
    CHECK(S_ISLNK(lstat_of(box.in("h")).st_mode));
    CHECK(lstat_of(box.in("h")).st_ino == lstat_of(box.in("s")).st_ino);
    CHECK(lstat_of(box.sentinel).st_nlink == 1);
  }
  SUBCASE("to a directory") {
    CHECK(box.extract_fails(TarBuilder().dir("d").hardlink("h", "d").finish()));
  }
  CHECK(lstat_of(box.sentinel).st_nlink == 1);
  box.check_outside_untouched();
}

TEST_CASE("extract: whiteout names cannot reach outside") {
  Sandbox box;
  for (auto format : {WhiteoutFormat::Overlay, WhiteoutFormat::Aufs}) {
    CAPTURE(static_cast<int>(format));
    fs::remove_tree(box.dest);
    fs::mkdir_p(box.dest);
    std::string tar = TarBuilder()
                        .file(".wh...", "")
                        .file(".wh..", "")
                        .file("../.wh.sentinel", "")
                        .file("a/../../.wh.outside", "")
                        .file("/../.wh..wh..opq", "")
                        .finish();
    ExtractOptions options;
    options.whiteouts = format;
    options.opaque_xattr = "user.overlay.opaque";
    box.extract(tar, options);
    if (format == WhiteoutFormat::Overlay) {
      auto st = lstat_of(box.in("sentinel"));
      CHECK(S_ISCHR(st.st_mode));
      CHECK(st.st_rdev == makedev(0, 0));
      CHECK(S_ISCHR(lstat_of(box.in("outside")).st_mode));
      CHECK(get_xattr(box.dest, "user.overlay.opaque") == "y");
      CHECK(fs::list_dir(box.dest).size() == 2);
    } else {
      CHECK(S_ISREG(lstat_of(box.in(".wh.sentinel")).st_mode));
      CHECK(S_ISREG(lstat_of(box.in(".wh.outside")).st_mode));
      CHECK(S_ISREG(lstat_of(box.in(".wh..wh..opq")).st_mode));
      CHECK(S_ISREG(lstat_of(box.in(".wh...")).st_mode));
    }
    box.check_outside_untouched();
  }
}

TEST_CASE("extract: a whiteout under a symlink to outside does nothing outside") {
  Sandbox box;
  ExtractOptions options;
  options.whiteouts = WhiteoutFormat::Overlay;
  options.opaque_xattr = "user.overlay.opaque";
  box.extract_fails(TarBuilder().symlink("o", box.work.path()).file("o/.wh.sentinel", "").finish(), options);
  box.extract_fails(TarBuilder().symlink("p", box.outside).file("p/.wh..wh..opq", "").finish(), options);
  CHECK(get_xattr(box.outside, "user.overlay.opaque") == "<none>");
  box.check_outside_untouched();
}

// ---- entry types and metadata ----

TEST_CASE("extract: files, directories, symlinks, hardlinks, fifos, with modes and mtimes") {
  Sandbox box;
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4093) big[i] = static_cast<char>(i);
  std::string tar = TarBuilder()
                      .dir("usr", {.mode = 0755, .mtime = 1111})
                      .dir("usr/bin", {.mode = 0711, .mtime = 2222})
                      .file("usr/bin/tool", big, {.mode = 0755, .mtime = 3333})
                      .hardlink("usr/bin/tool-link", "usr/bin/tool")
                      .symlink("usr/bin/sh", "/bin/busybox", {.mode = 0777, .mtime = 4444})
                      .file("etc/implicit-parent", "x", {.mode = 0600})
                      .node("run/fifo", AE_IFIFO, 0, 0, {.mode = 0620, .mtime = 5555})
                      .dir("ro", {.mode = 0555, .mtime = 6666})
                      .file("ro/inside", "in a read-only dir", {.mode = 0444})
                      .file("sticky-setgid", "", {.mode = 03755})
                      .finish();
  auto result = box.extract(tar);
  CHECK(result.entries == 10);
  CHECK(result.content_bytes == big.size() + 1 + 18);
  CHECK(result.warnings.empty());
  CHECK(fs::read_file(box.in("usr/bin/tool")) == big);
  auto tool = lstat_of(box.in("usr/bin/tool"));
  CHECK((tool.st_mode & 07777) == 0755);
  CHECK(tool.st_mtim.tv_sec == 3333);
  CHECK(tool.st_nlink == 2);
  CHECK(lstat_of(box.in("usr/bin/tool-link")).st_ino == tool.st_ino);
  CHECK(link_target(box.in("usr/bin/sh")) == "/bin/busybox");
  CHECK(lstat_of(box.in("usr/bin/sh")).st_mtim.tv_sec == 4444);
  // Directory times are set after their content was written.
  CHECK(lstat_of(box.in("usr")).st_mtim.tv_sec == 1111);
  CHECK(lstat_of(box.in("usr/bin")).st_mtim.tv_sec == 2222);
  CHECK((lstat_of(box.in("usr/bin")).st_mode & 07777) == 0711);
  CHECK(S_ISDIR(lstat_of(box.in("etc")).st_mode));
  auto fifo = lstat_of(box.in("run/fifo"));
  CHECK(S_ISFIFO(fifo.st_mode));
  CHECK((fifo.st_mode & 07777) == 0620);
  CHECK(fifo.st_mtim.tv_sec == 5555);
  CHECK((lstat_of(box.in("ro")).st_mode & 07777) == 0555);
  CHECK(lstat_of(box.in("ro")).st_mtim.tv_sec == 6666);
  CHECK(fs::read_file(box.in("ro/inside")) == "in a read-only dir");
  CHECK((lstat_of(box.in("sticky-setgid")).st_mode & 07777) == 03755);
  box.check_outside_untouched();
}

TEST_CASE("extract: long names in pax and GNU tars") {
  std::string deep;
  for (int i = 0; i < 12; ++i) deep += "directory-with-a-long-name-" + std::to_string(i) + "/";
  std::string name = deep + std::string(200, 'f');
  std::string target = std::string(300, 't');
  for (int format : {ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FORMAT_TAR_GNUTAR}) {
    Sandbox box;
    box.extract(TarBuilder(format).file(name, "deep").symlink(deep + "l", target).hardlink("h", name).finish());
    CHECK(fs::read_file(box.in(name)) == "deep");
    CHECK(link_target(box.in(deep + "l")) == target);
    CHECK(lstat_of(box.in("h")).st_ino == lstat_of(box.in(name)).st_ino);
  }
}

TEST_CASE("extract: UTF-8 and odd bytes in names") {
  Sandbox box;
  std::string utf8 = "caf\xc3\xa9/na\xc3\xafve \xe2\x9c\x93.txt";
  box.extract(TarBuilder().file(utf8, "utf8").symlink("l\xc3\xa9", "t\xc3\xa9").finish());
  CHECK(fs::read_file(box.in(utf8)) == "utf8");
  CHECK(link_target(box.in("l\xc3\xa9")) == "t\xc3\xa9");
  box.check_outside_untouched();
}

TEST_CASE("extract: sparse files from GNU tar") {
  Sandbox box;
  fs::TempDir src;
  std::string path = src.path() + "/sparse";
  {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT, 0644));
    REQUIRE(fd);
    REQUIRE(::pwrite(fd.get(), "begin", 5, 0) == 5);
    REQUIRE(::pwrite(fd.get(), "middle", 6, 5 << 20) == 6);
    REQUIRE(::ftruncate(fd.get(), 12 << 20) == 0);
  }
  std::string tarfile = src.path() + "/s.tar";
  for (const char* format : {"gnu", "posix"}) {
    CAPTURE(format);
    std::string cmd = fmt::format("tar --sparse --format={} -C {} -cf {} sparse", format, src.path(), tarfile);
    REQUIRE(std::system(cmd.c_str()) == 0);
    fs::remove_tree(box.dest);
    fs::mkdir_p(box.dest);
    box.extract(fs::read_file(tarfile));
    std::string got = fs::read_file(box.in("sparse"));
    REQUIRE(got.size() == (12u << 20));
    CHECK(got.substr(0, 5) == "begin");
    CHECK(got.substr(5 << 20, 6) == "middle");
    CHECK(got.find_first_not_of('\0', 5) == (5u << 20));
    CHECK(got.find_first_not_of('\0', (5 << 20) + 6) == std::string::npos);
  }
}

TEST_CASE("extract: an entry replaces an existing one of another type") {
  Sandbox box;
  std::string tar = TarBuilder()
                      .dir("d")
                      .file("d/child", "gone")
                      .dir("d/sub")
                      .file("d/sub/deeper", "gone")
                      .file("d", "now a file")           // directory replaced by a file
                      .file("f", "file")
                      .dir("f", {.mode = 0750})          // file replaced by a directory
                      .symlink("s", "somewhere")
                      .dir("s")                          // symlink replaced by a directory
                      .dir("keep", {.mode = 0700, .mtime = 1})
                      .file("keep/a", "kept")
                      .dir("keep", {.mode = 0751, .mtime = 7})  // a directory stays, metadata updated
                      .file("x", "one")
                      .file("x", "two")                  // a later duplicate wins
                      .symlink("y", "one")
                      .symlink("y", "two")
                      .finish();
  box.extract(tar);
  CHECK(fs::read_file(box.in("d")) == "now a file");
  CHECK(S_ISDIR(lstat_of(box.in("f")).st_mode));
  CHECK((lstat_of(box.in("f")).st_mode & 07777) == 0750);
  CHECK(S_ISDIR(lstat_of(box.in("s")).st_mode));
  CHECK(fs::read_file(box.in("keep/a")) == "kept");
  CHECK((lstat_of(box.in("keep")).st_mode & 07777) == 0751);
  CHECK(lstat_of(box.in("keep")).st_mtim.tv_sec == 7);
  CHECK(fs::read_file(box.in("x")) == "two");
  CHECK(link_target(box.in("y")) == "two");
  box.check_outside_untouched();
}

TEST_CASE("extract: a file under a path component that is a file fails") {
  Sandbox box;
  CHECK_THROWS_AS(box.extract(TarBuilder().file("a", "file").file("a/b", "x").finish()), Error);
  box.check_outside_untouched();
}

TEST_CASE("extract: the root entry updates the destination's own metadata") {
  Sandbox box;
  box.extract(TarBuilder().dir("./", {.mode = 0751, .mtime = 12345}).file("./a", "a").finish());
  CHECK((lstat_of(box.dest).st_mode & 07777) == 0751);
  CHECK(lstat_of(box.dest).st_mtim.tv_sec == 12345);
  auto result = box.extract(TarBuilder().file("/", "not a directory").finish());
  CHECK(result.warnings.size() == 1);
  CHECK(S_ISDIR(lstat_of(box.dest).st_mode));
}

TEST_CASE("extract: device nodes are skipped with a warning unless allowed") {
  Sandbox box;
  std::string tar = TarBuilder()
                      .node("dev/sda", AE_IFBLK, 8, 0, {.mode = 0660, .gid = 6})
                      .node("dev/null", AE_IFCHR, 1, 3, {.mode = 0666})
                      .node("dev/fifo", AE_IFIFO, 0, 0)
                      .finish();
  auto result = box.extract(tar);
  REQUIRE(result.warnings.size() == 2);
  CHECK(result.warnings[0] == "skipping device node dev/sda (needs root)");
  CHECK(result.warnings[1] == "skipping device node dev/null (needs root)");
  CHECK_FALSE(exists(box.in("dev/sda")));
  CHECK(S_ISFIFO(lstat_of(box.in("dev/fifo")).st_mode));

  if (!is_root()) {
    MESSAGE("not root: skipping device creation");
    return;
  }
  ExtractOptions options;
  options.allow_devices = true;
  options.chown = true;
  result = box.extract(tar, options);
  CHECK(result.warnings.empty());
  auto sda = lstat_of(box.in("dev/sda"));
  CHECK(S_ISBLK(sda.st_mode));
  CHECK(sda.st_rdev == makedev(8, 0));
  CHECK((sda.st_mode & 07777) == 0660);
  CHECK(sda.st_gid == 6);
  auto null = lstat_of(box.in("dev/null"));
  CHECK(S_ISCHR(null.st_mode));
  CHECK(null.st_rdev == makedev(1, 3));
  box.check_outside_untouched();
}

TEST_CASE("extract: owners, and setuid bits that survive the chown") {
  if (!is_root()) {
    MESSAGE("not root: skipping chown test");
    return;
  }
  Sandbox box;
  std::string tar = TarBuilder()
                      .dir("home", {.mode = 02775, .uid = 1000, .gid = 1001})
                      .file("bin/su", "#!", {.mode = 04755, .uid = 0, .gid = 0})
                      .file("bin/wall", "#!", {.mode = 02755, .uid = 5, .gid = 5})
                      .file("home/user-file", "x", {.mode = 06750, .uid = 1000, .gid = 1001})
                      .symlink("home/lnk", "user-file", {.mode = 0777, .uid = 1000, .gid = 1002})
                      .finish();
  ExtractOptions options;
  options.chown = true;
  auto result = box.extract(tar, options);
  CHECK(result.squashed == 0);
  auto home = lstat_of(box.in("home"));
  CHECK(home.st_uid == 1000);
  CHECK(home.st_gid == 1001);
  CHECK((home.st_mode & 07777) == 02775);
  auto wall = lstat_of(box.in("bin/wall"));
  CHECK(wall.st_uid == 5);
  CHECK((wall.st_mode & 07777) == 02755);
  auto user_file = lstat_of(box.in("home/user-file"));
  CHECK(user_file.st_uid == 1000);
  CHECK((user_file.st_mode & 07777) == 06750);
  CHECK((lstat_of(box.in("bin/su")).st_mode & 07777) == 04755);
  CHECK(lstat_of(box.in("home/lnk")).st_gid == 1002);

  // Without chown, files belong to the extracting user.
  Sandbox plain_box;
  plain_box.extract(tar);
  CHECK(lstat_of(plain_box.in("home/user-file")).st_uid == ::getuid());
  CHECK((lstat_of(plain_box.in("home/user-file")).st_mode & 07777) == 06750);
}

TEST_CASE("extract: IDs outside the mapping are squashed or refused") {
  if (!is_root()) {
    MESSAGE("not root: skipping ID mapping test (chown to 0)");
    return;
  }
  std::string tar = TarBuilder()
                      .file("ok", "", {.uid = 0, .gid = 0})
                      .file("etc/shadow", "", {.mode = 0640, .uid = 0, .gid = 42})
                      .file("home/u", "", {.uid = 1000, .gid = 1000})
                      .finish();
  ExtractOptions options;
  options.chown = true;
  options.uid_limit = 1;
  options.gid_limit = 1;
  {
    Sandbox box;
    auto result = box.extract(tar, options);
    CHECK(result.squashed == 2);
    CHECK(result.first_squashed_path == "etc/shadow");
    CHECK(result.first_squashed_id == 42);
    CHECK(result.first_squashed_is_gid);
    CHECK(lstat_of(box.in("etc/shadow")).st_gid == 0);
    CHECK(lstat_of(box.in("home/u")).st_uid == 0);
  }
  {
    Sandbox box;
    options.out_of_range = OutOfRangeIds::Fail;
    CHECK_THROWS_WITH_AS(box.extract(tar, options),
                         "layer file etc/shadow is owned by gid 42, which is outside the available ID mapping (0-0)",
                         Error);
  }
  {
    Sandbox box;
    options.uid_limit = 65536;
    options.gid_limit = 65536;
    auto result = box.extract(tar, options);
    CHECK(result.squashed == 0);
    CHECK(lstat_of(box.in("home/u")).st_uid == 1000);
  }
}

TEST_CASE("extract: extended attributes") {
  Sandbox box;
  // A v2 file capability: cap_net_raw+ep.
  std::string cap("\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
  std::string tar = TarBuilder()
                      .file("user-attr", "x", {.xattrs = {{"user.comment", "hello"}}})
                      .file("ping", "elf", {.mode = 04755, .xattrs = {{"security.capability", cap}}})
                      .dir("d", {.mode = 0755, .xattrs = {{"user.dir", "yes"}, {"trusted.overlay.opaque", "y"}}})
                      .file("t", "", {.xattrs = {{"trusted.kayak", "t"}}})
                      .finish();
  auto result = box.extract(tar);
  CHECK(get_xattr(box.in("user-attr"), "user.comment") == "hello");
  CHECK(get_xattr(box.in("d"), "user.dir") == "yes");
  // Overlay's private attributes from a layer are never applied.
  CHECK(get_xattr(box.in("d"), "trusted.overlay.opaque") == "<none>");
  if (is_root()) {
    CHECK(get_xattr(box.in("ping"), "security.capability") == cap);
    CHECK(get_xattr(box.in("t"), "trusted.kayak") == "t");
    CHECK((lstat_of(box.in("ping")).st_mode & 07777) == 04755);
    CHECK(result.warnings.empty());
  } else {
    CHECK_FALSE(result.warnings.empty());
  }

  ExtractOptions no_xattrs;
  no_xattrs.xattrs = false;
  Sandbox box2;
  box2.extract(tar, no_xattrs);
  CHECK(get_xattr(box2.in("user-attr"), "user.comment") == "<none>");
}

TEST_CASE("extract: plain mode for image archives") {
  Sandbox box;
  std::string tar = TarBuilder()
                      .file("manifest.json", "{}", {.mode = 04755, .uid = 1000, .xattrs = {{"user.x", "y"}}})
                      .file(".wh.keep", "")
                      .file("d/.wh..wh..opq", "")
                      .node("dev", AE_IFCHR, 1, 3)
                      .node("fifo", AE_IFIFO, 0, 0)
                      .symlink("layer.tar", "../abc/layer.tar")
                      .hardlink("copy.json", "manifest.json")
                      .finish();
  ExtractOptions options;
  options.plain = true;
  options.chown = true;
  options.allow_devices = true;
  options.whiteouts = WhiteoutFormat::Overlay;
  auto result = box.extract(tar, options);
  CHECK(result.warnings.size() == 2);
  CHECK((lstat_of(box.in("manifest.json")).st_mode & 07777) == 0755);
  CHECK(lstat_of(box.in("manifest.json")).st_uid == ::getuid());
  CHECK(get_xattr(box.in("manifest.json"), "user.x") == "<none>");
  CHECK(S_ISREG(lstat_of(box.in(".wh.keep")).st_mode));
  CHECK(S_ISREG(lstat_of(box.in("d/.wh..wh..opq")).st_mode));
  CHECK_FALSE(exists(box.in("dev")));
  CHECK_FALSE(exists(box.in("fifo")));
  CHECK(link_target(box.in("layer.tar")) == "../abc/layer.tar");
  CHECK(lstat_of(box.in("copy.json")).st_ino == lstat_of(box.in("manifest.json")).st_ino);
  box.check_outside_untouched();
}

TEST_CASE("extract: overlay whiteouts replace what is there and keep owner and mode") {
  Sandbox box;
  std::string tar = TarBuilder()
                      .dir("etc")
                      .file("etc/.wh.old", "", {.mode = 0600, .mtime = 77})
                      .dir("etc/gone")
                      .file("etc/gone/x", "x")
                      .file("etc/.wh.gone", "")
                      .dir("var/cache")
                      .file("var/cache/.wh..wh..opq", "")
                      .file(".wh..wh.plnk", "")
                      .finish();
  ExtractOptions options;
  options.whiteouts = WhiteoutFormat::Overlay;
  options.opaque_xattr = "user.overlay.opaque";
  box.extract(tar, options);
  auto old = lstat_of(box.in("etc/old"));
  CHECK(S_ISCHR(old.st_mode));
  CHECK(old.st_rdev == 0);
  CHECK((old.st_mode & 07777) == 0600);
  CHECK(old.st_mtim.tv_sec == 77);
  CHECK(S_ISCHR(lstat_of(box.in("etc/gone")).st_mode));
  CHECK(get_xattr(box.in("var/cache"), "user.overlay.opaque") == "y");
  CHECK_FALSE(exists(box.in(".wh..wh.plnk")));
  CHECK_FALSE(exists(box.in("plnk")));
  CHECK_FALSE(exists(box.in("var/cache/.wh..wh..opq")));
}

// ---- malformed input ----

TEST_CASE("extract: truncated tars are errors") {
  std::string content(100000, 'c');
  std::string tar = TarBuilder().file("a", "small").file("big", content).file("z", "z").finish();
  size_t big_data = tar.find(content.substr(0, 512));
  REQUIRE(big_data != std::string::npos);
  for (size_t cut : {big_data + 1000, big_data - 100, big_data + content.size() + 100, size_t{700}}) {
    CAPTURE(cut);
    Sandbox box;
    CHECK_THROWS_AS(box.extract(tar.substr(0, cut)), Error);
    box.check_outside_untouched();
  }
}

TEST_CASE("extract: not a tar") {
  Sandbox box;
  CHECK_THROWS_AS(box.extract(std::string("\x1f\x8b\x08\x00garbage garbage garbage", 27)), Error);
  CHECK_THROWS_AS(box.extract(std::string(2000, 'x')), Error);
  // A corrupted header checksum.
  std::string tar = TarBuilder().file("a", "a").finish();
  tar[150] ^= 1;
  CHECK_THROWS_AS(box.extract(tar), Error);
}

TEST_CASE("extract: empty layers") {
  Sandbox box;
  CHECK(box.extract("").entries == 0);
  CHECK(box.extract(std::string(1024, '\0')).entries == 0);
  CHECK(fs::list_dir(box.dest).empty());
}

TEST_CASE("extract: reads the stream to its end") {
  Sandbox box;
  std::string tar = TarBuilder().file("a", "a").finish() + std::string(30000, '\0');
  StringReader in(tar);
  HashingReader hashing(in);
  extract_tar(hashing, box.dest, {});
  CHECK(hashing.bytes() == tar.size());
}

TEST_CASE("extract: errors from the reader propagate as themselves") {
  class Failing : public Reader {
  public:
    size_t read(void*, size_t) override { throw Error("connection reset"); }
  };
  Sandbox box;
  Failing in;
  CHECK_THROWS_WITH_AS(extract_tar(in, box.dest, {}), "connection reset", Error);
}

// ---- raw headers: names assembled by the tar reader itself ----

TEST_CASE("extract: raw headers with escaping prefixes, GNU long names and pax paths") {
  using test::pax_header;
  using test::raw_entry;
  Sandbox box;
  std::string tar = raw_entry({.name = "sentinel", .data = "via prefix", .prefix = "../.."}) +
                    raw_entry({.name = "././@LongLink", .type = 'L', .data = std::string("../../outside/gnu") + '\0'}) +
                    raw_entry({.name = "harmless", .data = "via gnu long name"}) +
                    pax_header({{"path", "../../../outside/pax"}}) + raw_entry({.name = "harmless2", .data = "via pax"}) +
                    pax_header({{"linkpath", "../../sentinel"}}) + raw_entry({.name = "hl", .type = '1', .linkname = "x"}) +
                    // libarchive ignores a pax linkpath when the ustar field is empty: a
                    // nameless link, skipped.
                    pax_header({{"linkpath", "../../sentinel"}}) + raw_entry({.name = "hl2", .type = '1'}) +
                    test::end_of_archive();
  box.extract(tar);
  CHECK(fs::read_file(box.in("sentinel")) == "via prefix");
  // The pax linkpath "../../sentinel" is the sentinel inside.
  CHECK(lstat_of(box.in("hl")).st_ino == lstat_of(box.in("sentinel")).st_ino);
  CHECK(lstat_of(box.sentinel).st_nlink == 1);
  CHECK(fs::read_file(box.in("outside/gnu")) == "via gnu long name");
  CHECK(fs::read_file(box.in("outside/pax")) == "via pax");
  box.check_outside_untouched();
}

TEST_CASE("extract: a hardlink entry carrying data never writes into its target") {
  using test::raw_entry;
  Sandbox box;
  std::string tar = raw_entry({.name = "a", .data = "original"}) +
                    raw_entry({.name = "h", .type = '1', .data = "pwned", .linkname = "a"}) +
                    raw_entry({.name = "z", .data = "after"}) + test::end_of_archive();
  box.extract(tar);
  CHECK(fs::read_file(box.in("a")) == "original");
  CHECK(lstat_of(box.in("h")).st_ino == lstat_of(box.in("a")).st_ino);
  CHECK(fs::read_file(box.in("z")) == "after");
}

TEST_CASE("extract: a header claiming more data than the stream has") {
  using test::raw_entry;
  Sandbox box;
  std::string tar = raw_entry({.name = "big", .data = "only this", .size = 1 << 20});
  CHECK_THROWS_AS(box.extract(tar), Error);
  box.check_outside_untouched();
}

TEST_CASE("extract: a directory replaced by a symlink redirects later entries (no stale cached directory)") {
  Sandbox box;
  std::string tar = TarBuilder()
                      .dir("c/b")
                      .dir("a/b")
                      .file("a/b/f1", "one")
                      .symlink("a", "c")
                      .file("a/b/f2", "two")
                      .finish();
  box.extract(tar);
  CHECK(link_target(box.in("a")) == "c");
  CHECK(fs::read_file(box.in("c/b/f2")) == "two");
  CHECK_FALSE(exists(box.in("c/b/f1")));
  box.check_outside_untouched();
}

TEST_CASE("extract: many and deep directories") {
  Sandbox box;
  TarBuilder b;
  std::string deep;
  for (int i = 0; i < 300; ++i) {
    deep += "d" + std::to_string(i % 10) + "/";
    b.file(deep + "f", std::to_string(i));
  }
  for (int i = 0; i < 600; ++i) b.file("wide/" + std::to_string(i) + "/f", "w");
  for (int i = 0; i < 600; i += 7) b.file("wide/" + std::to_string(i) + "/g", "again");
  b.dir("d0", {.mode = 0500});
  b.file("d0", "replaces the whole deep tree");
  auto result = box.extract(b.finish());
  CHECK(fs::read_file(box.in("wide/599/f")) == "w");
  CHECK(fs::read_file(box.in("wide/595/g")) == "again");
  CHECK(fs::read_file(box.in("d0")) == "replaces the whole deep tree");
  box.check_outside_untouched();
}

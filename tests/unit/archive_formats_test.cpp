// Image archive formats: reading what podman and upstream tools wrote,
// writing docker-archive / oci-archive and reading them back, and refusing
// hostile archives with clear errors.
#include "kayak/archive/compression.hpp"
#include "kayak/archive/image_archive.hpp"
#include "kayak/archive/tar_writer.hpp"
#include "kayak/image/config.hpp"
#include "kayak/image/manifest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"

#include <doctest/doctest.h>

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace kayak;
using namespace kayak::archive;

namespace {

const std::string kImages = "/work/shared/images";
const std::string kPodmanDockerArchive = kImages + "/archives/podman-save-docker-archive.tar";
const std::string kPodmanOciArchive = kImages + "/archives/podman-save-oci-archive.tar";
const std::string kBusyboxConfig = "sha256:654fc8fd836e35f4a64586bddf8f59b9029b48cf80f520834c6c98ca8ab5def9";
const std::string kBusyboxDiffId = "sha256:0f8918d0fe4f272ce8acece89916a9ba0b240584d3c1dd1943f343f69b0d0ffb";

doctest::Contains has(const std::string& text) { return doctest::Contains(text.c_str()); }

class StringReader : public Reader {
public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  size_t read(void* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }

private:
  std::string data_;
  size_t pos_ = 0;
};

class StringWriter : public Writer {
public:
  void write(const void* buf, size_t n) override { data.append(static_cast<const char*>(buf), n); }
  std::string data;
};

// Fixtures are read only: tests work on copies.
void copy_tree(const std::string& from, const std::string& to) {
  namespace sfs = std::filesystem;
  if (sfs::is_regular_file(from)) {
    fs::write_file_atomic(to, fs::read_file(from));
    return;
  }
  fs::mkdir_p(to);
  for (const auto& e : sfs::recursive_directory_iterator(from)) {
    std::string rel = sfs::relative(e.path(), from).string();
    if (e.is_directory()) fs::mkdir_p(fs::join(to, rel));
    else fs::write_file_atomic(fs::join(to, rel), fs::read_file(e.path().string()));
  }
}

void unpack_file(const std::string& file, const std::string& dir) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  REQUIRE(fd.valid());
  FdReader reader(std::move(fd), file);
  unpack_archive(reader, dir);
}

std::string unpack_fixture(const fs::TempDir& tmp, const std::string& fixture) {
  std::string copy = tmp.path() + "/archive.tar";
  copy_tree(fixture, copy);
  std::string dir = tmp.path() + "/unpacked";
  fs::mkdir_p(dir);
  unpack_file(copy, dir);
  return dir;
}

// ---- small synthetic images ----

std::string layer_tar(const std::string& file_name, const std::string& content) {
  StringWriter out;
  TarWriter tar(out);
  tar.add_file(file_name, content, {.mode = 0644, .mtime = 1000, .uid = 0, .gid = 0});
  tar.finish();
  return out.data;
}

SaveLayer save_layer(const std::string& bytes) {
  SaveLayer layer;
  layer.diff_id = sha256_digest(bytes);
  layer.size = bytes.size();
  layer.open = [bytes] { return std::make_unique<StringReader>(bytes); };
  return layer;
}

SaveImage save_image(const std::vector<std::string>& layers, std::vector<std::string> tags,
                     const std::string& cmd = "sh", const std::string& created = "2024-01-02T03:04:05Z") {
  SaveImage image;
  json::Value diff_ids = json::Value::array();
  for (const auto& bytes : layers) {
    image.layers.push_back(save_layer(bytes));
    diff_ids.push_back(image.layers.back().diff_id);
  }
  json::Value config = json::Value::object();
  config.set("architecture", "amd64");
  config.set("os", "linux");
  config.set("created", created);
  json::Value run = json::Value::object();
  run.set("Cmd", json::Value::strings({cmd}));
  run.set("Env", json::Value::strings({"A=<b>&c"}));
  config.set("config", run);
  json::Value rootfs = json::Value::object();
  rootfs.set("type", "layers");
  rootfs.set("diff_ids", diff_ids);
  config.set("rootfs", rootfs);
  image.config_bytes = json::dump(config);
  image.config_digest = sha256_digest(image.config_bytes);
  image.tags = std::move(tags);
  return image;
}

struct TarEntry {
  std::string name;
  mode_t type = 0;
  mode_t mode = 0;
  int64_t uid = -1, gid = -1;
  int64_t mtime = -1;
  std::string link;
  std::string content;
};

// Lists a tar with libarchive directly (an independent reader).
std::vector<TarEntry> list_tar(const std::string& data) {
  struct archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  REQUIRE(archive_read_open_memory(a, data.data(), data.size()) == ARCHIVE_OK);
  std::vector<TarEntry> out;
  struct archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    TarEntry t;
    t.name = archive_entry_pathname(e);
    t.type = archive_entry_filetype(e);
    t.mode = archive_entry_perm(e);
    t.uid = archive_entry_uid(e);
    t.gid = archive_entry_gid(e);
    t.mtime = archive_entry_mtime(e);
    if (archive_entry_symlink(e)) t.link = archive_entry_symlink(e);
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) t.content.append(buf, static_cast<size_t>(n));
    out.push_back(std::move(t));
  }
  archive_read_free(a);
  return out;
}

std::string strip_slash(std::string name) {
  if (!name.empty() && name.back() == '/') name.pop_back();
  return name;
}

const TarEntry& find_entry(const std::vector<TarEntry>& entries, const std::string& name) {
  for (const auto& e : entries)
    if (strip_slash(e.name) == name) return e;
  FAIL("no entry " << name);
  throw 0;
}

// A docker-archive directory written by hand, for hostile variants.
struct HandMadeArchive {
  fs::TempDir tmp;
  std::string dir = tmp.path() + "/archive";
  std::string layer = layer_tar("hello", "world\n");
  std::string config;
  std::string config_hex;

  explicit HandMadeArchive(size_t diff_id_count = 1) {
    fs::mkdir_p(dir);
    std::vector<std::string> layers(diff_id_count, layer);
    config = save_image(layers, {}).config_bytes;
    config_hex = sha256_hex(config);
    fs::write_file_atomic(dir + "/" + config_hex + ".json", config);
    fs::write_file_atomic(dir + "/layer.tar", layer);
  }
  void manifest(const std::string& text) { fs::write_file_atomic(dir + "/manifest.json", text); }
  void manifest_with_layers(const std::string& layers_json) {
    manifest(R"([{"Config":")" + config_hex + R"(.json","RepoTags":["busybox:latest"],"Layers":)" + layers_json +
             "}]");
  }
};

void symlink_or_fail(const std::string& target, const std::string& path) {
  REQUIRE(::symlink(target.c_str(), path.c_str()) == 0);
}

}  // namespace

// ---------------------------------------------------------------- reading

TEST_CASE("podman's docker-archive: tags, config, layer through its symlinked layout") {
  fs::TempDir tmp;
  std::string dir = unpack_fixture(tmp, kPodmanDockerArchive);
  CHECK(detect_layout(dir) == LayoutKind::DockerArchive);

  auto images = read_docker_archive(dir);
  REQUIRE(images.size() == 1);
  const auto& img = images[0];
  CHECK(img.tags == std::vector<std::string>{"localhost/myimg/httpd:v1", "docker.io/library/busybox:latest"});
  CHECK(img.config_digest == kBusyboxConfig);
  CHECK(sha256_digest(img.config_bytes) == kBusyboxConfig);
  CHECK(img.manifest_bytes.empty());
  REQUIRE(img.layers.size() == 1);
  CHECK(img.layers[0].path == fs::absolute(dir) + "/" + digest_hex(kBusyboxDiffId) + ".tar");
  CHECK(sha256_file_digest(img.layers[0].path) == kBusyboxDiffId);
  CHECK(img.layers[0].size == 1761280);

  // The legacy "<v1id>/layer.tar" name is a symlink to the same file: a
  // manifest naming it resolves to the real file inside the archive.
  std::string text = fs::read_file(dir + "/manifest.json");
  std::string legacy = "0f8f3a1fd825cbebb4968d4c1cbc863972acc20a04d8bd2a6c348213d1517d9b/layer.tar";
  auto pos = text.find(digest_hex(kBusyboxDiffId) + ".tar");
  REQUIRE(pos != std::string::npos);
  text.replace(pos, 64 + 4, legacy);
  fs::write_file_atomic(dir + "/manifest.json", text);
  images = read_docker_archive(dir);
  REQUIRE(images.size() == 1);
  CHECK(images[0].layers[0].path == fs::absolute(dir) + "/" + digest_hex(kBusyboxDiffId) + ".tar");
}

TEST_CASE("podman's oci-archive: ref name, manifest, compressed layer descriptor") {
  fs::TempDir tmp;
  std::string dir = unpack_fixture(tmp, kPodmanOciArchive);
  CHECK(detect_layout(dir) == LayoutKind::Oci);
  auto images = read_oci_layout(dir);
  REQUIRE(images.size() == 1);
  const auto& img = images[0];
  CHECK(img.tags == std::vector<std::string>{"docker.io/library/busybox:latest"});
  CHECK(img.config_digest == kBusyboxConfig);
  CHECK(img.manifest_digest == "sha256:4ceeb519f665ce4cfdb81c4f86988554679742415bdc8e8dffade91c09593f83");
  CHECK(sha256_digest(img.manifest_bytes) == img.manifest_digest);
  REQUIRE(img.layers.size() == 1);
  CHECK(img.layers[0].digest == "sha256:9e336cf300fcf734bdc3ba1e61cd307748cc72718fd78381284e45aa686ab971");
  CHECK(img.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(img.layers[0].size == 935936);
  CHECK(sha256_file_digest(img.layers[0].path) == img.layers[0].digest);
}

TEST_CASE("gzip-compressed archive unpacks (save | gzip, then load)") {
  fs::TempDir tmp;
  std::string plain = fs::read_file(kPodmanDockerArchive);
  // gzip it with libarchive's raw writer
  std::string gz;
  {
    struct archive* a = archive_write_new();
    archive_write_add_filter_gzip(a);
    archive_write_set_format_raw(a);
    std::vector<char> buf(plain.size() * 2 + 65536);
    size_t used = 0;
    REQUIRE(archive_write_open_memory(a, buf.data(), buf.size(), &used) == ARCHIVE_OK);
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_size(e, static_cast<la_int64_t>(plain.size()));
    REQUIRE(archive_write_header(a, e) == ARCHIVE_OK);
    REQUIRE(archive_write_data(a, plain.data(), plain.size()) == static_cast<la_ssize_t>(plain.size()));
    archive_entry_free(e);
    REQUIRE(archive_write_close(a) == ARCHIVE_OK);
    archive_write_free(a);
    gz.assign(buf.data(), used);
  }
  REQUIRE(gz.size() < plain.size());
  REQUIRE(static_cast<unsigned char>(gz[0]) == 0x1f);
  std::string dir = tmp.path() + "/d";
  fs::mkdir_p(dir);
  StringReader reader(gz);
  unpack_archive(reader, dir);
  auto images = read_docker_archive(dir);
  REQUIRE(images.size() == 1);
  CHECK(sha256_file_digest(images[0].layers[0].path) == kBusyboxDiffId);

  // A truncated compressed stream is an error, not a silently short archive.
  fs::TempDir tmp2;
  StringReader truncated(gz.substr(0, gz.size() / 2));
  CHECK_THROWS_AS(unpack_archive(truncated, tmp2.path()), Error);
}

TEST_CASE("OCI layouts: busybox, alpine (bare tag), debian-apps (three images, shared base)") {
  fs::TempDir tmp;
  SUBCASE("busybox") {
    copy_tree(kImages + "/busybox", tmp.path() + "/busybox");
    std::string dir = tmp.path() + "/busybox";
    CHECK(detect_layout(dir) == LayoutKind::Oci);
    auto all = read_oci_layout(dir);
    REQUIRE(all.size() == 1);
    CHECK(all[0].tags == std::vector<std::string>{"busybox:1.38.0-musl"});
    CHECK(all[0].config_digest == kBusyboxConfig);
    CHECK(all[0].manifest_digest == "sha256:a34ce92094b7b100a98fbd21411a92825f6827b1bc5f6918c253516c90556998");
    REQUIRE(all[0].layers.size() == 1);
    CHECK(all[0].layers[0].digest == "sha256:5c3b447848a98e48dce106cb3e6acbd4fb6f9b26ee778798137349ce01f4d3c1");
    CHECK(all[0].layers[0].size == 886160);
    auto one = read_oci_layout(dir, "busybox:1.38.0-musl");
    REQUIRE(one.size() == 1);
    CHECK(one[0].tags == std::vector<std::string>{"busybox:1.38.0-musl"});
    CHECK_THROWS_WITH_AS(read_oci_layout(dir, "busybox:nope"),
                         has("no image named busybox:nope in the OCI layout (it has: busybox:1.38.0-musl)"),
                         Error);
  }
  SUBCASE("alpine") {
    copy_tree(kImages + "/alpine", tmp.path() + "/alpine");
    auto all = read_oci_layout(tmp.path() + "/alpine");
    REQUIRE(all.size() == 1);
    CHECK(all[0].tags == std::vector<std::string>{"3.20.3"});  // the caller picks the repository
    CHECK(all[0].layers.size() == 1);
  }
  SUBCASE("debian-apps") {
    copy_tree(kImages + "/debian-apps", tmp.path() + "/apps");
    std::string dir = tmp.path() + "/apps";
    auto all = read_oci_layout(dir);
    REQUIRE(all.size() == 3);
    CHECK(all[0].tags == std::vector<std::string>{"debian-bookworm-slim"});
    CHECK(all[1].tags == std::vector<std::string>{"nginx-latest"});
    CHECK(all[2].tags == std::vector<std::string>{"redis-latest"});
    REQUIRE(all[0].layers.size() == 1);
    REQUIRE(all[1].layers.size() == 2);
    REQUIRE(all[2].layers.size() == 2);
    CHECK(all[1].layers[0].digest == all[0].layers[0].digest);
    CHECK(all[2].layers[0].digest == all[0].layers[0].digest);
    CHECK(all[1].layers[0].path == all[0].layers[0].path);
    auto nginx = read_oci_layout(dir, "nginx-latest");
    REQUIRE(nginx.size() == 1);
    CHECK(nginx[0].manifest_digest == all[1].manifest_digest);
    CHECK(image::parse_config(nginx[0].config_bytes).container_config()["Cmd"] ==
          json::Value::strings({"nginx", "-g", "daemon off;"}));
  }
}

TEST_CASE("detect_layout needs manifest.json or index.json + oci-layout") {
  fs::TempDir tmp;
  CHECK_THROWS_WITH_AS(detect_layout(tmp.path()), has("not an image archive"), Error);
  fs::write_file_atomic(tmp.path() + "/index.json", "{}");
  CHECK_THROWS_WITH_AS(detect_layout(tmp.path()), has("without oci-layout"), Error);
  fs::write_file_atomic(tmp.path() + "/oci-layout", "{}");
  CHECK(detect_layout(tmp.path()) == LayoutKind::Oci);
  fs::write_file_atomic(tmp.path() + "/manifest.json", "[]");
  CHECK(detect_layout(tmp.path()) == LayoutKind::DockerArchive);  // Docker >= 25 writes both
}

TEST_CASE("Docker >= 25 docker-archive: config and layers under blobs/sha256") {
  HandMadeArchive a;
  fs::mkdir_p(a.dir + "/blobs/sha256");
  std::string layer_hex = sha256_hex(a.layer);
  fs::write_file_atomic(a.dir + "/blobs/sha256/" + a.config_hex, a.config);
  fs::write_file_atomic(a.dir + "/blobs/sha256/" + layer_hex, a.layer);
  a.manifest(R"([{"Config":"blobs/sha256/)" + a.config_hex + R"(","RepoTags":["busybox:latest"],"Layers":["blobs/sha256/)" +
             layer_hex + R"("]}])");
  auto images = read_docker_archive(a.dir);
  REQUIRE(images.size() == 1);
  CHECK(images[0].config_digest == "sha256:" + a.config_hex);
  CHECK(images[0].layers[0].path == fs::absolute(a.dir) + "/blobs/sha256/" + layer_hex);

  // and a config blob whose content does not hash to its name
  fs::write_file_atomic(a.dir + "/blobs/sha256/" + a.config_hex, a.config + " ");
  CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("not the one its name claims"), Error);
}

// ---------------------------------------------------------------- hostile

TEST_CASE("hostile docker-archives fail with an error naming the problem") {
  HandMadeArchive a;
  std::string sentinel_dir = a.tmp.path() + "/outside";
  fs::mkdir_p(sentinel_dir);
  fs::write_file_atomic(sentinel_dir + "/secret", "secret");

  SUBCASE("baseline is fine") {
    a.manifest_with_layers(R"(["layer.tar"])");
    auto images = read_docker_archive(a.dir);
    REQUIRE(images.size() == 1);
    CHECK(fs::read_file(images[0].layers[0].path) == a.layer);
  }
  SUBCASE("malformed JSON") {
    a.manifest(R"([{"Config":)");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("malformed manifest.json"), Error);
  }
  SUBCASE("not a list") {
    a.manifest(R"({"Config":"x"})");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("expected a list"), Error);
  }
  SUBCASE("no manifest.json") {
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("manifest.json is missing"), Error);
  }
  SUBCASE("no Config member") {
    a.manifest(R"([{"RepoTags":["busybox:latest"],"Layers":["layer.tar"]}])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir),
                         has("image busybox:latest: no Config file named in manifest.json"), Error);
  }
  SUBCASE("config file missing") {
    ::unlink((a.dir + "/" + a.config_hex + ".json").c_str());
    a.manifest_with_layers(R"(["layer.tar"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir),
                         has("image busybox:latest: config: " + a.config_hex + ".json is missing"), Error);
  }
  SUBCASE("config content does not match its name") {
    std::string wrong = std::string(64, 'a');
    fs::write_file_atomic(a.dir + "/" + wrong + ".json", a.config);
    a.manifest(R"([{"Config":")" + wrong + R"(.json","RepoTags":["busybox:latest"],"Layers":["layer.tar"]}])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir),
                         has("config " + wrong + ".json has digest sha256:" + a.config_hex), Error);
  }
  SUBCASE("config path traversal") {
    a.manifest(R"([{"Config":"../outside/secret","RepoTags":["busybox:latest"],"Layers":["layer.tar"]}])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("../outside/secret points outside the archive"),
                         Error);
  }
  SUBCASE("layer path traversal") {
    a.manifest_with_layers(R"(["../../../../../../etc/passwd"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir),
                         has("image busybox:latest: layer: ../../../../../../etc/passwd points outside the archive"),
                         Error);
  }
  SUBCASE("absolute layer path") {
    a.manifest_with_layers(R"(["/etc/passwd"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("/etc/passwd points outside the archive"), Error);
  }
  SUBCASE("layer symlink pointing outside (relative)") {
    fs::mkdir_p(a.dir + "/abc");
    symlink_or_fail("../../outside/secret", a.dir + "/abc/layer.tar");
    a.manifest_with_layers(R"(["abc/layer.tar"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("abc/layer.tar points outside the archive"), Error);
  }
  SUBCASE("layer symlink pointing outside (absolute)") {
    symlink_or_fail(sentinel_dir + "/secret", a.dir + "/evil.tar");
    a.manifest_with_layers(R"(["evil.tar"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("evil.tar points outside the archive"), Error);
  }
  SUBCASE("directory symlink pointing outside") {
    symlink_or_fail(sentinel_dir, a.dir + "/linkdir");
    a.manifest_with_layers(R"(["linkdir/secret"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("linkdir/secret points outside the archive"),
                         Error);
  }
  SUBCASE("manifest.json itself a symlink outside") {
    symlink_or_fail(sentinel_dir + "/secret", a.dir + "/manifest.json");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("points outside the archive"), Error);
  }
  SUBCASE("layer missing") {
    a.manifest_with_layers(R"(["nope/layer.tar"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("nope/layer.tar is missing from the archive"),
                         Error);
  }
  SUBCASE("layer is a directory") {
    fs::mkdir_p(a.dir + "/adir");
    a.manifest_with_layers(R"(["adir"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("adir is not a regular file"), Error);
  }
  SUBCASE("layer is a fifo (must not hang)") {
    REQUIRE(::mkfifo((a.dir + "/fifo").c_str(), 0644) == 0);
    a.manifest_with_layers(R"(["fifo"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("fifo is not a regular file"), Error);
  }
  SUBCASE("more layers than diff_ids") {
    a.manifest_with_layers(R"(["layer.tar","layer.tar"])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir),
                         has("image busybox:latest: 2 layers but 1 diff_ids in the config"), Error);
  }
  SUBCASE("Layers not a list of strings") {
    a.manifest_with_layers(R"([1])");
    CHECK_THROWS_WITH_AS(read_docker_archive(a.dir), has("Layers holds a non-string entry"), Error);
  }
  SUBCASE("config not JSON") {
    std::string bad = "not json";
    std::string hex = sha256_hex(bad);
    fs::write_file_atomic(a.dir + "/" + hex + ".json", bad);
    a.manifest(R"([{"Config":")" + hex + R"(.json","RepoTags":null,"Layers":["layer.tar"]}])");
    CHECK_THROWS_AS(read_docker_archive(a.dir), Error);
  }
  CHECK(fs::read_file(sentinel_dir + "/secret") == "secret");
}

TEST_CASE("hostile OCI layouts fail with an error naming the problem") {
  fs::TempDir tmp;
  std::string dir = tmp.path() + "/busybox";
  copy_tree(kImages + "/busybox", dir);
  const std::string manifest_hex = "a34ce92094b7b100a98fbd21411a92825f6827b1bc5f6918c253516c90556998";
  const std::string layer_hex = "5c3b447848a98e48dce106cb3e6acbd4fb6f9b26ee778798137349ce01f4d3c1";
  std::string blobs = dir + "/blobs/sha256/";
  std::string outside = tmp.path() + "/outside";
  fs::write_file_atomic(outside, "secret");

  SUBCASE("manifest bytes do not match the descriptor digest") {
    std::string m = fs::read_file(blobs + manifest_hex);
    m[m.size() - 2] = m[m.size() - 2] == ' ' ? '\n' : ' ';
    fs::write_file_atomic(blobs + manifest_hex, m);
    CHECK_THROWS_WITH_AS(read_oci_layout(dir), has("blob sha256:" + manifest_hex + " has digest"), Error);
  }
  SUBCASE("manifest size differs from the descriptor") {
    fs::write_file_atomic(blobs + manifest_hex, fs::read_file(blobs + manifest_hex) + "\n");
    CHECK_THROWS_WITH_AS(read_oci_layout(dir), has("609 bytes, the descriptor says 608"), Error);
  }
  SUBCASE("layer blob missing") {
    ::unlink((blobs + layer_hex).c_str());
    CHECK_THROWS_WITH_AS(read_oci_layout(dir), has("blobs/sha256/" + layer_hex + " is missing"), Error);
  }
  SUBCASE("layer blob truncated") {
    std::string l = fs::read_file(blobs + layer_hex);
    fs::write_file_atomic(blobs + layer_hex, l.substr(0, 100));
    CHECK_THROWS_WITH_AS(read_oci_layout(dir), has("is 100 bytes, the descriptor says 886160"), Error);
  }
  SUBCASE("layer blob is a symlink out of the layout") {
    ::unlink((blobs + layer_hex).c_str());
    symlink_or_fail(outside, blobs + layer_hex);
    CHECK_THROWS_WITH_AS(read_oci_layout(dir), has("points outside the archive"), Error);
  }
  SUBCASE("digest with a path in it") {
    std::string index = fs::read_file(dir + "/index.json");
    auto pos = index.find("sha256:" + manifest_hex);
    index.replace(pos, 7 + 64, "sha256:../../../../outside");
    fs::write_file_atomic(dir + "/index.json", index);
    CHECK_THROWS_AS(read_oci_layout(dir), Error);
  }
  SUBCASE("malformed index.json") {
    fs::write_file_atomic(dir + "/index.json", "{\"manifests\":[");
    CHECK_THROWS_WITH_AS(read_oci_layout(dir), has("index.json"), Error);
  }
  SUBCASE("no oci-layout file") {
    ::unlink((dir + "/oci-layout").c_str());
    CHECK_THROWS_WITH_AS(read_oci_layout(dir), has("oci-layout is missing"), Error);
  }
  CHECK(fs::read_file(outside) == "secret");
}

TEST_CASE("OCI layout: nested index resolved to the host platform, tags from Docker 25 annotations") {
  fs::TempDir tmp;
  std::string dir = tmp.path() + "/layout";
  copy_tree(kImages + "/busybox", dir);
  const std::string manifest_hex = "a34ce92094b7b100a98fbd21411a92825f6827b1bc5f6918c253516c90556998";
  // An image index blob listing the amd64 manifest and a foreign one.
  std::string nested = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
                       R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
                       std::string(64, 'b') +
                       R"(","size":10,"platform":{"architecture":"s390x","os":"linux"}},)"
                       R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
                       manifest_hex + R"(","size":608,"platform":{"architecture":")" +
                       image::host_platform().architecture + R"(","os":"linux"}}]})";
  std::string nested_hex = sha256_hex(nested);
  fs::write_file_atomic(dir + "/blobs/sha256/" + nested_hex, nested);
  // Docker >= 25: ref.name holds only the tag, the full name is containerd's.
  fs::write_file_atomic(dir + "/index.json",
                        R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json",)"
                        R"("digest":"sha256:)" + nested_hex + R"(","size":)" + std::to_string(nested.size()) +
                            R"(,"annotations":{"io.containerd.image.name":"docker.io/library/busybox:latest",)"
                            R"("org.opencontainers.image.ref.name":"latest"}}]})");
  auto images = read_oci_layout(dir);
  REQUIRE(images.size() == 1);
  CHECK(images[0].tags == std::vector<std::string>{"docker.io/library/busybox:latest"});
  CHECK(images[0].manifest_digest == "sha256:" + manifest_hex);
  CHECK(images[0].layers.size() == 1);
  CHECK(read_oci_layout(dir, "latest").size() == 1);
  CHECK(read_oci_layout(dir, "docker.io/library/busybox:latest").size() == 1);
}

// ---------------------------------------------------------------- writing

TEST_CASE("write_docker_archive: Docker's legacy layout, shared layers once, fixed metadata") {
  std::string base = layer_tar("base", std::string(3000, 'x'));
  std::string app = layer_tar("app", "app\n");
  // The base layer is the top of one image and the bottom of the other, so
  // it has two v1 IDs: the second directory links to the first copy.
  std::vector<SaveImage> images = {save_image({base}, {"busybox:latest"}),
                                   save_image({base, app}, {"myimg/httpd:v1", "myimg/httpd:latest"}, "httpd")};
  StringWriter out;
  write_docker_archive(images, out);
  auto entries = list_tar(out.data);

  // sorted walk order, uid/gid 0, modes, mtimes
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(strip_slash(e.name));
  std::map<std::string, int> layer_tars;
  for (const auto& e : entries) {
    CHECK(e.uid == 0);
    CHECK(e.gid == 0);
    std::string n = strip_slash(e.name);
    if (e.type == AE_IFDIR) CHECK(e.mode == 0755);
    if (e.type == AE_IFREG) CHECK(e.mode == 0644);
    CHECK(e.mtime == 0);  // the epoch everywhere, as podman writes
    if (n.ends_with("/layer.tar")) layer_tars[e.link.empty() ? e.content : "link:" + e.link]++;
  }
  // base content once, app content once, one symlink
  CHECK(layer_tars[base] == 1);
  CHECK(layer_tars[app] == 1);
  CHECK(layer_tars.size() == 3);
  CHECK(names.size() == 3 * 4 + 2 + 2);  // 3 layer dirs (dir, VERSION, json, layer.tar), 2 configs, manifest, repositories
  CHECK(names[names.size() - 2] == "manifest.json");
  CHECK(names.back() == "repositories");

  json::Value manifest = json::parse(find_entry(entries, "manifest.json").content);
  REQUIRE(manifest.size() == 2);
  CHECK(manifest[0]["Config"].as_string() == digest_hex(images[0].config_digest) + ".json");
  CHECK(manifest[0]["RepoTags"] == json::Value::strings({"busybox:latest"}));
  CHECK(manifest[1]["RepoTags"] == json::Value::strings({"myimg/httpd:v1", "myimg/httpd:latest"}));
  REQUIRE(manifest[1]["Layers"].size() == 2);
  std::string busybox_top = manifest[0]["Layers"][0].as_string();
  std::string httpd_base = manifest[1]["Layers"][0].as_string();
  std::string httpd_top = manifest[1]["Layers"][1].as_string();
  CHECK(busybox_top != httpd_base);
  CHECK(find_entry(entries, httpd_base).link == "../" + busybox_top);
  CHECK(find_entry(entries, digest_hex(images[1].config_digest) + ".json").content == images[1].config_bytes);

  std::string top_id = httpd_top.substr(0, 64);
  std::string base_id = httpd_base.substr(0, 64);
  CHECK(find_entry(entries, "repositories").content ==
        R"({"busybox":{"latest":")" + busybox_top.substr(0, 64) + R"("},"myimg/httpd":{"latest":")" + top_id +
            R"(","v1":")" + top_id + "\"}}\n");
  CHECK(find_entry(entries, top_id + "/VERSION").content == "1.0");

  // v1 JSON: a lower layer exactly as Docker writes it; the top layer
  // carries the image's config, with Go's HTML escaping.
  CHECK(find_entry(entries, base_id + "/json").content ==
        R"({"id":")" + base_id +
            R"(","created":"1970-01-01T00:00:00Z","container_config":{"Hostname":"","Domainname":"","User":"",)"
            R"("AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,)"
            R"("StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,)"
            R"("OnBuild":null,"Labels":null},"os":"linux"})");
  json::Value top = json::parse(find_entry(entries, top_id + "/json").content);
  CHECK(top["id"].as_string() == top_id);
  CHECK(top["parent"].as_string() == base_id);
  CHECK(top["created"].as_string() == "2024-01-02T03:04:05Z");
  CHECK(top["config"]["Cmd"] == json::Value::strings({"httpd"}));
  CHECK(find_entry(entries, top_id + "/json").content.find(R"("A=\u003cb\u003e\u0026c")") != std::string::npos);
}

TEST_CASE("write_docker_archive is deterministic and base layer IDs do not depend on the image") {
  std::string base = layer_tar("base", "base\n");
  auto a = save_image({base, layer_tar("a", "a")}, {"a:1"}, "a", "2020-01-01T00:00:00Z");
  auto b = save_image({base, layer_tar("b", "b")}, {"b:1"}, "b", "2021-01-01T00:00:00Z");
  StringWriter one, two, separate_a, separate_b;
  write_docker_archive({a, b}, one);
  write_docker_archive({a, b}, two);
  CHECK(one.data == two.data);
  write_docker_archive({a}, separate_a);
  write_docker_archive({b}, separate_b);
  auto layers_of = [](const std::string& tar) {
    return json::parse(find_entry(list_tar(tar), "manifest.json").content)[0]["Layers"];
  };
  // Same base layer, lower in both: same directory (so it is written once).
  CHECK(layers_of(separate_a.data)[0] == layers_of(separate_b.data)[0]);
  CHECK(layers_of(separate_a.data)[1] != layers_of(separate_b.data)[1]);
  int base_copies = 0;
  for (const auto& e : list_tar(one.data))
    if (e.content == base) base_copies++;
  CHECK(base_copies == 1);
}

TEST_CASE("write_docker_archive: untagged image, bad input") {
  auto img = save_image({layer_tar("f", "x")}, {});
  StringWriter out;
  write_docker_archive({img}, out);
  auto entries = list_tar(out.data);
  CHECK(json::parse(find_entry(entries, "manifest.json").content)[0]["RepoTags"].is_null());
  for (const auto& e : entries) CHECK(strip_slash(e.name) != "repositories");

  auto wrong_id = img;
  wrong_id.config_digest = sha256_digest("other");
  CHECK_THROWS_WITH_AS(write_docker_archive({wrong_id}, out), has("does not match image ID"), Error);
  auto extra_layer = img;
  extra_layer.layers.push_back(save_layer(layer_tar("g", "y")));
  CHECK_THROWS_WITH_AS(write_docker_archive({extra_layer}, out), has("2 layers but 1 diff_ids"), Error);
  auto short_layer = img;
  short_layer.layers[0].size += 1;  // the reader then yields fewer bytes than promised
  StringWriter sink;
  CHECK_THROWS_AS(write_docker_archive({short_layer}, sink), Error);
  CHECK_THROWS_AS(write_docker_archive({}, out), Error);
}

TEST_CASE("docker-archive round trip: write, unpack, read gives the same config and layer bytes") {
  std::string base = layer_tar("base", std::string(100000, 'b'));
  std::string app = layer_tar("app", "app\n");
  std::vector<SaveImage> images = {save_image({base}, {"busybox:latest"}),
                                   save_image({base, app}, {"myimg/httpd:v1", "localhost/x/y:z"})};
  StringWriter out;
  write_docker_archive(images, out);
  fs::TempDir tmp;
  StringReader in(out.data);
  unpack_archive(in, tmp.path());
  CHECK(detect_layout(tmp.path()) == LayoutKind::DockerArchive);
  auto read = read_docker_archive(tmp.path());
  REQUIRE(read.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(read[i].config_bytes == images[i].config_bytes);
    CHECK(read[i].config_digest == images[i].config_digest);
    REQUIRE(read[i].layers.size() == images[i].layers.size());
  }
  CHECK(read[0].tags == std::vector<std::string>{"busybox:latest"});
  CHECK(read[1].tags == std::vector<std::string>{"myimg/httpd:v1", "localhost/x/y:z"});
  CHECK(fs::read_file(read[0].layers[0].path) == base);
  CHECK(fs::read_file(read[1].layers[0].path) == base);
  CHECK(fs::read_file(read[1].layers[1].path) == app);
  // the symlinked copy resolves to the one real file
  CHECK(read[1].layers[0].path == read[0].layers[0].path);
}

TEST_CASE("docker-archive round trip of the real busybox image from podman's archive") {
  fs::TempDir tmp;
  std::string dir = unpack_fixture(tmp, kPodmanDockerArchive);
  auto src = read_docker_archive(dir);
  REQUIRE(src.size() == 1);
  SaveImage img;
  img.config_bytes = src[0].config_bytes;
  img.config_digest = src[0].config_digest;
  img.tags = {"busybox:latest", "myimg/httpd:v1"};
  std::string layer_path = src[0].layers[0].path;
  SaveLayer layer;
  layer.diff_id = kBusyboxDiffId;
  layer.size = static_cast<uint64_t>(src[0].layers[0].size);
  layer.open = [layer_path] {
    UniqueFd fd(::open(layer_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw Error("open " + layer_path);
    return std::make_unique<FdReader>(std::move(fd), layer_path);
  };
  img.layers.push_back(layer);

  std::string file = tmp.path() + "/saved.tar";
  {
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    REQUIRE(fd.valid());
    FdWriter w(fd.get(), file);
    write_docker_archive({img}, w);
  }
  std::string again = tmp.path() + "/again";
  fs::mkdir_p(again);
  unpack_file(file, again);
  auto back = read_docker_archive(again);
  REQUIRE(back.size() == 1);
  CHECK(back[0].config_digest == kBusyboxConfig);
  CHECK(back[0].tags == img.tags);
  CHECK(sha256_file_digest(back[0].layers[0].path) == kBusyboxDiffId);
}

TEST_CASE("write_oci_archive: layout podman-style, round trip through read_oci_layout") {
  std::string base = layer_tar("base", "base\n");
  std::string app = layer_tar("app", "app\n");
  std::vector<SaveImage> images = {save_image({base}, {"busybox:latest"}),
                                   save_image({base, app}, {"myimg/httpd:v1", "myimg/httpd:latest"}, "httpd"),
                                   save_image({app}, {})};
  StringWriter out;
  write_oci_archive(images, out);
  auto entries = list_tar(out.data);
  std::vector<std::string> names;
  for (const auto& e : entries) {
    names.push_back(strip_slash(e.name));
    CHECK(e.uid == 0);
    CHECK(e.gid == 0);
  }
  CHECK(names[0] == "blobs");
  CHECK(names[1] == "blobs/sha256");
  CHECK(names[names.size() - 2] == "index.json");
  CHECK(names.back() == "oci-layout");
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(find_entry(entries, "oci-layout").content == R"({"imageLayoutVersion": "1.0.0"})");
  int base_copies = 0;
  for (const auto& e : entries)
    if (e.content == base) base_copies++;
  CHECK(base_copies == 1);

  json::Value index = json::parse(find_entry(entries, "index.json").content);
  REQUIRE(index["manifests"].size() == 4);  // one per tag, one for the untagged image
  CHECK(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"].as_string() ==
        "docker.io/library/busybox:latest");
  CHECK(index["manifests"][1]["annotations"]["org.opencontainers.image.ref.name"].as_string() ==
        "docker.io/myimg/httpd:v1");
  CHECK(index["manifests"][1]["digest"] == index["manifests"][2]["digest"]);
  CHECK(index["manifests"][3]["annotations"].is_null());

  fs::TempDir tmp;
  StringReader in(out.data);
  unpack_archive(in, tmp.path());
  CHECK(detect_layout(tmp.path()) == LayoutKind::Oci);
  auto read = read_oci_layout(tmp.path());
  REQUIRE(read.size() == 3);
  CHECK(read[0].tags == std::vector<std::string>{"docker.io/library/busybox:latest"});
  CHECK(read[1].tags == std::vector<std::string>{"docker.io/myimg/httpd:v1", "docker.io/myimg/httpd:latest"});
  CHECK(read[2].tags.empty());
  for (size_t i = 0; i < 3; ++i) {
    CHECK(read[i].config_bytes == images[i].config_bytes);
    CHECK(read[i].config_digest == images[i].config_digest);
    REQUIRE(read[i].layers.size() == images[i].layers.size());
    for (size_t j = 0; j < read[i].layers.size(); ++j) {
      CHECK(read[i].layers[j].digest == images[i].layers[j].diff_id);
      CHECK(read[i].layers[j].media_type == "application/vnd.oci.image.layer.v1.tar");
      CHECK(sha256_file_digest(read[i].layers[j].path) == images[i].layers[j].diff_id);
    }
  }
  auto one = read_oci_layout(tmp.path(), "docker.io/myimg/httpd:latest");
  REQUIRE(one.size() == 1);
  CHECK(one[0].config_digest == images[1].config_digest);
}

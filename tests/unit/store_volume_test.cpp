// The volume store: names, records, create/list/remove, the in-use check
// and the copy-up from image layers.
#include "kayak/store/context.hpp"
#include "kayak/store/volume.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>

using namespace kayak;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

struct Fixture {
  fs::TempDir dir;
  store::Context ctx{store::StorePaths{dir.path() + "/root", dir.path() + "/run"}};
  store::VolumeStore volumes{dir.path() + "/root"};

  void write_container(const std::string& id, const std::string& mounts_json) {
    std::string cdir = dir.path() + "/root/containers/" + id;
    fs::mkdir_p(cdir);
    fs::write_file_atomic(cdir + "/config.json", "{\"id\":\"" + id + "\",\"mounts\":" + mounts_json + "}");
  }
};

}  // namespace

TEST_CASE("volume names follow Docker's local driver") {
  store::validate_volume_name("ab");
  store::validate_volume_name("my_vol-1.2");
  std::string expected = "create -x: \"-x\" includes invalid characters for a local volume name, only "
                         "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path";
  CHECK(error_of([] { store::validate_volume_name("-x"); }) == expected);
  for (const char* bad : {"", "a", ".x", "a/b", "a b", "a:b", "_a"}) {
    CHECK(error_of([&] { store::validate_volume_name(bad); }) != "(no error)");
  }
}

TEST_CASE("create, get, list, remove") {
  Fixture f;
  store::VolumeStore::CreateOptions options;
  options.name = "data";
  options.labels = {{"k", "v"}};
  auto record = f.volumes.create(options);
  CHECK(record.name == "data");
  CHECK(record.mountpoint == f.dir.path() + "/root/volumes/data/_data");
  CHECK(fs::is_dir(record.mountpoint));
  CHECK(record.created_at.size() == 20);  // 2024-01-02T03:04:05Z
  CHECK_FALSE(record.anonymous);

  // Creating an existing name returns it unchanged, as Docker does.
  options.labels.clear();
  CHECK(f.volumes.create(options).labels.size() == 1);

  auto anon = f.volumes.create({});
  CHECK(anon.name.size() == 64);
  CHECK(anon.name.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(anon.anonymous);
  CHECK(anon.has_label(store::kAnonymousVolumeLabel));

  auto all = f.volumes.list();
  REQUIRE(all.size() == 2);
  CHECK(all[0].name < all[1].name);
  CHECK(f.volumes.get("data").labels == std::vector<std::pair<std::string, std::string>>{{"k", "v"}});
  CHECK(error_of([&] { f.volumes.get("nope"); }) == "No such volume: nope");

  fs::write_file_atomic(record.mountpoint + "/file", "12345");
  CHECK(f.volumes.remove(f.ctx, "data") == 5);
  CHECK_FALSE(f.volumes.exists("data"));
  CHECK_FALSE(fs::exists(f.dir.path() + "/root/volumes/data"));
  CHECK(error_of([&] { f.volumes.remove(f.ctx, "data"); }) == "get data: no such volume");
}

TEST_CASE("a volume a container mounts is in use") {
  Fixture f;
  store::VolumeStore::CreateOptions options;
  options.name = "shared";
  f.volumes.create(options);
  std::string a(64, 'a'), b(64, 'b');
  f.write_container(a, R"([{"type":"volume","source":"shared","destination":"/x"}])");
  f.write_container(b, R"([{"type":"bind","source":"shared","destination":"/y"},)"
                       R"({"type":"volume","source":"shared","destination":"/z"}])");
  auto users = store::volume_users(f.dir.path() + "/root");
  CHECK(users["shared"] == std::vector<std::string>{a, b});
  CHECK(error_of([&] { f.volumes.remove(f.ctx, "shared"); }) ==
        "remove shared: volume is in use - [" + a + ", " + b + "]");
  fs::remove_tree(f.dir.path() + "/root/containers/" + a);
  fs::remove_tree(f.dir.path() + "/root/containers/" + b);
  f.volumes.remove(f.ctx, "shared");
}

TEST_CASE("populate copies the union of the layers once") {
  Fixture f;
  std::string base = f.dir.path() + "/l1", mid = f.dir.path() + "/l2", top = f.dir.path() + "/l3";
  fs::mkdir_p(base + "/data/sub");
  fs::write_file_atomic(base + "/data/keep", "base");
  fs::write_file_atomic(base + "/data/gone", "x");
  fs::write_file_atomic(base + "/data/sub/old", "x");
  fs::mkdir_p(mid + "/data/sub");
  fs::write_file_atomic(mid + "/data/.wh.gone", "");
  fs::write_file_atomic(mid + "/data/sub/.wh..wh..opq", "");
  fs::write_file_atomic(mid + "/data/sub/new", "mid");
  REQUIRE(::symlink("keep", (mid + "/data/link").c_str()) == 0);
  fs::mkdir_p(top + "/data");
  fs::write_file_atomic(top + "/data/keep", "top", 0640);
  ::chmod((top + "/data").c_str(), 0751);

  auto record = f.volumes.create({});
  CHECK(f.volumes.populate(f.ctx, record.name, {base, mid, top}, "/data"));
  std::string data = record.mountpoint;
  CHECK(fs::read_file(data + "/keep") == "top");
  CHECK_FALSE(fs::exists(data + "/gone"));
  CHECK_FALSE(fs::exists(data + "/sub/old"));
  CHECK(fs::read_file(data + "/sub/new") == "mid");
  char target[16] = {};
  CHECK(::readlink((data + "/link").c_str(), target, sizeof target) == 4);
  struct stat st;
  REQUIRE(::stat((data + "/keep").c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0640);
  REQUIRE(::stat(data.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0751);

  // Once only: a second populate (a second container) copies nothing.
  fs::remove_tree(data + "/keep");
  CHECK_FALSE(f.volumes.populate(f.ctx, record.name, {base, mid, top}, "/data"));
  CHECK_FALSE(fs::exists(data + "/keep"));
}

TEST_CASE("populate: a whited-out or replaced path hides lower layers") {
  Fixture f;
  std::string base = f.dir.path() + "/l1", top = f.dir.path() + "/l2";
  fs::mkdir_p(base + "/data");
  fs::write_file_atomic(base + "/data/old", "x");
  fs::mkdir_p(top);
  fs::write_file_atomic(top + "/.wh.data", "");
  auto record = f.volumes.create({});
  CHECK_FALSE(f.volumes.populate(f.ctx, record.name, {base, top}, "/data"));
  CHECK(fs::list_dir(record.mountpoint).empty());

  // A symlink in a layer is not followed (nor is what is below it copied).
  std::string link_layer = f.dir.path() + "/l3";
  fs::mkdir_p(link_layer);
  REQUIRE(::symlink("/etc", (link_layer + "/data").c_str()) == 0);
  auto second = f.volumes.create({});
  CHECK_FALSE(f.volumes.populate(f.ctx, second.name, {base, link_layer}, "/data"));
  CHECK(fs::list_dir(second.mountpoint).empty());
}

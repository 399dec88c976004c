#include "kayak/store/ingest.hpp"
#include "kayak/store/paths.hpp"
#include "kayak/store/store.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/sha256.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace kayak;

namespace {

std::string hex_of(char c) { return std::string(64, c); }

store::ImageRecord make_image(store::Store& s, const std::string& config, std::vector<std::string> layers) {
  store::ImageRecord image;
  image.id = digest_hex(s.put_blob(config));
  image.layers = std::move(layers);
  image.created = "2024-01-01T00:00:00Z";
  s.write_image(image);
  return image;
}

void make_layer(store::Store& s, const std::string& chain, const std::string& blob_content) {
  fs::TempDir staged(s.tmp_dir(), "t-");
  fs::mkdir_p(fs::join(staged.path(), "diff/etc"));
  fs::write_file_atomic(fs::join(staged.path(), "diff/etc/file"), "x");
  store::LayerRecord record;
  record.id = chain;
  record.diff_id = "sha256:" + chain;
  record.blob_digest = s.put_blob(blob_content);
  s.commit_layer(staged.path(), record);
  staged.release();
}

}  // namespace

TEST_CASE("paths: flag beats environment beats default") {
  ::setenv("KAYAK_ROOT", "/env/root", 1);
  ::setenv("KAYAK_RUNROOT", "/env/run", 1);
  auto p = store::resolve_paths("/flag/root", "");
  CHECK(p.root == "/flag/root");
  CHECK(p.runroot == "/env/run");
  ::unsetenv("KAYAK_ROOT");
  ::unsetenv("KAYAK_RUNROOT");
  ::setenv("XDG_DATA_HOME", "/xdg/data", 1);
  ::setenv("XDG_RUNTIME_DIR", "/nonexistent-runtime-dir", 1);
  auto d = store::resolve_paths("", "");
  if (::geteuid() == 0) {
    CHECK(d.root == "/var/lib/kayak");
    CHECK(d.runroot == "/run/kayak");
  } else {
    CHECK(d.root == "/xdg/data/kayak");
    // An unusable XDG_RUNTIME_DIR falls back to the same place every time.
    CHECK(d.runroot == "/tmp/kayak-" + std::to_string(::geteuid()));
  }
  ::unsetenv("XDG_DATA_HOME");
  ::unsetenv("XDG_RUNTIME_DIR");
}

TEST_CASE("names resolve by name, short name, ID and ID prefix") {
  fs::TempDir dir;
  store::Store s({dir.path(), dir.path() + "/run"});
  auto image = make_image(s, "{\"a\":1}", {});
  s.write_names({{"docker.io/library/busybox:latest", image.id}, {"localhost/myimg/httpd:v1", image.id}});
  CHECK(s.resolve_image("busybox").id == image.id);
  CHECK(s.resolve_image("docker.io/library/busybox:latest").id == image.id);
  CHECK(s.resolve_image("myimg/httpd:v1").id == image.id);
  CHECK(s.resolve_image(image.id).id == image.id);
  CHECK(s.resolve_image("sha256:" + image.id).id == image.id);
  CHECK(s.resolve_image(image.id.substr(0, 5)).id == image.id);
  CHECK(s.image(image.id)->names.size() == 2);
  // NotFoundError, so rmi can tell a missing image (exit 1) from others.
  CHECK_THROWS_WITH_AS(s.resolve_image("nope"), "No such image: nope", NotFoundError);
  bool thrown = false;
  try {
    s.resolve_image("nope:1");
  } catch (const Error& e) {
    thrown = true;
    CHECK(e.exit_code() == 125);
  }
  CHECK(thrown);
}

TEST_CASE("assign_name moves a tag to the new image") {
  store::Names names{{"docker.io/library/a:latest", "1"}, {"docker.io/library/b:latest", "1"}};
  store::assign_name(names, "docker.io/library/a:latest", "2");
  REQUIRE(names.size() == 2);
  CHECK(names[0].first == "docker.io/library/b:latest");
  CHECK(names[1] == std::pair<std::string, std::string>{"docker.io/library/a:latest", "2"});
}

TEST_CASE("garbage collection keeps what another image references") {
  fs::TempDir dir;
  store::Store s({dir.path(), dir.path() + "/run"});
  make_layer(s, hex_of('a'), "blob-a");
  make_layer(s, hex_of('b'), "blob-b");
  auto one = make_image(s, "{\"one\":1}", {hex_of('a'), hex_of('b')});
  auto two = make_image(s, "{\"two\":2}", {hex_of('a')});
  s.delete_image_record(one.id);
  auto garbage = s.collect_garbage(one.layers, {one.config_digest()});
  CHECK(garbage.layers == std::vector<std::string>{hex_of('b')});
  CHECK(s.has_layer(hex_of('a')));
  CHECK_FALSE(s.has_layer(hex_of('b')));
  CHECK(s.has_blob(sha256_digest("blob-a")));
  CHECK_FALSE(s.has_blob(sha256_digest("blob-b")));
  CHECK_FALSE(s.has_blob(one.config_digest()));
  CHECK(s.has_blob(two.config_digest()));
}

TEST_CASE("the next writer sweeps an interrupted change and stale staging dirs") {
  fs::TempDir dir;
  store::Store s({dir.path(), dir.path() + "/run"});
  make_layer(s, hex_of('c'), "blob-c");
  s.mark_incomplete({hex_of('c')}, {});
  // A staging dir whose owner died: its lock file is not held.
  fs::mkdir_p(fs::join(s.tmp_dir(), "load-dead"));
  fs::write_file_atomic(fs::join(s.tmp_dir(), "load-dead.lock"), "");
  // A directory left without any lock file (a crash while deleting a layer).
  fs::mkdir_p(fs::join(s.tmp_dir(), "deleted-abc/diff"));
  {
    store::StagingDir alive(s.tmp_dir(), "load");
    FileLock lock = s.lock_exclusive();
    CHECK(fs::exists(alive.path()));
    CHECK(fs::list_dir(s.tmp_dir()).size() == 2);  // alive and its lock
  }
  CHECK_FALSE(s.has_layer(hex_of('c')));
  CHECK_FALSE(fs::exists(fs::join(dir.path(), "incomplete.json")));
  CHECK(fs::list_dir(s.tmp_dir()).empty());
}

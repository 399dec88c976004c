// EagerLayers: layers extracted by child processes while an image archive
// unpacks, claimed only for the very file that was streamed.
#include "archive_test_support.hpp"

#include "kayak/archive/image_archive.hpp"
#include "kayak/store/eager_layers.hpp"
#include "kayak/util/sha256.hpp"

#include "kayak/store/layer_blob.hpp"

#include <sys/stat.h>

using namespace kayak;
using kayak::test::StringReader;
using kayak::test::TarBuilder;

namespace {

std::string layer_tar() {
  // Bigger than one write block, so the content reaches the child in pieces.
  return TarBuilder()
      .dir("etc")
      .file("etc/hostname", "eager\n")
      .file("big", std::string(300000, 'x'))
      .symlink("link", "etc/hostname")
      .finish();
}

std::string outer_archive(const std::string& layer) {
  return TarBuilder()
      .dir("l")
      .file("l/layer.tar", layer)
      .file("config.json", std::string(2000, ' ') + "{}")  // big enough to be looked at, not a layer
      .file("short", "tiny")
      .finish();
}

struct Unpacked {
  fs::TempDir tmp{"/tmp", "eager-test-"};
  std::string dir = fs::join(tmp.path(), "archive");
  store::EagerLayers eager{fs::join(tmp.path(), "eager"), archive::ExtractOptions{}};

  explicit Unpacked(const std::string& archive_bytes) {
    fs::mkdir_p(dir, 0700);
    StringReader in(archive_bytes, 4096);
    archive::unpack_archive(in, dir, [&](const std::string& path) { return eager.tap(path); });
    eager.finish();
  }
};

}  // namespace

TEST_CASE("eager layers: a layer blob is extracted by a child and claimed once") {
  std::string layer = layer_tar();
  Unpacked u(outer_archive(layer));
  std::string blob = fs::join(u.dir, "l/layer.tar");
  CHECK(fs::read_file(blob) == layer);

  std::optional<store::EagerLayer> got = u.eager.claim(blob);
  REQUIRE(got);
  CHECK(got->result->diff_id == sha256_digest(layer));
  CHECK(got->result->blob_digest == sha256_digest(layer));
  CHECK(got->result->blob_size == layer.size());
  CHECK(got->result->tar_size == layer.size());
  CHECK(fs::read_file(fs::join(got->diff_dir, "etc/hostname")) == "eager\n");
  CHECK(fs::read_file(fs::join(got->diff_dir, "big")).size() == 300000);
  struct stat st {};
  REQUIRE(::lstat(fs::join(got->diff_dir, "link").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));

  CHECK_FALSE(u.eager.claim(blob));  // once only
  CHECK_FALSE(u.eager.claim(fs::join(u.dir, "config.json")));
  CHECK_FALSE(u.eager.claim(fs::join(u.dir, "short")));
}

TEST_CASE("eager layers: a file replaced later in the archive is not claimed for the new content") {
  std::string first = layer_tar();
  std::string second = TarBuilder().file("other", std::string(1000, 'y')).finish();
  std::string archive = TarBuilder().file("layer.tar", first).file("layer.tar", second).finish();
  Unpacked u(archive);
  std::string blob = fs::join(u.dir, "layer.tar");
  CHECK(fs::read_file(blob) == second);
  std::optional<store::EagerLayer> got = u.eager.claim(blob);
  // Only an extraction of the file now on disk may be handed out.
  REQUIRE(got);
  CHECK(got->result->diff_id == sha256_digest(second));
  CHECK(fs::exists(fs::join(got->diff_dir, "other")));
}

TEST_CASE("eager layers: a corrupt layer yields nothing to claim") {
  std::string layer = layer_tar();
  layer.resize(layer.size() / 2);  // truncated in the middle of "big"
  Unpacked u(outer_archive(layer));
  CHECK_FALSE(u.eager.claim(fs::join(u.dir, "l/layer.tar")));
}

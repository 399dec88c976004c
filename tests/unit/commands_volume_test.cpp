// What container create/rm get from the volume commands: volumes made on
// demand, filled from the image once, anonymous ones removed with the
// container.
#include "kayak/commands/mount_flags.hpp"
#include "kayak/commands/volume.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

using namespace kayak;

TEST_CASE("prepare_volumes creates, names and fills volumes; remove_anonymous_volumes removes") {
  fs::TempDir dir;
  store::Context ctx(store::StorePaths{dir.path() + "/root", dir.path() + "/run"});
  store::VolumeStore volumes(dir.path() + "/root");
  std::string layer = dir.path() + "/layer";
  fs::mkdir_p(layer + "/etc/app");
  fs::write_file_atomic(layer + "/etc/app/conf", "from image");
  fs::mkdir_p(layer + "/cache");
  fs::write_file_atomic(layer + "/cache/c", "cached");

  std::vector<store::MountSpec> mounts = {
    commands::parse_volume_flag("named:/etc/app"),
    commands::parse_volume_flag("bare:/etc/app2:nocopy"),
  };
  mounts.push_back(commands::parse_mount_flag("type=volume,dst=/cache,volume-nocopy"));
  commands::add_image_volumes(mounts, {"/etc/app", "/srv"});
  REQUIRE(mounts.size() == 4);
  commands::prepare_volumes(ctx, mounts, {layer});

  CHECK(mounts[0].source == "named");
  CHECK(fs::read_file(volumes.data_dir("named") + "/conf") == "from image");
  CHECK(volumes.exists("bare"));
  CHECK(fs::list_dir(volumes.data_dir("bare")).empty());
  REQUIRE(mounts[2].source.size() == 64);
  CHECK(fs::list_dir(volumes.data_dir(mounts[2].source)).empty());  // nocopy
  CHECK(volumes.get(mounts[2].source).anonymous);
  REQUIRE(mounts[3].source.size() == 64);
  CHECK(mounts[3].destination == "/srv");
  CHECK(volumes.get(mounts[3].source).has_label(store::kAnonymousVolumeLabel));

  // A second container on the same named volume keeps what is in it.
  fs::write_file_atomic(volumes.data_dir("named") + "/conf", "changed");
  std::vector<store::MountSpec> again = {commands::parse_volume_flag("named:/etc/app")};
  commands::prepare_volumes(ctx, again, {layer});
  CHECK(fs::read_file(volumes.data_dir("named") + "/conf") == "changed");

  store::remove_anonymous_volumes(ctx, mounts);
  CHECK_FALSE(volumes.exists(mounts[2].source));
  CHECK_FALSE(volumes.exists(mounts[3].source));
  CHECK(volumes.exists("named"));
  CHECK(volumes.exists("bare"));
}

// -v, --mount and --tmpfs parsing: every form and every error, with
// Docker's texts.
#include "kayak/commands/mount_flags.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"

#include <doctest/doctest.h>

#include <unistd.h>

using namespace kayak;
using commands::parse_mount_flag;
using commands::parse_tmpfs_flag;
using commands::parse_volume_flag;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string volume_error(const std::string& value) { return error_of([&] { parse_volume_flag(value); }); }
std::string mount_error(const std::string& value) { return error_of([&] { parse_mount_flag(value); }); }

std::vector<std::string> opts(std::initializer_list<const char*> words) { return {words.begin(), words.end()}; }

}  // namespace

TEST_CASE("-v HOST:CTR is a bind; options are kept, rw/ro become read_only") {
  auto m = parse_volume_flag("/srv/data:/data");
  CHECK(m.type == "bind");
  CHECK(m.source == "/srv/data");
  CHECK(m.destination == "/data");
  CHECK_FALSE(m.read_only);
  CHECK_FALSE(m.anonymous);
  CHECK(m.options.empty());

  m = parse_volume_flag("/srv//data/:/data/x/../y/:ro,Z,rslave");
  CHECK(m.source == "/srv/data");
  CHECK(m.destination == "/data/y");
  CHECK(m.read_only);
  CHECK(m.options == opts({"Z", "rslave"}));

  m = parse_volume_flag("/a:/b:rw,z,cached");
  CHECK_FALSE(m.read_only);
  CHECK(m.options == opts({"z", "cached"}));
}

TEST_CASE("-v ./dir and . are relative to the current directory") {
  fs::TempDir dir;
  char old[4096];
  REQUIRE(::getcwd(old, sizeof old));
  REQUIRE(::chdir(dir.path().c_str()) == 0);
  auto m = parse_volume_flag("./sub:/x");
  auto dot = parse_volume_flag(".:/y");
  REQUIRE(::chdir(old) == 0);
  CHECK(m.type == "bind");
  CHECK(m.source == commands::clean_path(dir.path() + "/sub"));
  CHECK(dot.source == commands::clean_path(dir.path()));
}

TEST_CASE("-v NAME:CTR is a named volume, -v /CTR an anonymous one") {
  auto m = parse_volume_flag("data:/var/lib/data:ro,nocopy");
  CHECK(m.type == "volume");
  CHECK(m.source == "data");
  CHECK(m.destination == "/var/lib/data");
  CHECK(m.read_only);
  CHECK_FALSE(m.anonymous);
  CHECK(m.options == opts({"nocopy"}));

  m = parse_volume_flag("/cache");
  CHECK(m.type == "volume");
  CHECK(m.source.empty());
  CHECK(m.anonymous);
  CHECK(m.destination == "/cache");
}

TEST_CASE("-v errors read as Docker's") {
  CHECK(volume_error("") == "invalid empty volume spec");
  CHECK(volume_error(":/x") == "invalid volume specification: ':/x'");
  CHECK(volume_error("/a:/b:ro:extra") == "invalid volume specification: '/a:/b:ro:extra'");
  CHECK(volume_error("/foo:rw") == "invalid volume specification: '/foo:rw'");
  CHECK(volume_error("/a:/b:bogus") == "invalid mode: bogus");
  CHECK(volume_error("/a:/b:ro,rw") == "invalid mode: ro,rw");
  CHECK(volume_error("/a:/b:z,Z") == "invalid mode: z,Z");
  CHECK(volume_error("/a:/b:shared,slave") == "invalid mode: shared,slave");
  // Podman's U (chown to the container user) is not Docker's.
  CHECK(volume_error("/a:/b:U") == "invalid mode: U");
  CHECK(volume_error("/a:b") ==
        "invalid volume specification: '/a:b': invalid mount config for type \"bind\": "
        "invalid mount path: 'b' mount path must be absolute");
  CHECK(volume_error("relative") ==
        "invalid volume specification: 'relative': invalid mount config for type \"volume\": "
        "invalid mount path: 'relative' mount path must be absolute");
  CHECK(volume_error("/a:/") ==
        "invalid volume specification: '/a:/': invalid mount config for type \"bind\": "
        "invalid specification: destination can't be '/'");
  // An empty second part counts as an (empty) mode, so the spec is invalid.
  CHECK(volume_error("/a:") == "invalid volume specification: '/a:'");
  CHECK(volume_error("/a:/b:nocopy") ==
        "invalid volume specification: '/a:/b:nocopy': invalid mount config for type \"bind\": "
        "field VolumeOptions must not be specified");
  CHECK(volume_error("vol:/b:rshared") ==
        "invalid volume specification: 'vol:/b:rshared': invalid mount config for type \"volume\": "
        "field BindOptions must not be specified");
  CHECK(volume_error("foo/bar:/x") ==
        "create foo/bar: \"foo/bar\" includes invalid characters for a local volume name, only "
        "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
  CHECK(volume_error("x:/x") ==
        "create x: \"x\" includes invalid characters for a local volume name, only "
        "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
}

TEST_CASE("--mount: the three types, key spellings, defaults") {
  auto m = parse_mount_flag("type=bind,source=/srv,target=/data,readonly,bind-propagation=rshared");
  CHECK(m.type == "bind");
  CHECK(m.source == "/srv");
  CHECK(m.destination == "/data");
  CHECK(m.read_only);
  CHECK(m.options == opts({"rshared"}));

  m = parse_mount_flag("type=bind,src=/srv,dst=/d,ro=false");
  CHECK(m.source == "/srv");
  CHECK(m.destination == "/d");
  CHECK_FALSE(m.read_only);
  m = parse_mount_flag("TYPE=BIND,Src=/srv,destination=/d,RO=1");
  CHECK(m.type == "bind");
  CHECK(m.read_only);

  // type defaults to volume, as in Docker.
  m = parse_mount_flag("source=data,target=/data,volume-nocopy");
  CHECK(m.type == "volume");
  CHECK(m.source == "data");
  CHECK_FALSE(m.anonymous);
  CHECK(m.options == opts({"nocopy"}));
  m = parse_mount_flag("type=volume,target=/anon,volume-nocopy=false");
  CHECK(m.anonymous);
  CHECK(m.options.empty());

  m = parse_mount_flag("type=tmpfs,target=/run,tmpfs-size=64m,tmpfs-mode=1770");
  CHECK(m.type == "tmpfs");
  CHECK(m.source.empty());
  CHECK(m.options == opts({"size=64m", "mode=1770"}));
  m = parse_mount_flag("type=tmpfs,dst=/t,tmpfs-size=1000,ro");
  CHECK(m.options == opts({"size=1000"}));
  CHECK(m.read_only);
  m = parse_mount_flag("type=tmpfs,dst=/t,tmpfs-size=2g");
  CHECK(m.options == opts({"size=2g"}));
  m = parse_mount_flag("type=tmpfs,dst=/t,tmpfs-size=1.5k");
  CHECK(m.options == opts({"size=1536"}));
}

TEST_CASE("--mount values are CSV, with quotes as Docker reads them") {
  auto m = parse_mount_flag("type=bind,\"source=/a,b\",target=/x");
  CHECK(m.source == "/a,b");
  m = parse_mount_flag("type=bind,source=/q,\"target=/say \"\"hi\"\"\"");
  CHECK(m.destination == "/say \"hi\"");
  CHECK(mount_error("type=bind,source=/a\"b,target=/x") ==
        "invalid argument \"type=bind,source=/a\"b,target=/x\" for \"--mount\" flag: "
        "parse error on line 1, column 20: bare \" in non-quoted field");
  CHECK(mount_error("\"type=bind,target=/x") ==
        "invalid argument \"\"type=bind,target=/x\" for \"--mount\" flag: "
        "parse error on line 1, column 21: extraneous or missing \" in quoted-field");
  CHECK(mount_error("") == "invalid argument \"\" for \"--mount\" flag: EOF");
}

TEST_CASE("--mount errors read as Docker's") {
  auto flag = [](const std::string& value, const std::string& why) {
    return "invalid argument \"" + value + "\" for \"--mount\" flag: " + why;
  };
  CHECK(mount_error("type=bind,source=/a") == flag("type=bind,source=/a", "target is required"));
  CHECK(mount_error("type=,target=/a") == flag("type=,target=/a", "type is required"));
  CHECK(mount_error("type=bind,target=/a,bogus") ==
        flag("type=bind,target=/a,bogus", "invalid field 'bogus' must be a key=value pair"));
  CHECK(mount_error("type=bind,target=/a,colour=red") ==
        flag("type=bind,target=/a,colour=red", "unexpected key 'colour' in 'colour=red'"));
  CHECK(mount_error("type=bind,src=/a,target=/a,readonly=maybe") ==
        flag("type=bind,src=/a,target=/a,readonly=maybe", "invalid value for readonly: maybe"));
  CHECK(mount_error("type=volume,target=/a,volume-nocopy=x") ==
        flag("type=volume,target=/a,volume-nocopy=x", "invalid value for volume-nocopy: x"));
  CHECK(mount_error("type=tmpfs,target=/a,tmpfs-size=lots") ==
        flag("type=tmpfs,target=/a,tmpfs-size=lots", "invalid value for tmpfs-size: lots"));
  CHECK(mount_error("type=tmpfs,target=/a,tmpfs-mode=999") ==
        flag("type=tmpfs,target=/a,tmpfs-mode=999", "invalid value for tmpfs-mode: 999"));
  CHECK(mount_error("type=tmpfs,target=/a,tmpfs-mode=77777777777") ==
        flag("type=tmpfs,target=/a,tmpfs-mode=77777777777", "invalid value for tmpfs-mode: 77777777777"));
  CHECK(mount_error("type=bind,src=/a,target=/a,volume-nocopy") ==
        flag("type=bind,src=/a,target=/a,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'"));
  CHECK(mount_error("type=volume,target=/a,bind-propagation=shared") ==
        flag("type=volume,target=/a,bind-propagation=shared", "cannot mix 'bind-*' options with mount type 'volume'"));
  CHECK(mount_error("type=bind,src=/a,target=/a,tmpfs-size=1m") ==
        flag("type=bind,src=/a,target=/a,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'bind'"));

  CHECK(mount_error("type=bind,target=/a") == "invalid mount config for type \"bind\": field Source must not be empty");
  CHECK(mount_error("type=bind,src=rel,target=/a") ==
        "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute");
  CHECK(mount_error("type=bind,src=/a,target=rel") ==
        "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute");
  CHECK(mount_error("type=bind,src=/a,target=/") ==
        "invalid mount config for type \"bind\": invalid specification: destination can't be '/'");
  CHECK(mount_error("type=bind,src=/a,target=/x/..") ==
        "invalid mount config for type \"bind\": invalid specification: destination can't be '/'");
  CHECK(mount_error("type=bind,src=/a,target=/b,bind-propagation=sideways") ==
        "invalid mount config for type \"bind\": invalid propagation mode: sideways");
  CHECK(mount_error("type=volume,target=/a,ro") ==
        "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
  CHECK(mount_error("type=tmpfs,src=x,target=/a") ==
        "invalid mount config for type \"tmpfs\": field Source must not be specified");
  CHECK(mount_error("type=npipe,target=/a") == "invalid mount config for type \"npipe\": mount type unknown");
  CHECK(mount_error("type=volume,src=a/b,target=/a").starts_with("create a/b: \"a/b\" includes invalid characters"));
}

TEST_CASE("--tmpfs PATH[:OPTS]") {
  auto m = parse_tmpfs_flag("/run");
  CHECK(m.type == "tmpfs");
  CHECK(m.destination == "/run");
  CHECK(m.options.empty());
  m = parse_tmpfs_flag("/run/:rw,noexec,nosuid,size=65536k");
  CHECK(m.destination == "/run");
  CHECK_FALSE(m.read_only);
  CHECK(m.options == opts({"noexec", "nosuid", "size=65536k"}));
  CHECK(parse_tmpfs_flag("/r:ro,mode=700").read_only);
  CHECK(error_of([] { parse_tmpfs_flag("run"); }) == "invalid mount path: 'run' mount path must be absolute");
  CHECK(error_of([] { parse_tmpfs_flag("/"); }) == "invalid specification: destination can't be '/'");
  CHECK(error_of([] { parse_tmpfs_flag("//"); }) == "invalid specification: destination can't be '/'");
  CHECK(error_of([] { parse_tmpfs_flag("."); }) == "invalid mount path: '.' mount path must be absolute");
}

TEST_CASE("all flags together: duplicates, bind sources") {
  fs::TempDir dir;
  std::string existing = dir.path() + "/exists";
  fs::mkdir_p(existing);

  commands::MountFlags flags;
  flags.tmpfs = {"/run"};
  flags.volumes = {existing + ":/a", "data:/b", "/c", dir.path() + "/made/by/v:/d"};
  flags.mounts = {"type=bind,src=" + existing + ",dst=/e"};
  auto mounts = commands::parse_mount_flags(flags);
  REQUIRE(mounts.size() == 6);
  CHECK(mounts[0].destination == "/run");
  CHECK(mounts[1].destination == "/a");
  CHECK(mounts[5].destination == "/e");
  CHECK(fs::is_dir(dir.path() + "/made/by/v"));  // -v creates a missing host dir, as Docker does

  commands::MountFlags missing;
  missing.mounts = {"type=bind,src=" + dir.path() + "/nope,dst=/x"};
  CHECK(error_of([&] { commands::parse_mount_flags(missing); }) ==
        "invalid mount config for type \"bind\": bind source path does not exist: " + dir.path() + "/nope");
  CHECK_FALSE(fs::exists(dir.path() + "/nope"));

  commands::MountFlags dup;
  dup.volumes = {"/data", dir.path() + "/never:/data/"};
  CHECK(error_of([&] { commands::parse_mount_flags(dup); }) == "Duplicate mount point: /data");
  CHECK_FALSE(fs::exists(dir.path() + "/never"));  // refused before anything is created
  dup.volumes = {"a1:/x"};
  dup.tmpfs = {"/x"};
  CHECK(error_of([&] { commands::parse_mount_flags(dup); }) == "Duplicate mount point: /x");
  dup.tmpfs.clear();
  dup.mounts = {"type=tmpfs,dst=/x/./"};
  CHECK(error_of([&] { commands::parse_mount_flags(dup); }) == "Duplicate mount point: /x");
}

TEST_CASE("image VOLUMEs become anonymous volumes unless a mount covers them") {
  std::vector<store::MountSpec> mounts;
  mounts.push_back(parse_volume_flag("data:/var/lib/db"));
  commands::add_image_volumes(mounts, {"/var/lib/db/", "/cache", "relative", "/"});
  REQUIRE(mounts.size() == 2);
  CHECK(mounts[0].source == "data");
  CHECK(mounts[1].type == "volume");
  CHECK(mounts[1].destination == "/cache");
  CHECK(mounts[1].anonymous);
  CHECK(mounts[1].source.empty());
}

TEST_CASE("clean_path is Go's path.Clean") {
  CHECK(commands::clean_path("/a//b/./c/../d/") == "/a/b/d");
  CHECK(commands::clean_path("/../x") == "/x");
  CHECK(commands::clean_path("/") == "/");
  CHECK(commands::clean_path("a/../..") == "..");
  CHECK(commands::clean_path("") == ".");
}

// Auth files: where they are, reading podman's and Docker's formats,
// writing atomically with 0600 while keeping other keys, and credential
// helpers through a fake docker-credential-test on a temp $PATH.
#include "kayak/registry/auth_files.hpp"
#include "kayak/util/base64.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"

#include "registry_test_env.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

using namespace kayak;
using namespace kayak::registry;
using kayak::test::ScopedEnv;
using kayak::test::write_file;

namespace {

mode_t mode_of(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string auth_entry(const std::string& user, const std::string& password) {
  return "{\"auth\": \"" + base64_encode(user + ":" + password) + "\"}";
}

// A home, runtime dir and no named auth file: the default search order.
struct AuthEnv {
  fs::TempDir tmp;
  std::string home = fs::join(tmp.path(), "home");
  std::string runtime = fs::join(tmp.path(), "run");
  ScopedEnv home_env{"HOME", home};
  ScopedEnv runtime_env{"XDG_RUNTIME_DIR", runtime};
  ScopedEnv no_config_home{"XDG_CONFIG_HOME", std::nullopt};
  ScopedEnv no_docker_config{"DOCKER_CONFIG", std::nullopt};
  ScopedEnv no_auth_file{"REGISTRY_AUTH_FILE", std::nullopt};
  AuthEnv() {
    fs::mkdir_p(home);
    fs::mkdir_p(runtime);
  }
};

// docker-credential-test: keeps one JSON file per server in $CRED_TEST_DIR
// and logs its arguments (to prove no secret is ever passed there).
const char* kFakeHelper = R"(#!/usr/bin/env python3
import json, os, sys
store = os.environ["CRED_TEST_DIR"]
with open(os.path.join(store, "argv.log"), "a") as log:
    log.write(" ".join(sys.argv) + "\n")
def path(server):
    return os.path.join(store, server.replace("/", "_").replace(":", "_") + ".json")
action = sys.argv[1]
data = sys.stdin.read()
if action == "store":
    req = json.loads(data)
    with open(path(req["ServerURL"]), "w") as f:
        json.dump(req, f)
elif action in ("get", "erase"):
    p = path(data.strip())
    if not os.path.exists(p):
        print("credentials not found in native keychain")
        sys.exit(1)
    if action == "get":
        print(open(p).read())
    else:
        os.unlink(p)
else:
    print("unknown action")
    sys.exit(1)
)";

struct HelperEnv {
  fs::TempDir tmp;
  std::string bin = fs::join(tmp.path(), "bin");
  std::string store = fs::join(tmp.path(), "store");
  ScopedEnv path_env;
  ScopedEnv store_env{"CRED_TEST_DIR", store};
  HelperEnv() : path_env("PATH", fs::join(tmp.path(), "bin") + ":/usr/bin:/bin") {
    fs::mkdir_p(bin);
    fs::mkdir_p(store);
    fs::write_file_atomic(fs::join(bin, "docker-credential-test"), kFakeHelper, 0755);
  }
  std::string argv_log() const {
    std::string log;
    fs::read_file_if_exists(fs::join(store, "argv.log"), log);
    return log;
  }
};

}  // namespace

TEST_CASE("the auth file: --authfile, $REGISTRY_AUTH_FILE, else $XDG_RUNTIME_DIR/containers/auth.json") {
  AuthEnv env;
  CHECK(default_auth_file() == fs::join(env.runtime, "containers/auth.json"));
  CHECK(auth_file_to_write("") == fs::join(env.runtime, "containers/auth.json"));
  CHECK(auth_file_to_write("/x/flag.json") == "/x/flag.json");
  auto files = auth_files_to_read("");
  REQUIRE(files.size() == 3);
  CHECK(files[0].path == fs::join(env.runtime, "containers/auth.json"));
  CHECK(files[1].path == fs::join(env.home, ".config/containers/auth.json"));
  CHECK(files[2].path == fs::join(env.home, ".docker/config.json"));
  CHECK(files[2].docker);
  {
    ScopedEnv named("REGISTRY_AUTH_FILE", "/x/env.json");
    CHECK(auth_file_to_write("") == "/x/env.json");
    CHECK(auth_file_to_write("/x/flag.json") == "/x/flag.json");
    REQUIRE(auth_files_to_read("").size() == 1);
    CHECK(auth_files_to_read("")[0].path == "/x/env.json");
  }
  {
    ScopedEnv docker("DOCKER_CONFIG", fs::join(env.tmp.path(), "dockercfg"));
    CHECK(auth_files_to_read("")[2].path == fs::join(env.tmp.path(), "dockercfg/config.json"));
  }
  ScopedEnv no_runtime("XDG_RUNTIME_DIR", std::nullopt);
  if (::geteuid() == 0) CHECK(default_auth_file() == "/run/containers/0/auth.json");
  else CHECK(default_auth_file() == "/tmp/kayak-" + std::to_string(::geteuid()) + "/containers/auth.json");
}

TEST_CASE("keys: URLs become hosts, Docker Hub's names are one registry") {
  CHECK(normalize_auth_key("https://index.docker.io/v1/") == "docker.io");
  CHECK(normalize_auth_key("registry-1.docker.io") == "docker.io");
  CHECK(normalize_auth_key("http://quay.io") == "quay.io");
  CHECK(normalize_auth_key("https://reg.example:5000/v2/") == "reg.example:5000");
  CHECK(normalize_auth_key("quay.io/ns/repo") == "quay.io/ns/repo");
  CHECK(auth_key_registry("quay.io/ns/repo") == "quay.io");
  CHECK(auth_key_registry("index.docker.io/library/x") == "docker.io");
}

TEST_CASE("store writes auth.json 0600 in a 0700 directory and keeps other keys") {
  AuthEnv env;
  std::string path = default_auth_file();
  store_credentials("reg.example:5000", {"alice", "s3cret:with:colons", ""});
  CHECK(mode_of(path) == 0600);
  CHECK(mode_of(fs::dirname(path)) == 0700);
  json::Value doc = json::parse(fs::read_file(path));
  CHECK(doc["auths"]["reg.example:5000"]["auth"].as_string() == base64_encode("alice:s3cret:with:colons"));

  // Other top-level keys and other registries survive a rewrite.
  fs::write_file_atomic(path,
                        R"({"auths": {"other.example": )" + auth_entry("bob", "pw") +
                          R"(, "https://reg.example:5000": )" + auth_entry("old", "old") +
                          R"(}, "credHelpers": {}, "unknown": [1, 2]})",
                        0644);
  store_credentials("reg.example:5000", {"alice", "new", ""});
  doc = json::parse(fs::read_file(path));
  CHECK(mode_of(path) == 0600);
  CHECK(doc["unknown"].size() == 2);
  CHECK(doc.contains("credHelpers"));
  CHECK(doc["auths"].contains("other.example"));
  CHECK_FALSE(doc["auths"].contains("https://reg.example:5000"));  // the old spelling of the same key
  auto found = find_credentials("reg.example:5000");
  REQUIRE(found);
  CHECK(found->credentials.username == "alice");
  CHECK(found->credentials.password == "new");
  CHECK(found->file == path);
  CHECK(found->helper.empty());
}

TEST_CASE("lookup: the most specific repository key, then the registry") {
  AuthEnv env;
  std::string file = write_file(env.tmp.path(), "auth.json",
                                R"({"auths": {"quay.io": )" + auth_entry("reg", "1") + R"(, "quay.io/ns": )" +
                                  auth_entry("ns", "2") + R"(, "quay.io/ns/repo": )" + auth_entry("repo", "3") + "}}");
  CHECK(find_credentials("quay.io/ns/repo", file)->credentials.username == "repo");
  CHECK(find_credentials("quay.io/ns/other", file)->credentials.username == "ns");
  CHECK(find_credentials("quay.io/other/x", file)->key == "quay.io");
  CHECK(find_credentials("quay.io", file)->credentials.password == "1");
  CHECK_FALSE(find_credentials("ghcr.io/ns/repo", file));
}

TEST_CASE("reading order: kayak's/podman's auth.json, then ~/.config, then Docker's config.json") {
  AuthEnv env;
  write_file(env.home, ".docker/config.json",
             R"({"auths": {"https://index.docker.io/v1/": )" + auth_entry("dockeruser", "d") +
               R"(, "https://quay.io": )" + auth_entry("dockerquay", "q") + R"(, "token.example": {"auth": "", "identitytoken": "refresh-tok"}}})");
  auto hub = find_credentials("docker.io");
  REQUIRE(hub);
  CHECK(hub->credentials.username == "dockeruser");
  CHECK(hub->key == "https://index.docker.io/v1/");
  CHECK(hub->file == fs::join(env.home, ".docker/config.json"));
  CHECK(find_credentials("docker.io/library/nginx")->credentials.username == "dockeruser");
  CHECK(find_credentials("quay.io")->credentials.username == "dockerquay");
  auto token = find_credentials("token.example");
  REQUIRE(token);
  CHECK(token->credentials.identity_token == "refresh-tok");
  CHECK(token->credentials.username.empty());

  write_file(env.home, ".config/containers/auth.json", R"({"auths": {"quay.io": )" + auth_entry("configquay", "c") + "}}");
  CHECK(find_credentials("quay.io")->credentials.username == "configquay");
  store_credentials("quay.io", {"runquay", "r", ""});
  CHECK(find_credentials("quay.io")->credentials.username == "runquay");
  CHECK(find_credentials("docker.io")->credentials.username == "dockeruser");

  // A broken file is an error that names it, not a silent fallback.
  write_file(env.home, ".config/containers/auth.json", "{\"auths\": ");
  CHECK_THROWS_WITH_AS(find_credentials("ghcr.io"), doctest::Contains(".config/containers/auth.json"), Error);
}

TEST_CASE("a bad auth value is an error that never quotes it") {
  AuthEnv env;
  std::string file = write_file(env.tmp.path(), "auth.json", R"({"auths": {"q.example": {"auth": "bm9jb2xvbg=="}}})");
  try {
    find_credentials("q.example", file);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("bm9jb2xvbg") == std::string::npos);
    CHECK(std::string(e.what()).find("nocolon") == std::string::npos);
  }
}

TEST_CASE("remove one key or all of them, keeping the rest of the file") {
  AuthEnv env;
  std::string file = fs::join(env.tmp.path(), "sub/auth.json");
  CHECK_FALSE(remove_credentials("a.example", file));  // no file yet
  store_credentials("a.example", {"a", "1", ""}, file);
  store_credentials("b.example/ns", {"b", "2", ""}, file);
  json::Value doc = json::parse(fs::read_file(file));
  doc.set("keep", "me");
  fs::write_file_atomic(file, json::dump(doc), 0600);

  CHECK(remove_credentials("https://a.example/v2/", file));
  CHECK_FALSE(remove_credentials("a.example", file));
  CHECK_FALSE(find_credentials("a.example", file));
  CHECK(find_credentials("b.example/ns/x", file)->credentials.username == "b");
  CHECK_FALSE(remove_credentials("b.example", file));  // only the namespace key exists
  remove_all_credentials(file);
  doc = json::parse(fs::read_file(file));
  CHECK(doc["auths"].empty());
  CHECK(doc["keep"].as_string() == "me");
  CHECK(mode_of(file) == 0600);
}

TEST_CASE("credHelpers: get, store and erase through docker-credential-NAME, secrets never in argv") {
  AuthEnv env;
  HelperEnv helper;
  std::string file = write_file(env.tmp.path(), "auth.json", R"({"credHelpers": {"helped.example": "test"}})");

  Credentials creds{"carol", "pa ss\"word", ""};
  credential_helper_store("test", "direct.example", creds);
  auto direct = credential_helper_get("test", "direct.example");
  REQUIRE(direct);
  CHECK(direct->username == "carol");
  CHECK(direct->password == "pa ss\"word");
  CHECK_FALSE(credential_helper_get("test", "missing.example"));
  CHECK(credential_helper_erase("test", "direct.example"));
  CHECK_FALSE(credential_helper_erase("test", "direct.example"));

  store_credentials("helped.example", creds, file);
  // The file names the helper; the secret is in the helper's store only.
  CHECK(fs::read_file(file).find("carol") == std::string::npos);
  auto found = find_credentials("helped.example/ns/x", file);
  REQUIRE(found);
  CHECK(found->helper == "docker-credential-test");
  CHECK(found->credentials.password == "pa ss\"word");
  CHECK(remove_credentials("helped.example", file));
  CHECK_FALSE(find_credentials("helped.example", file));

  // An identity token travels as the "<token>" user.
  credential_helper_store("test", "tok.example", {"", "", "refresh"});
  CHECK(credential_helper_get("test", "tok.example")->identity_token == "refresh");

  CHECK(helper.argv_log().find("pa ss") == std::string::npos);
  CHECK(helper.argv_log().find("refresh") == std::string::npos);
  CHECK(helper.argv_log().find("docker-credential-test get") != std::string::npos);

  CHECK_THROWS_WITH_AS(credential_helper_get("nonexistent", "x"), doctest::Contains("not found in $PATH"), Error);
}

TEST_CASE("Docker's credsStore, keyed by Docker Hub's index URL") {
  AuthEnv env;
  HelperEnv helper;
  write_file(env.home, ".docker/config.json", R"({"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "test"})");
  credential_helper_store("test", "https://index.docker.io/v1/", {"hubuser", "hubpw", ""});
  auto found = find_credentials("docker.io/library/nginx");
  REQUIRE(found);
  CHECK(found->credentials.username == "hubuser");
  CHECK(found->helper == "docker-credential-test");

  // Login through --authfile pointing at Docker's file goes to the store too.
  std::string docker_file = fs::join(env.home, ".docker/config.json");
  store_credentials("quay.io", {"q", "qpw", ""}, docker_file);
  CHECK(credential_helper_get("test", "quay.io")->password == "qpw");
  CHECK(fs::read_file(docker_file).find("qpw") == std::string::npos);
  CHECK(remove_credentials("quay.io", docker_file));
  CHECK_FALSE(credential_helper_get("test", "quay.io"));
}

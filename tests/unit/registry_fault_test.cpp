// The registry client against a misbehaving server
// (registry_fault_server.py): resets, ignored Range, 5xx, 429 with
// Retry-After, corrupt blobs, redirects to another host, expiring tokens,
// foreign URLs, pagination.
#include "kayak/registry/client.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"
#include "registry_test_servers.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <random>

using namespace kayak;
using namespace kayak::registry;

namespace {

struct KeepTap : archive::ContentTap {
  std::string* out;
  int* finished;
  KeepTap(std::string* o, int* f) : out(o), finished(f) {}
  void write(const void* data, size_t size) override { out->append(static_cast<const char*>(data), size); }
  void finish(int) override { ++*finished; }
};

// A 3 MiB blob of pseudo-random bytes, big enough to be cut in half.
struct Fixture {
  fs::TempDir dir;
  std::string blob_path = fs::join(dir.path(), "blob");
  std::string content;
  std::string digest;
  std::unique_ptr<registry_test::FaultServer> server;
  std::vector<std::string> retries;

  explicit Fixture(const std::string& mode = "") {
    std::mt19937 random(42);
    content.resize(3 * 1024 * 1024);
    for (auto& c : content) c = static_cast<char>(random());
    fs::write_file_atomic(blob_path, content);
    digest = sha256_digest(content);
    server = std::make_unique<registry_test::FaultServer>(blob_path, mode);
  }

  ClientOptions options() {
    ClientOptions options;
    options.registry = server->host();
    options.retry_delay = std::chrono::milliseconds(10);
    options.on_retry = [this](const std::string& message) { retries.push_back(message); };
    return options;
  }

  // What the server saw, per path.
  json::Value stats() const {
    std::string out;
    FILE* pipe = popen(("curl -s --noproxy '*' http://" + server->host() + "/stats").c_str(), "r");
    char buffer[4096];
    size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    pclose(pipe);
    return json::parse(out);
  }

  std::string blob_url_path(const std::string& repository) const { return "/v2/" + repository + "/blobs/" + digest; }
};

struct Download {
  std::string tapped;
  int taps_made = 0;
  int taps_finished = 0;
  int done = 0;
  std::vector<BlobDownload> blobs;

  Download(Fixture& fixture, const std::string& name, std::vector<std::string> urls = {}) {
    BlobDownload blob;
    blob.digest = fixture.digest;
    blob.size = static_cast<int64_t>(fixture.content.size());
    blob.path = fs::join(fixture.dir.path(), name);
    blob.urls = std::move(urls);
    blob.make_tap = [this] {
      ++taps_made;
      tapped.clear();
      return std::make_unique<KeepTap>(&tapped, &taps_finished);
    };
    blob.done = [this] { ++done; };
    blobs.push_back(blob);
  }
  const std::string& path() const { return blobs[0].path; }
};

bool str_contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

bool can_run() {
  if (!registry_test::have("python3") || !registry_test::have("curl")) {
    MESSAGE("skipped: python3 and curl are needed for the fault server");
    return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a reset halfway through a blob resumes with Range, the tap seeing every byte once") {
  if (!can_run()) return;
  Fixture fixture;
  Client client(fixture.options());
  Download download(fixture, "reset");
  client.fetch_blobs("reset/x", download.blobs, 3);
  CHECK(fs::read_file(download.path()) == fixture.content);
  CHECK(download.tapped == fixture.content);
  CHECK(download.taps_made == 1);
  CHECK(download.taps_finished == 1);
  CHECK(download.done == 1);
  REQUIRE(fixture.retries.size() == 1);
  CHECK(fixture.retries[0].starts_with("blob " + fixture.digest + ": "));
  auto seen = fixture.stats()[fixture.blob_url_path("reset/x")].as_array();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].string_or("range") == "");
  CHECK(seen[1].string_or("range").starts_with("bytes="));
  CHECK(seen[1].string_or("range") != "bytes=0-");
}

TEST_CASE("a server that ignores Range makes the download start over with a fresh tap") {
  if (!can_run()) return;
  Fixture fixture;
  Client client(fixture.options());
  Download download(fixture, "norange");
  client.fetch_blobs("norange/x", download.blobs, 1);
  CHECK(fs::read_file(download.path()) == fixture.content);
  CHECK(download.taps_made == 2);
  CHECK(download.tapped == fixture.content);
  CHECK(download.taps_finished == 1);
}

TEST_CASE("5xx is retried with a bounded count") {
  if (!can_run()) return;
  Fixture fixture;
  {
    Client client(fixture.options());
    Download download(fixture, "flaky");
    client.fetch_blobs("flaky/x", download.blobs, 1);
    CHECK(download.done == 1);
    CHECK(fixture.retries.size() == 2);
  }
  ClientOptions options = fixture.options();
  options.max_retries = 1;
  Client impatient(options);
  Download download(fixture, "flaky2");
  CHECK(error_of([&] { impatient.fetch_blobs("flaky/y", download.blobs, 1); }) ==
        "blob " + fixture.digest + ": HTTP 500: unknown: try again");
  CHECK_FALSE(fs::exists(download.path()));
}

TEST_CASE("429 waits as long as Retry-After says") {
  if (!can_run()) return;
  Fixture fixture;
  ClientOptions options = fixture.options();
  options.retry_delay = std::chrono::milliseconds(7000);  // would say "7 seconds"
  Client client(options);
  Download download(fixture, "busy");
  client.fetch_blobs("busy/x", download.blobs, 1);
  CHECK(download.done == 1);
  REQUIRE(fixture.retries.size() == 1);
  CHECK(fixture.retries[0] == "blob " + fixture.digest + ": HTTP 429; retrying in 1 second");
}

TEST_CASE("a corrupt blob is an error naming the digest, and leaves no file") {
  if (!can_run()) return;
  Fixture fixture;
  Client client(fixture.options());
  Download download(fixture, "corrupt");
  std::string message = error_of([&] { client.fetch_blobs("corrupt/x", download.blobs, 1); });
  CHECK(message.starts_with("blob " + fixture.digest + ": digest mismatch: the content received has digest sha256:"));
  CHECK_FALSE(fs::exists(download.path()));
  CHECK(download.done == 0);
  CHECK(download.taps_finished == 0);
  CHECK_THROWS_WITH_AS(client.get_blob("corrupt/x", fixture.digest, 4 << 20), doctest::Contains("digest mismatch"), Error);
}

TEST_CASE("several blobs in parallel, each with its own trouble") {
  if (!can_run()) return;
  Fixture fixture;
  Client client(fixture.options());
  std::vector<BlobDownload> blobs;
  std::vector<int> done(4);
  const char* repos[] = {"plain/a", "reset/b", "flaky/c", "norange/d"};
  // One call per repository is how pulls use it; here one repository per
  // call would hide the parallelism, so each blob names its own path via
  // a foreign URL on the same server.
  for (int i = 0; i < 4; ++i) {
    BlobDownload blob;
    blob.digest = fixture.digest;
    blob.size = static_cast<int64_t>(fixture.content.size());
    blob.path = fs::join(fixture.dir.path(), "p" + std::to_string(i));
    blob.urls = {"http://" + fixture.server->host() + fixture.blob_url_path(repos[i])};
    blob.done = [&done, i] { ++done[i]; };
    blobs.push_back(blob);
  }
  client.fetch_blobs("missing/x", blobs, 2);
  for (int i = 0; i < 4; ++i) {
    CHECK(done[i] == 1);
    CHECK(fs::read_file(blobs[i].path) == fixture.content);
  }
}

TEST_CASE("foreign URLs are tried first; a failing one falls back to the registry") {
  if (!can_run()) return;
  Fixture fixture;
  Client client(fixture.options());
  Download foreign(fixture, "foreign", {"http://localhost:" + std::to_string(fixture.server->port()) + "/storage/x"});
  client.fetch_blobs("missing/x", foreign.blobs, 1);
  CHECK(foreign.done == 1);

  Download fallback(fixture, "fallback", {"http://" + fixture.server->host() + "/nowhere"});
  client.fetch_blobs("plain/x", fallback.blobs, 1);
  CHECK(fallback.done == 1);
  auto stats = fixture.stats();
  CHECK(stats["/nowhere"].as_array().size() == 1);
  CHECK(stats[fixture.blob_url_path("plain/x")].as_array().size() == 1);

  Download nothing(fixture, "nothing");
  CHECK(error_of([&] { client.fetch_blobs("missing/x", nothing.blobs, 1); }) ==
        "blob " + fixture.digest + ": HTTP 404: blob unknown to registry");
}

TEST_CASE("Basic credentials go to the registry, never to the host a redirect leads to") {
  if (!can_run()) return;
  Fixture fixture("basic");
  ClientOptions options = fixture.options();
  {
    Client anonymous(options);
    Download download(fixture, "anon");
    CHECK(error_of([&] { anonymous.fetch_blobs("redirect/x", download.blobs, 1); }) ==
          "blob " + fixture.digest + ": HTTP 401: unauthorized: authentication required");
  }
  options.credentials = Credentials{"kayak", "s3cret", ""};
  Client client(options);
  client.check_login();
  Download download(fixture, "redirected");
  client.fetch_blobs("redirect/x", download.blobs, 1);  // storage refuses Authorization
  CHECK(download.done == 1);
  auto stats = fixture.stats();
  CHECK(stats[fixture.blob_url_path("redirect/x")][1].string_or("auth") == "Basic a2F5YWs6czNjcmV0");
  CHECK(stats["/storage/" + fixture.digest][0].string_or("auth") == "");

  options.credentials = Credentials{"kayak", "wrong-password", ""};
  Client wrong(options);
  std::string message = error_of([&] { wrong.check_login(); });
  CHECK(message == "login to " + fixture.server->host() + ": unauthorized: incorrect username or password");
  CHECK(message.find("wrong-password") == std::string::npos);
}

TEST_CASE("Bearer tokens are fetched on 401 and fetched again when refused") {
  if (!can_run()) return;
  Fixture fixture;
  Client client(fixture.options());
  Download first(fixture, "first");
  client.fetch_blobs("auth/x", first.blobs, 1);
  CHECK(first.done == 1);
  // The server accepts each token once: the cached one is refused now.
  CHECK(client.get_blob("auth/x", fixture.digest, 4 << 20) == fixture.content);
  auto stats = fixture.stats();
  CHECK(stats["/token"].as_array().size() == 2);
  auto seen = stats[fixture.blob_url_path("auth/x")].as_array();
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].string_or("auth") == "");
  CHECK(seen[1].string_or("auth") == "Bearer tok-1");
  CHECK(seen[2].string_or("auth") == "Bearer tok-1");
  CHECK(seen[3].string_or("auth") == "Bearer tok-2");
}

TEST_CASE("tags and catalog follow Link pagination") {
  if (!can_run()) return;
  Fixture fixture;
  Client client(fixture.options());
  CHECK(client.list_tags("paged") == std::vector<std::string>{"t1", "t2", "t3", "t4", "t5"});
  CHECK(client.catalog() == std::vector<std::string>{"r1/x", "r2/x", "r3/x", "r4/x", "r5/x"});
}

TEST_CASE("tokens with credentials: Basic to the token server, identity tokens posted as a form") {
  if (!can_run()) return;
  Fixture fixture;
  ClientOptions options = fixture.options();
  options.credentials = Credentials{"kayak", "s3cret", ""};
  {
    Client client(options);
    CHECK(client.get_blob("auth/x", fixture.digest, 4 << 20) == fixture.content);
  }
  options.credentials = Credentials{"", "", "refresh-me"};
  {
    Client client(options);
    CHECK(client.get_blob("auth/x", fixture.digest, 4 << 20) == fixture.content);
  }
  auto tokens = fixture.stats()["/token"].as_array();
  REQUIRE(tokens.size() == 2);
  CHECK(tokens[0].string_or("method") == "GET");
  CHECK(tokens[0].string_or("auth") == "Basic a2F5YWs6czNjcmV0");
  CHECK(tokens[0].string_or("query") == "service=fault&scope=repository%3Aauth%2Fx%3Apull");
  CHECK(tokens[1].string_or("method") == "POST");
  CHECK(tokens[1].string_or("query") == "");  // the refresh token stays out of URLs
  CHECK(str_contains(tokens[1].string_or("form"), "grant_type=refresh_token"));
  CHECK(str_contains(tokens[1].string_or("form"), "refresh_token=refresh-me"));

  options.credentials = Credentials{"", "", "stale"};
  Client stale(options);
  std::string message = error_of([&] { stale.get_blob("auth/x", fixture.digest, 4 << 20); });
  CHECK(message == "authenticate to " + fixture.server->host() + ": unauthorized: incorrect username or password");
  CHECK(message.find("stale") == std::string::npos);
}

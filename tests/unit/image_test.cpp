#include "kayak/image/config.hpp"
#include "kayak/image/manifest.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace kayak;
using image::parse_reference;

namespace {

const std::string kHexA = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";  // sha256("a")
const std::string kHexB = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";  // sha256("b")
const std::string kHexC = "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6";  // sha256("c")
const std::string kDigestA = "sha256:" + kHexA;
const std::string kDigestB = "sha256:" + kHexB;
const std::string kDigestC = "sha256:" + kHexC;

std::string normalized(std::string_view text) { return parse_reference(text).str(); }

std::string reference_error(std::string_view text) {
  try {
    parse_reference(text);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// ---- references ---------------------------------------------------------

TEST_CASE("reference: normalization as Docker does it") {
  struct Row {
    const char* input;
    const char* full;
    const char* familiar;
  };
  const std::string d = kDigestA;
  const Row rows[] = {
    {"nginx", "docker.io/library/nginx:latest", "nginx:latest"},
    {"nginx:1.2", "docker.io/library/nginx:1.2", "nginx:1.2"},
    {"library/nginx", "docker.io/library/nginx:latest", "nginx:latest"},
    {"docker.io/nginx", "docker.io/library/nginx:latest", "nginx:latest"},
    {"docker.io/library/nginx:1", "docker.io/library/nginx:1", "nginx:1"},
    {"index.docker.io/nginx", "docker.io/library/nginx:latest", "nginx:latest"},
    {"index.docker.io/myimg/x", "docker.io/myimg/x:latest", "myimg/x:latest"},
    {"myimg/httpd:v1", "docker.io/myimg/httpd:v1", "myimg/httpd:v1"},
    {"quay.io/x/y:z", "quay.io/x/y:z", "quay.io/x/y:z"},
    {"quay.io/y", "quay.io/y:latest", "quay.io/y:latest"},
    {"localhost/foo", "localhost/foo:latest", "localhost/foo:latest"},
    {"localhost:5000/foo:bar", "localhost:5000/foo:bar", "localhost:5000/foo:bar"},
    {"example:5000/a/b/c", "example:5000/a/b/c:latest", "example:5000/a/b/c:latest"},
    {"127.0.0.1:5000/x", "127.0.0.1:5000/x:latest", "127.0.0.1:5000/x:latest"},
    {"[::1]:5000/x:t", "[::1]:5000/x:t", "[::1]:5000/x:t"},
    {"docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest"},
    // A Hub namespace that looks like a registry keeps docker.io/ when
    // shown, so the familiar name parses back to the same image.
    {"docker.io/a.b/c", "docker.io/a.b/c:latest", "docker.io/a.b/c:latest"},
    {"docker.io/localhost/c", "docker.io/localhost/c:latest", "docker.io/localhost/c:latest"},
    {"a-b__c/d.e--f_g:W_1.x-", "docker.io/a-b__c/d.e--f_g:W_1.x-", "a-b__c/d.e--f_g:W_1.x-"},
    {"localhost", "docker.io/library/localhost:latest", "localhost:latest"},
    {"localhost:5000", "docker.io/library/localhost:5000", "localhost:5000"},
    // Upper case in the first element makes it a registry, as in Docker.
    {"Foo/bar", "Foo/bar:latest", "Foo/bar:latest"},
  };
  for (const auto& row : rows) {
    CAPTURE(row.input);
    image::Reference ref = parse_reference(row.input);
    CHECK(ref.str() == row.full);
    CHECK(ref.familiar() == row.familiar);
  }
}

TEST_CASE("reference: parts, digests and familiar names") {
  image::Reference ref = parse_reference("myimg/httpd:v1");
  CHECK(ref.domain == "docker.io");
  CHECK(ref.path == "myimg/httpd");
  CHECK(ref.tag == "v1");
  CHECK(ref.digest.empty());
  CHECK(ref.name() == "docker.io/myimg/httpd");
  CHECK(ref.familiar_name() == "myimg/httpd");

  // A digest alone gets no :latest.
  ref = parse_reference("name@" + kDigestA);
  CHECK(ref.str() == "docker.io/library/name@" + kDigestA);
  CHECK(ref.tag.empty());
  CHECK(ref.digest == kDigestA);
  CHECK(ref.familiar() == "name@" + kDigestA);

  ref = parse_reference("name:tag@" + kDigestA);
  CHECK(ref.tag == "tag");
  CHECK(ref.digest == kDigestA);
  CHECK(ref.str() == "docker.io/library/name:tag@" + kDigestA);
  CHECK(ref.familiar() == "name:tag@" + kDigestA);

  ref = parse_reference("localhost:5000/a/b@" + kDigestB);
  CHECK(ref.domain == "localhost:5000");
  CHECK(ref.path == "a/b");

  // Without add_latest a bare name stays bare.
  ref = parse_reference("nginx", false);
  CHECK(ref.tag.empty());
  CHECK(ref.str() == "docker.io/library/nginx");
  CHECK(ref.familiar() == "nginx");
  CHECK(parse_reference("quay.io/x/y", false).familiar_name() == "quay.io/x/y");

  // Stored full names parse back to themselves.
  for (const char* stored : {"docker.io/library/nginx:latest", "docker.io/myimg/httpd:v1", "localhost/foo:latest"})
    CHECK(normalized(stored) == stored);
}

TEST_CASE("reference: errors use Docker's wording") {
  CHECK(reference_error("Nginx") == "invalid reference format: repository name (library/Nginx) must be lowercase");
  CHECK(reference_error("myimg/Httpd:v1") == "invalid reference format: repository name (myimg/Httpd) must be lowercase");
  CHECK(reference_error("quay.io/Foo/bar") == "invalid reference format: repository name (Foo/bar) must be lowercase");
  CHECK(reference_error("") == "invalid reference format");
  CHECK(reference_error(":tag") == "invalid reference format");
  CHECK(reference_error("nginx:") == "invalid reference format");
  CHECK(reference_error("nginx:bad^tag") == "invalid reference format");
  CHECK(reference_error("nginx:.dot") == "invalid reference format");
  CHECK(reference_error("nginx:-dash") == "invalid reference format");
  CHECK(reference_error("nginx:" + std::string(129, 'a')) == "invalid reference format");
  CHECK(normalized("nginx:" + std::string(128, 'a')) == "docker.io/library/nginx:" + std::string(128, 'a'));
  CHECK(reference_error("a//b") == "invalid reference format");
  CHECK(reference_error("a/") == "invalid reference format");
  CHECK(reference_error("/a") == "invalid reference format");
  CHECK(reference_error("a..b") == "invalid reference format");
  CHECK(reference_error("a___b") == "invalid reference format");
  CHECK(reference_error("-a") == "invalid reference format");
  CHECK(reference_error("a-") == "invalid reference format");
  CHECK(reference_error("a b") == "invalid reference format");
  CHECK(reference_error("localhost:abc/foo") == "invalid reference format");
  CHECK(reference_error("foo.com:/x") == "invalid reference format");
  CHECK(reference_error("-foo.com/x") == "invalid reference format");
  CHECK(reference_error("my_host.com/x") == "invalid reference format");
  CHECK(reference_error("nginx@") == "invalid reference format");
  CHECK(reference_error("nginx@sha256:abc") == "invalid reference format");
  CHECK(reference_error("nginx@sha256:" + kHexA.substr(1)) == "invalid checksum digest length");
  CHECK(reference_error("nginx@sha512:" + kHexA + kHexA) == "unsupported digest algorithm");
  std::string upper = kHexA;
  upper[0] = 'C';
  CHECK(reference_error("nginx@sha256:" + upper) == "invalid checksum digest format");
  CHECK(reference_error(kHexA) ==
        "invalid repository name (" + kHexA + "), cannot specify 64-byte hexadecimal strings");
}

TEST_CASE("reference: repository path length limit is 255") {
  // docker.io adds "library/" (8 characters) to one-part names.
  CHECK(normalized(std::string(247, 'a')) == "docker.io/library/" + std::string(247, 'a') + ":latest");
  CHECK(reference_error(std::string(248, 'a')) == "repository name must not be more than 255 characters");
  CHECK(normalized("quay.io/" + std::string(255, 'b')) == "quay.io/" + std::string(255, 'b') + ":latest");
  CHECK(reference_error("quay.io/" + std::string(256, 'b')) == "repository name must not be more than 255 characters");
  CHECK_THROWS_AS(parse_reference(std::string(100000, 'a')), Error);
}

TEST_CASE("reference: looks_like_id") {
  CHECK(image::looks_like_id("abc123"));
  CHECK(image::looks_like_id("a"));
  CHECK(image::looks_like_id(kHexA));
  CHECK(image::looks_like_id("sha256:" + kHexA));
  CHECK(image::looks_like_id("sha256:ca97"));
  CHECK_FALSE(image::looks_like_id(""));
  CHECK_FALSE(image::looks_like_id("sha256:"));
  CHECK_FALSE(image::looks_like_id("ABC123"));
  CHECK_FALSE(image::looks_like_id("nginx"));
  CHECK_FALSE(image::looks_like_id(kHexA + "0"));
  CHECK_FALSE(image::looks_like_id("sha512:abc"));
}

// ---- manifests ----------------------------------------------------------

namespace {

std::string oci_manifest_text() {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
         R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + kDigestA + R"(","size":7023},)"
         R"("layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" + kDigestB +
         R"(","size":32654,"annotations":{"x":"y"}},)"
         R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + kDigestC + R"(","size":0}],)"
         R"("annotations":{"org.opencontainers.image.created":"2024-01-01T00:00:00Z"}})";
}

std::string with_layer_digest(const std::string& digest) {
  return R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         kDigestA + R"(","size":1},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":)" +
         json::quote(digest) + R"(,"size":1}]})";
}

std::string manifest_error(const std::string& text) {
  try {
    image::parse_manifest(text, "manifest");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string descriptor_error(const std::string& text) {
  try {
    image::descriptor_from_json(json::parse(text), "desc");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("manifest: OCI manifest parses and serializes in spec order") {
  image::Manifest m = image::parse_manifest(oci_manifest_text());
  CHECK(m.schema_version == 2);
  CHECK(m.media_type == image::media::kOciManifest);
  CHECK(m.config.digest == kDigestA);
  CHECK(m.config.size == 7023);
  REQUIRE(m.layers.size() == 2);
  CHECK(m.layers[0].media_type == image::media::kOciLayerGzip);
  CHECK(m.layers[0].annotations.string_or("x") == "y");
  CHECK(m.layers[1].size == 0);
  CHECK(m.layers[1].annotations.is_null());
  CHECK(m.annotations.string_or("org.opencontainers.image.created") == "2024-01-01T00:00:00Z");
  // Same bytes back: field order follows the OCI spec.
  CHECK(json::dump(m.to_json()) == oci_manifest_text());
}

TEST_CASE("manifest: Docker schema2 manifest") {
  std::string text = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
                     R"("config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1469,"digest":")" +
                     kDigestA + R"("},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":2.0,"digest":")" +
                     kDigestB + R"(","urls":["https://example.com/x"]}]})";
  auto doc = json::parse(text);
  CHECK(image::classify_document(doc) == image::DocumentKind::Manifest);
  image::Manifest m = image::manifest_from_json(doc);
  CHECK(m.media_type == image::media::kDockerManifest);
  CHECK(m.config.size == 1469);
  REQUIRE(m.layers.size() == 1);
  CHECK(m.layers[0].size == 2);
  CHECK(m.layers[0].urls == std::vector<std::string>{"https://example.com/x"});
  CHECK(json::dump(m.layers[0].to_json()) ==
        R"({"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":")" + kDigestB +
          R"(","size":2,"urls":["https://example.com/x"]})");
}

TEST_CASE("manifest: digests must be well-formed sha256") {
  CHECK(manifest_error(with_layer_digest(kDigestB)) == "(no error)");
  for (const std::string& bad : std::vector<std::string>{"sha256:../../../../etc/passwd", "../../" + kHexB, "sha256:" + kHexB + "/..", kHexB,
                          "sha256:" + kHexB.substr(0, 63), "SHA256:" + kHexB, "sha256:" + kHexB + "\n",
                          std::string("sha256:") + std::string(64, 'G'), std::string("")}) {
    CAPTURE(bad);
    CHECK(manifest_error(with_layer_digest(bad)).find("manifest: layer 1: invalid digest") != std::string::npos);
  }
  CHECK(manifest_error(with_layer_digest("sha512:" + kHexB + kHexB)) ==
        "manifest: layer 1: unsupported digest algorithm in \"sha512:" + kHexB + kHexB + "\"");
  // Long hostile values are cut short in the message.
  CHECK(manifest_error(with_layer_digest(std::string(5000, 'x'))).size() < 300);
}

TEST_CASE("manifest: descriptors are checked field by field") {
  const std::string ok_start = R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + kDigestA + "\"";
  CHECK(descriptor_error(ok_start + R"(,"size":5})") == "(no error)");
  CHECK(descriptor_error(ok_start + "}") == "malformed desc: descriptor has no size");
  CHECK(descriptor_error(ok_start + R"(,"size":-1})") == "malformed desc: negative size -1");
  CHECK(descriptor_error(ok_start + R"(,"size":"5"})") == "malformed desc: descriptor has no size");
  CHECK(descriptor_error(ok_start + R"(,"size":1.5})").find("invalid size") != std::string::npos);
  CHECK(descriptor_error(R"({"digest":")" + kDigestA + R"(","size":1})") == "malformed desc: descriptor has no mediaType");
  CHECK(descriptor_error(R"({"mediaType":"tar","digest":")" + kDigestA + R"(","size":1})") ==
        "malformed desc: invalid mediaType \"tar\"");
  CHECK(descriptor_error(R"({"mediaType":"a/b c","digest":")" + kDigestA + R"(","size":1})").find("invalid mediaType") !=
        std::string::npos);
  CHECK(descriptor_error(R"({"mediaType":7,"digest":")" + kDigestA + R"(","size":1})") ==
        "malformed desc: mediaType is not a string");
  CHECK(descriptor_error(R"({"mediaType":"a/b","size":1})") == "malformed desc: descriptor has no digest");
  CHECK(descriptor_error(ok_start + R"(,"size":1,"urls":"x"})") == "malformed desc: urls is not a list");
  CHECK(descriptor_error(ok_start + R"(,"size":1,"annotations":{"a":1}})") ==
        "malformed desc: annotation \"a\" is not a string");
  CHECK(descriptor_error(ok_start + R"(,"size":1,"platform":{"os":"linux"}})") ==
        "malformed desc: platform needs os and architecture");
  CHECK(descriptor_error("[]") == "malformed desc: descriptor is not a JSON object");
}

TEST_CASE("manifest: missing fields and wrong documents") {
  const std::string config = R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + kDigestA +
                             R"(","size":1})";
  CHECK(manifest_error(R"({"schemaVersion":2,"layers":[]})") == "malformed manifest: no config");
  CHECK(manifest_error(R"({"schemaVersion":2,)" + config + "}") == "malformed manifest: no layers list");
  CHECK(manifest_error(R"({)" + config + R"(,"layers":[]})") == "malformed manifest: no schemaVersion");
  CHECK(manifest_error(R"({"schemaVersion":3,)" + config + R"(,"layers":[]})") == "manifest: unsupported schemaVersion 3");
  CHECK(manifest_error(R"({"schemaVersion":2,)" + config + R"(,"layers":[]})") == "(no error)");
  CHECK(manifest_error(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})") ==
        "manifest: is an image index, not a manifest");
  CHECK(manifest_error(R"({"schemaVersion":2,"mediaType":"text/plain",)" + config + R"(,"layers":[]})") ==
        "manifest: unsupported manifest media type \"text/plain\"");
  CHECK(manifest_error("[1]") == "malformed manifest: not a JSON object");
  CHECK(manifest_error(R"({"schemaVersion":2,)").find("malformed manifest") == 0);
  CHECK(manifest_error("").find("malformed manifest") == 0);
  CHECK(manifest_error(R"({"schemaVersion":1,"name":"x","fsLayers":[]})") == "manifest: schema 1 manifests are not supported");
}

TEST_CASE("manifest: classify_document") {
  using image::DocumentKind;
  auto kind = [](const char* text) { return image::classify_document(json::parse(text)); };
  CHECK(kind(R"({"schemaVersion":1,"fsLayers":[]})") == DocumentKind::Schema1);
  CHECK(kind(R"({"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"})") == DocumentKind::Schema1);
  CHECK(kind(R"({"mediaType":"application/vnd.docker.distribution.manifest.v1+json"})") == DocumentKind::Schema1);
  CHECK(kind(R"({"schemaVersion":2,"manifests":[]})") == DocumentKind::Index);
  CHECK(kind(R"({"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json"})") == DocumentKind::Index);
  CHECK(kind(R"({"mediaType":"application/vnd.oci.image.index.v1+json"})") == DocumentKind::Index);
  CHECK(kind(R"({"schemaVersion":2,"config":{},"layers":[]})") == DocumentKind::Manifest);
  CHECK(kind(R"({"mediaType":"application/vnd.oci.image.manifest.v1+json"})") == DocumentKind::Manifest);
  CHECK(kind(R"({"mediaType":"application/json","layers":[]})") == DocumentKind::Unknown);
  CHECK(kind(R"({"schemaVersion":2})") == DocumentKind::Unknown);
  CHECK(kind("[]") == DocumentKind::Unknown);
  CHECK(kind("\"x\"") == DocumentKind::Unknown);
}

TEST_CASE("manifest: index parses, keeps platforms, serializes") {
  std::string text = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
                     R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kDigestA +
                     R"(","size":10,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}},)"
                     R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kDigestB +
                     R"(","size":11,"annotations":{"org.opencontainers.image.ref.name":"1.0"}}]})";
  image::Index index = image::parse_index(text);
  REQUIRE(index.manifests.size() == 2);
  REQUIRE(index.manifests[0].platform.has_value());
  CHECK(index.manifests[0].platform->str() == "linux/arm64/v8");
  CHECK_FALSE(index.manifests[1].platform.has_value());
  CHECK(index.manifests[1].annotations.string_or("org.opencontainers.image.ref.name") == "1.0");
  CHECK(json::dump(index.to_json()) == text);

  CHECK_THROWS_WITH_AS(image::parse_index(R"({"schemaVersion":2})", "index.json"),
                       "malformed index.json: no manifests list", Error);
  CHECK_THROWS_WITH_AS(image::parse_index(oci_manifest_text(), "index.json"),
                       "index.json: is an image manifest, not an index", Error);
  CHECK_THROWS_WITH_AS(image::parse_index(R"({"schemaVersion":2,"manifests":[{"mediaType":"a/b","digest":"sha256:..","size":1}]})",
                                          "index.json"),
                       doctest::Contains("index.json: manifest 1: invalid digest"), Error);
}

TEST_CASE("manifest: built descriptors serialize in OCI field order") {
  image::Descriptor d;
  d.media_type = image::media::kOciManifest;
  d.digest = kDigestC;
  d.size = 42;
  d.annotations = json::Value::object();
  d.annotations.set("org.opencontainers.image.ref.name", "latest");
  d.platform = image::Platform{"linux", "arm", "v7", "", {}};
  CHECK(json::dump(d.to_json()) ==
        R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + kDigestC +
          R"(","size":42,"annotations":{"org.opencontainers.image.ref.name":"latest"},)"
          R"("platform":{"architecture":"arm","os":"linux","variant":"v7"}})");
  image::Manifest m;
  m.media_type = image::media::kOciManifest;
  m.config = d;
  m.config.platform.reset();
  m.config.annotations = {};
  std::string dumped = json::dump(m.to_json());
  CHECK(dumped.find(R"({"schemaVersion":2,"mediaType":")") == 0);
  CHECK(dumped.find(R"("layers":[])") != std::string::npos);
  CHECK(dumped.find("annotations") == std::string::npos);
}

// ---- platforms ----------------------------------------------------------

TEST_CASE("platform: parse and normalize") {
  auto p = image::parse_platform("linux/arm64/v8");
  CHECK(p.os == "linux");
  CHECK(p.architecture == "arm64");
  CHECK(p.variant == "v8");
  CHECK(p.str() == "linux/arm64/v8");
  CHECK(image::parse_platform("linux/amd64").str() == "linux/amd64");
  CHECK(image::parse_platform("linux/x86_64").str() == "linux/amd64");
  CHECK(image::parse_platform("Linux/AMD64").str() == "linux/amd64");
  CHECK(image::parse_platform("linux/aarch64").str() == "linux/arm64");
  CHECK(image::parse_platform("linux/arm").str() == "linux/arm/v7");
  CHECK(image::parse_platform("linux/arm/6").str() == "linux/arm/v6");
  CHECK(image::parse_platform("linux/armhf").str() == "linux/arm/v7");
  CHECK(image::parse_platform("linux/i386").str() == "linux/386");
  CHECK(image::parse_platform("arm64").str() == "linux/arm64");
  CHECK(image::parse_platform("linux").architecture == image::host_platform().architecture);
  CHECK_THROWS_WITH_AS(image::parse_platform("a/b/c/d"), "\"a/b/c/d\": cannot parse platform specifier: invalid argument",
                       Error);
  CHECK_THROWS_AS(image::parse_platform(""), Error);
  CHECK_THROWS_AS(image::parse_platform("linux//v7"), Error);
  CHECK_THROWS_AS(image::parse_platform("linux/am d64"), Error);
}

TEST_CASE("platform: uname machine names map to GOARCH") {
  CHECK(image::platform_for_machine("x86_64").str() == "linux/amd64");
  CHECK(image::platform_for_machine("aarch64").str() == "linux/arm64/v8");
  CHECK(image::platform_for_machine("armv7l").str() == "linux/arm/v7");
  CHECK(image::platform_for_machine("armv6l").str() == "linux/arm/v6");
  CHECK(image::platform_for_machine("i686").str() == "linux/386");
  CHECK(image::platform_for_machine("ppc64le").str() == "linux/ppc64le");
  CHECK(image::platform_for_machine("s390x").str() == "linux/s390x");
  CHECK(image::platform_for_machine("riscv64").str() == "linux/riscv64");
  image::Platform host = image::host_platform();
  CHECK(host.os == "linux");
  CHECK_FALSE(host.architecture.empty());
  CHECK(host.architecture != "x86_64");
  CHECK(host.architecture != "aarch64");
}

namespace {

image::Descriptor entry(const std::string& digest, const std::string& os, const std::string& arch,
                        const std::string& variant = "") {
  image::Descriptor d;
  d.media_type = image::media::kOciManifest;
  d.digest = digest;
  d.size = 1;
  d.platform = image::Platform{os, arch, variant, "", {}};
  return d;
}

std::string hex_digest(char c) { return "sha256:" + std::string(64, c); }

std::string choose_error(const image::Index& index, const image::Platform& want) {
  try {
    image::choose_platform(index, want);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("platform: choose from a manifest list") {
  image::Index index;
  index.manifests.push_back(entry(hex_digest('0'), "unknown", "unknown"));  // attestation first
  index.manifests.push_back(entry(hex_digest('1'), "linux", "amd64"));
  index.manifests.push_back(entry(hex_digest('2'), "linux", "arm64", "v8"));
  index.manifests.push_back(entry(hex_digest('3'), "linux", "arm", "v6"));
  index.manifests.push_back(entry(hex_digest('4'), "linux", "arm", "v7"));
  index.manifests.push_back(entry(hex_digest('5'), "linux", "s390x"));

  auto pick = [&](const char* spec) { return image::choose_platform(index, image::parse_platform(spec)).digest; };
  CHECK(pick("linux/amd64") == hex_digest('1'));
  CHECK(pick("linux/arm64") == hex_digest('2'));       // empty variant == v8
  CHECK(pick("linux/arm64/v8") == hex_digest('2'));
  CHECK(pick("linux/arm/v7") == hex_digest('4'));      // exact beats older
  CHECK(pick("linux/arm/v6") == hex_digest('3'));
  CHECK(pick("linux/s390x") == hex_digest('5'));
  CHECK(image::choose_platform(index, image::platform_for_machine("aarch64")).digest == hex_digest('2'));

  // arm64 entries written without a variant serve a v8 host.
  image::Index plain;
  plain.manifests.push_back(entry(hex_digest('6'), "linux", "arm64"));
  CHECK(image::choose_platform(plain, image::platform_for_machine("aarch64")).digest == hex_digest('6'));

  // An older arm variant runs on a newer core, not the other way round.
  image::Index old_arm;
  old_arm.manifests.push_back(entry(hex_digest('7'), "linux", "arm", "v5"));
  old_arm.manifests.push_back(entry(hex_digest('8'), "linux", "arm", "v6"));
  CHECK(image::choose_platform(old_arm, image::parse_platform("linux/arm/v7")).digest == hex_digest('8'));
  CHECK(choose_error(old_arm, image::parse_platform("linux/arm/v5")) == "(no error)");
  image::Index new_arm;
  new_arm.manifests.push_back(entry(hex_digest('9'), "linux", "arm", "v7"));
  CHECK(choose_error(new_arm, image::parse_platform("linux/arm/v6")) ==
        "no image found in manifest list for architecture \"arm\", variant \"v6\", OS \"linux\"; available: linux/arm/v7");
}

TEST_CASE("platform: no match names what is available, without attestations") {
  image::Index index;
  index.manifests.push_back(entry(hex_digest('1'), "linux", "amd64"));
  index.manifests.push_back(entry(hex_digest('2'), "linux", "arm64", "v8"));
  image::Descriptor attestation = entry(hex_digest('3'), "unknown", "unknown");
  attestation.annotations = json::Value::object();
  attestation.annotations.set("vnd.docker.reference.type", "attestation-manifest");
  index.manifests.push_back(attestation);
  CHECK(choose_error(index, image::parse_platform("linux/arm/v7")) ==
        "no image found in manifest list for architecture \"arm\", variant \"v7\", OS \"linux\"; "
        "available: linux/amd64, linux/arm64/v8");
  CHECK(choose_error(index, image::Platform{"windows", "amd64", "", "", {}}).find("OS \"windows\"") != std::string::npos);

  image::Index only_attestations;
  only_attestations.manifests.push_back(attestation);
  CHECK(choose_error(only_attestations, image::parse_platform("linux/amd64")) ==
        "no image found in manifest list for architecture \"amd64\", variant \"\", OS \"linux\"; available: none");

  // An attestation marked only by its annotation is skipped too.
  image::Index marked;
  image::Descriptor sneaky = entry(hex_digest('4'), "linux", "amd64");
  sneaky.annotations = attestation.annotations;
  marked.manifests.push_back(sneaky);
  marked.manifests.push_back(entry(hex_digest('5'), "linux", "amd64"));
  CHECK(image::choose_platform(marked, image::parse_platform("linux/amd64")).digest == hex_digest('5'));

  // Entries without a platform are a last resort.
  image::Index mixed;
  image::Descriptor bare = entry(hex_digest('6'), "", "");
  bare.platform.reset();
  mixed.manifests.push_back(bare);
  mixed.manifests.push_back(entry(hex_digest('7'), "linux", "amd64"));
  CHECK(image::choose_platform(mixed, image::parse_platform("linux/amd64")).digest == hex_digest('7'));
  CHECK(image::choose_platform(mixed, image::parse_platform("linux/riscv64")).digest == hex_digest('6'));
}

// ---- image config -------------------------------------------------------

TEST_CASE("config: diff_ids, history and fields") {
  std::string text = R"({"architecture":"amd64","os":"linux","created":"2024-05-06T07:08:09Z",)"
                     R"("config":{"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":[")" + kDigestA + R"(",")" +
                     kDigestB + R"("]},"history":[{"created":"2024-05-06T07:08:09Z","created_by":"/bin/sh -c #(nop) ADD x",)"
                     R"("comment":"c","author":"me"},{"created_by":"CMD [\"sh\"]","empty_layer":true}]})";
  image::ImageConfig config = image::parse_config(text, "config of x");
  CHECK(config.diff_ids() == std::vector<std::string>{kDigestA, kDigestB});
  CHECK(config.architecture() == "amd64");
  CHECK(config.os() == "linux");
  CHECK(config.variant().empty());
  CHECK(config.created() == "2024-05-06T07:08:09Z");
  CHECK(config.container_config()["Cmd"][0].as_string() == "sh");
  auto history = config.history();
  REQUIRE(history.size() == 2);
  CHECK(history[0].created_by == "/bin/sh -c #(nop) ADD x");
  CHECK(history[0].comment == "c");
  CHECK(history[0].author == "me");
  CHECK_FALSE(history[0].empty_layer);
  CHECK(history[1].empty_layer);
  CHECK(history[1].created.empty());

  // An image without layers: Docker leaves diff_ids out.
  CHECK(image::parse_config(R"({"rootfs":{"type":"layers"}})").diff_ids().empty());
  CHECK(image::parse_config("{}").container_config().is_null());
}

TEST_CASE("config: malformed configs are refused with their name") {
  CHECK_THROWS_WITH_AS(image::parse_config("[]", "config of x"), "malformed config of x: not a JSON object", Error);
  CHECK_THROWS_WITH_AS(image::parse_config("{", "config of x"), doctest::Contains("malformed config of x"), Error);
  CHECK_THROWS_WITH_AS(image::parse_config(R"({"config":[]})", "c"), "malformed c: config is not an object", Error);
  CHECK_THROWS_WITH_AS(image::parse_config("{}", "c").diff_ids(), "malformed c: no rootfs", Error);
  CHECK_THROWS_WITH_AS(image::parse_config(R"({"rootfs":{"type":"zfs","diff_ids":[]}})", "c").diff_ids(),
                       "c: unsupported rootfs type \"zfs\" (want \"layers\")", Error);
  CHECK_THROWS_WITH_AS(image::parse_config(R"({"rootfs":{"type":"layers","diff_ids":["sha256:../x"]}})", "c").diff_ids(),
                       "malformed c: invalid diff_id \"sha256:../x\"", Error);
  CHECK_THROWS_WITH_AS(image::parse_config(R"({"rootfs":{"type":"layers","diff_ids":[1]}})", "c").diff_ids(),
                       "malformed c: invalid diff_id (not a string)", Error);
}

TEST_CASE("config: chain IDs follow the OCI spec") {
  CHECK(image::chain_ids({}).empty());
  CHECK(image::chain_ids({kDigestA}) == std::vector<std::string>{kDigestA});
  // chain[1] = sha256(chain[0] + " " + diff[1]), worked out by hand with
  // sha256sum over "sha256:ca97... sha256:3e23...".
  const std::string ab = "sha256:51c0c8ace48498d6f5fee6b0592cc06f2da0f3cbe09c5a34a97dce85c3889676";
  const std::string abc = "sha256:2fce7f8ce91bcf0a1428b36e1024639fdbd9469eea762dba98aa749631885106";
  CHECK(image::chain_ids({kDigestA, kDigestB}) == std::vector<std::string>{kDigestA, ab});
  CHECK(image::chain_ids({kDigestA, kDigestB, kDigestC}) == std::vector<std::string>{kDigestA, ab, abc});
  CHECK(ab == sha256_digest(kDigestA + " " + kDigestB));
  CHECK_THROWS_AS(image::chain_ids({kDigestA, "sha256:nope"}), Error);
}

// ---- changes (import -c / commit -c) -----------------------------------

namespace {

json::Value changed(std::vector<std::string> changes, json::Value config = json::Value::object()) {
  image::apply_changes(config, changes);
  return config;
}

std::string changed_json(std::vector<std::string> changes, json::Value config = json::Value::object()) {
  return json::dump(changed(std::move(changes), std::move(config)));
}

std::string change_error(std::vector<std::string> changes, json::Value config = json::Value::object()) {
  try {
    image::apply_changes(config, changes);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("change: CMD and ENTRYPOINT in exec and shell form") {
  CHECK(changed_json({R"(CMD ["nginx", "-g", "daemon off;"])"}) == R"({"Cmd":["nginx","-g","daemon off;"]})");
  CHECK(changed_json({"CMD echo \"hi there\""}) == R"({"Cmd":["/bin/sh","-c","echo \"hi there\""]})");
  CHECK(changed_json({"cmd [\"lower\"]"}) == R"({"Cmd":["lower"]})");
  // Not a JSON list of strings: shell form, as Docker does.
  CHECK(changed_json({"CMD [not json"}) == R"({"Cmd":["/bin/sh","-c","[not json"]})");
  CHECK(changed_json({R"(CMD ["a", 1])"}) == R"({"Cmd":["/bin/sh","-c","[\"a\", 1]"]})");
  CHECK(changed_json({"CMD []"}) == R"({"Cmd":[]})");
  CHECK(changed_json({"ENTRYPOINT top -b"}) == R"({"Entrypoint":["/bin/sh","-c","top -b"]})");
  CHECK(change_error({"CMD"}) == "CMD requires at least one argument");
  CHECK(change_error({"CMD --help"}) == "unknown flag: help");
  CHECK(changed_json({R"(CMD ["--help"])"}) == R"({"Cmd":["--help"]})");
}

TEST_CASE("change: ENTRYPOINT clears an old Cmd unless the same changes set one") {
  json::Value base = json::parse(R"({"Cmd":["old"],"Entrypoint":["x"]})");
  CHECK(changed_json({R"(ENTRYPOINT ["new"])"}, base) == R"({"Entrypoint":["new"]})");
  CHECK(changed_json({R"(CMD ["a"])", R"(ENTRYPOINT ["b"])"}, base) == R"({"Cmd":["a"],"Entrypoint":["b"]})");
  CHECK(changed_json({R"(ENTRYPOINT ["b"])", R"(CMD ["a"])"}, base) == R"({"Cmd":["a"],"Entrypoint":["b"]})");
  // One change at a time: each call is its own set of changes.
  json::Value one = base;
  image::apply_change(one, R"(CMD ["a"])");
  image::apply_change(one, R"(ENTRYPOINT ["b"])");
  CHECK(json::dump(one) == R"({"Entrypoint":["b"]})");
}

TEST_CASE("change: ENV forms, quoting, replacement and expansion") {
  CHECK(changed_json({"ENV A=b C=d"}) == R"({"Env":["A=b","C=d"]})");
  CHECK(changed_json({"ENV A b c"}) == R"({"Env":["A=b c"]})");
  CHECK(changed_json({R"(ENV MSG="hello world" X='a b' Y=c\ d)"}) == R"({"Env":["MSG=hello world","X=a b","Y=c d"]})");
  CHECK(changed_json({"ENV A=1", "ENV A=2"}) == R"({"Env":["A=2"]})");
  json::Value base = json::parse(R"({"Env":["PATH=/usr/bin","HOME=/root"]})");
  CHECK(changed_json({"ENV PATH=$PATH:/opt/bin"}, base) == R"({"Env":["PATH=/usr/bin:/opt/bin","HOME=/root"]})");
  CHECK(changed_json({"ENV P=${HOME}/x Q='$HOME' R=\"$HOME\" S=\\$HOME"}, base) ==
        R"({"Env":["PATH=/usr/bin","HOME=/root","P=/root/x","Q=$HOME","R=/root","S=$HOME"]})");
  CHECK(changed_json({"ENV D=${NOPE:-dflt} E=${HOME:+set} F=${NOPE:+set}"}, base) ==
        R"({"Env":["PATH=/usr/bin","HOME=/root","D=dflt","E=set","F="]})");
  // Pairs in one ENV see the variables from before it.
  CHECK(changed_json({"ENV A=1 B=$A"}) == R"({"Env":["A=1","B="]})");
  CHECK(changed_json({"ENV A=1", "ENV B=$A"}) == R"({"Env":["A=1","B=1"]})");
  CHECK(changed_json({"ENV A=1 \\\n    B=2"}) == R"({"Env":["A=1","B=2"]})");
  CHECK(change_error({"ENV"}) == "ENV requires at least one argument");
  CHECK(change_error({"ENV A"}) == "ENV must have two arguments");
  CHECK(change_error({"ENV =x"}) == "ENV names can not be blank");
  CHECK(change_error({"LABEL\v"}) == "LABEL requires at least one argument");
  CHECK(change_error({"ENV A=b C"}) == "Syntax error - can't find = in \"C\". Must be of the form: name=value");
  CHECK(change_error({"ENV A=\"open"}) == "unexpected end of statement while looking for matching double-quote");
  CHECK(change_error({"ENV A=\"${NOPE:?must be set}\""}) == "NOPE: must be set");
  CHECK(change_error({"ENV A=${NOPE?}"}) == "NOPE: is not allowed to be unset");
  CHECK(change_error({"ENV A=${NOPE"}) == "syntax error: missing '}'");
}

TEST_CASE("change: EXPOSE and VOLUME build sorted sets") {
  CHECK(changed_json({"EXPOSE 80"}) == R"({"ExposedPorts":{"80/tcp":{}}})");
  CHECK(changed_json({"EXPOSE 80/udp 443 8000-8002/TCP"}) ==
        R"({"ExposedPorts":{"443/tcp":{},"80/udp":{},"8000/tcp":{},"8001/tcp":{},"8002/tcp":{}}})");
  CHECK(changed_json({"EXPOSE 80", "EXPOSE 80 53/udp"}) == R"({"ExposedPorts":{"53/udp":{},"80/tcp":{}}})");
  CHECK(change_error({"EXPOSE 80/foo"}) == "invalid proto: foo");
  CHECK(change_error({"EXPOSE http"}) == "invalid containerPort: http");
  CHECK(change_error({"EXPOSE 70000"}) == "invalid containerPort: 70000");
  CHECK(change_error({"EXPOSE 90-80"}) == "invalid range specified for container port: 90-80");
  CHECK(change_error({"EXPOSE"}) == "EXPOSE requires at least one argument");

  CHECK(changed_json({R"(VOLUME ["/data", "/b"])"}) == R"({"Volumes":{"/b":{},"/data":{}}})");
  CHECK(changed_json({"VOLUME /v /a"}) == R"({"Volumes":{"/a":{},"/v":{}}})");
  CHECK(change_error({"VOLUME"}) == "VOLUME requires at least one argument");
  CHECK(change_error({R"(VOLUME [""])"}) == "VOLUME specified can not be an empty string");
}

TEST_CASE("change: WORKDIR, USER, LABEL, STOPSIGNAL, ONBUILD") {
  CHECK(changed_json({"WORKDIR /w"}) == R"({"WorkingDir":"/w"})");
  CHECK(changed_json({"WORKDIR /w", "WORKDIR sub", "WORKDIR ../x/./y"}) == R"({"WorkingDir":"/w/x/y"})");
  CHECK(changed_json({"WORKDIR rel"}) == R"({"WorkingDir":"/rel"})");
  CHECK(changed_json({"ENV D=/data", "WORKDIR $D/app"}) == R"({"Env":["D=/data"],"WorkingDir":"/data/app"})");
  CHECK(change_error({"WORKDIR"}) == "WORKDIR requires exactly one argument");

  CHECK(changed_json({"USER nobody:nogroup"}) == R"({"User":"nobody:nogroup"})");

  CHECK(changed_json({R"(LABEL b=2 a="x y" "c d"=e)"}) == R"({"Labels":{"a":"x y","b":"2","c d":"e"}})");
  CHECK(changed_json({"LABEL maintainer Jane Doe"}) == R"({"Labels":{"maintainer":"Jane Doe"}})");
  CHECK(change_error({"LABEL =x"}) == "LABEL names can not be blank");

  CHECK(changed_json({"STOPSIGNAL SIGQUIT"}) == R"({"StopSignal":"SIGQUIT"})");
  CHECK(changed_json({"STOPSIGNAL 9"}) == R"({"StopSignal":"9"})");
  CHECK(changed_json({"STOPSIGNAL SIGRTMIN+3"}) == R"({"StopSignal":"SIGRTMIN+3"})");
  CHECK(change_error({"STOPSIGNAL SIGFOO"}) == "Invalid signal: SIGFOO");
  CHECK(change_error({"STOPSIGNAL 0"}) == "Invalid signal: 0");

  CHECK(changed_json({"ONBUILD RUN make", "ONBUILD COPY --chown=1 . /src"}) ==
        R"({"OnBuild":["RUN make","COPY --chown=1 . /src"]})");
  CHECK(change_error({"ONBUILD ONBUILD RUN x"}) == "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  CHECK(change_error({"ONBUILD from x"}) == "FROM isn't allowed as an ONBUILD trigger");
}

TEST_CASE("change: HEALTHCHECK") {
  CHECK(changed_json({"HEALTHCHECK NONE"}) == R"({"Healthcheck":{"Test":["NONE"]}})");
  CHECK(changed_json({"HEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD curl -f http://x/"}) ==
        R"({"Healthcheck":{"Test":["CMD-SHELL","curl -f http://x/"],"Interval":90000000000,"Timeout":500000000,"Retries":3}})");
  CHECK(changed_json({R"(HEALTHCHECK CMD ["/bin/check", "-q"])"}) == R"({"Healthcheck":{"Test":["CMD","/bin/check","-q"]}})");
  CHECK(change_error({"HEALTHCHECK --interval=1us CMD x"}) == "Interval \"interval\" cannot be less than 1ms");
  CHECK(change_error({"HEALTHCHECK --interval=soon CMD x"}) == "time: invalid duration \"soon\"");
  CHECK(change_error({"HEALTHCHECK --bogus=1 CMD x"}) == "unknown flag: bogus");
  CHECK(change_error({"HEALTHCHECK RUN x"}) == "Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
  CHECK(change_error({"HEALTHCHECK CMD"}) == "Missing command after HEALTHCHECK CMD");
  CHECK(change_error({"HEALTHCHECK NONE x"}) == "HEALTHCHECK NONE takes no arguments");
}

TEST_CASE("change: unknown instructions fail before anything changes") {
  CHECK(change_error({"FOO x"}) == "foo is not a valid change command");
  CHECK(change_error({"RUN apt-get update"}) == "run is not a valid change command");
  CHECK(change_error({"FROM scratch"}) == "from is not a valid change command");
  json::Value config = json::parse(R"({"Env":["A=1"]})");
  CHECK_THROWS_WITH_AS(image::apply_changes(config, {"ENV A=2", "ADD x /"}), "add is not a valid change command", Error);
  CHECK(json::dump(config) == R"({"Env":["A=1"]})");
  // A failing change after a good one leaves the config as it was, too.
  CHECK_THROWS_AS(image::apply_changes(config, {"ENV A=2", "EXPOSE nope"}), Error);
  CHECK(json::dump(config) == R"({"Env":["A=1"]})");
  CHECK_THROWS_WITH_AS(image::apply_change(config, "MAINTAINER me"), "maintainer is not a valid change command", Error);
}

TEST_CASE("change: fields land in Docker's order; blank changes do nothing") {
  CHECK(changed_json({R"(CMD ["a"])", "ENV A=b", "USER u", "LABEL k=v", "WORKDIR /w", "EXPOSE 1"}) ==
        R"({"User":"u","ExposedPorts":{"1/tcp":{}},"Env":["A=b"],"Cmd":["a"],"WorkingDir":"/w","Labels":{"k":"v"}})");
  // Members kayak does not know keep their place; new ones go before the
  // first later known member.
  json::Value base = json::parse(R"({"Custom":1,"Cmd":["x"]})");
  CHECK(changed_json({"ENV A=b"}, base) == R"({"Custom":1,"Env":["A=b"],"Cmd":["x"]})");
  CHECK(changed_json({"", "  ", "# just a comment"}) == "{}");
  json::Value null_config;
  image::apply_change(null_config, "USER u");
  CHECK(json::dump(null_config) == R"({"User":"u"})");
  json::Value bad = json::Value::array();
  CHECK_THROWS_AS(image::apply_change(bad, "USER u"), Error);
}

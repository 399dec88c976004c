// The read side of the distribution API: login check, manifests, small
// blobs, tags, the catalog and v1 search.
#include "client_impl.hpp"

#include "kayak/registry/response_parsing.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/strings.hpp"

namespace kayak::registry {

namespace {

// Manifests are small; anything bigger is a registry that means harm.
constexpr size_t manifest_limit = 4 * 1024 * 1024;
constexpr size_t list_page_limit = 8 * 1024 * 1024;
constexpr int max_pages = 10000;

const std::vector<std::string> default_accept = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
};

void check_digest_reference(const std::string& what, const std::string& digest) {
  if (digest.starts_with("sha256:")) {
    if (!is_sha256_digest(digest)) fail("{}: invalid digest", what);
    return;
  }
  fail("{}: unsupported digest algorithm (only sha256 is supported)", what);
}

bool is_digest(const std::string& reference) { return reference.find(':') != std::string::npos; }

}  // namespace

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;

void Client::check_login() {
  Impl& self = *impl_;
  self.ensure_pinged();
  std::string what = "login to " + self.connect_name;
  std::string auth;
  bool bearer = false;
  for (const auto& challenge : self.challenges) bearer = bearer || challenge.scheme == "bearer";
  if (bearer) {
    for (const auto& challenge : self.challenges) {
      if (challenge.scheme == "bearer") auth = "Bearer " + self.fetch_token(challenge, "");
    }
  } else {
    auth = self.basic_authorization();
  }
  http::Transfer transfer;
  self.configure(transfer, self.base + "/v2/");
  if (!auth.empty()) transfer.add_header("Authorization: " + auth);
  self.multi.run(transfer);
  if (transfer.result() != CURLE_OK) self.fail_transport(transfer, what);
  long status = transfer.response.status;
  if (status == 401 || status == 403) fail("{}: unauthorized: incorrect username or password", what);
  if (status < 200 || status >= 300) self.fail_status(what, transfer.response);
}

FetchedManifest Client::get_manifest(const std::string& repository, const std::string& reference,
                                     const std::vector<std::string>& accept) {
  Request request;
  request.what = "manifest " + reference;
  if (is_digest(reference)) check_digest_reference(request.what, reference);
  request.url = "/v2/" + repository + "/manifests/" + reference;
  request.scope = pull_scope(repository);
  request.headers.push_back("Accept: " + str::join(accept.empty() ? default_accept : accept, ", "));
  request.body_limit = manifest_limit;
  http::Response response = impl_->send(request);
  if (response.status != 200) impl_->fail_status(request.what, response);

  FetchedManifest manifest;
  manifest.bytes = std::move(response.body);
  manifest.digest = sha256_digest(manifest.bytes);
  std::string type(str::trim(str::split(response.header("content-type"), ';')[0]));
  // Some registries (and plain file servers behind mirrors) send
  // application/json or nothing: the manifest's own mediaType says more.
  if (type.empty() || type == "application/json" || type == "text/plain") {
    try {
      std::string declared = json::parse(manifest.bytes, "manifest").string_or("mediaType");
      if (!declared.empty()) type = declared;
    } catch (const Error&) {
    }
  }
  manifest.media_type = type;
  if (is_digest(reference) && manifest.digest != reference) {
    fail("{}: the registry sent a manifest whose digest is {}", request.what, manifest.digest);
  }
  return manifest;
}

std::optional<std::string> Client::head_manifest(const std::string& repository, const std::string& reference) {
  Request request;
  request.what = "manifest " + reference;
  if (is_digest(reference)) check_digest_reference(request.what, reference);
  request.method = "HEAD";
  request.url = "/v2/" + repository + "/manifests/" + reference;
  request.scope = pull_scope(repository);
  request.headers.push_back("Accept: " + str::join(default_accept, ", "));
  http::Response response = impl_->send(request);
  if (response.status == 404) return std::nullopt;
  if (response.status != 200) impl_->fail_status(request.what, response);
  std::string digest = response.header("docker-content-digest");
  if (is_sha256_digest(digest)) return digest;
  // No usable header: the digest of the bytes themselves.
  return get_manifest(repository, reference).digest;
}

std::string Client::get_blob(const std::string& repository, const std::string& digest, int64_t size_limit) {
  Request request;
  request.what = "blob " + digest;
  check_digest_reference(request.what, digest);
  request.url = "/v2/" + repository + "/blobs/" + digest;
  request.scope = pull_scope(repository);
  request.body_limit = static_cast<size_t>(size_limit);
  http::Response response = impl_->send(request);
  if (response.status != 200) impl_->fail_status(request.what, response);
  std::string got = sha256_digest(response.body);
  if (got != digest) fail("{}: digest mismatch: the registry sent content with digest {}", request.what, got);
  return std::move(response.body);
}

namespace {

std::vector<std::string> paginate(Client::Impl& impl, Request request, const char* member) {
  std::vector<std::string> items;
  std::string url = impl.absolute(request.url);
  for (int page = 0; page < max_pages; ++page) {
    request.url = url;
    http::Response response = impl.send(request);
    if (response.status != 200) impl.fail_status(request.what, response);
    json::Value doc = json::parse(response.body, request.what);
    for (auto& item : doc.strings_at(member)) items.push_back(std::move(item));
    std::string next = next_link(response.header("link"));
    if (next.empty()) return items;
    std::string next_url = http::resolve_url(url, next);
    if (next_url == url) return items;  // a registry that loops
    url = next_url;
  }
  fail("{}: more than {} pages", request.what, max_pages);
}

}  // namespace

std::vector<std::string> Client::list_tags(const std::string& repository) {
  Request request;
  request.what = "tags of " + repository;
  request.url = "/v2/" + repository + "/tags/list";
  request.scope = pull_scope(repository);
  request.body_limit = list_page_limit;
  return paginate(*impl_, request, "tags");
}

std::vector<std::string> Client::catalog() {
  Request request;
  request.what = "catalog of " + impl_->connect_name;
  request.url = "/v2/_catalog";
  request.scope = "registry:catalog:*";
  request.body_limit = list_page_limit;
  return paginate(*impl_, request, "repositories");
}

std::optional<std::string> Client::search_v1(const std::string& term, int limit) {
  Impl& self = *impl_;
  Request request;
  request.what = "search " + self.connect_name;
  // Docker Hub answers v1 search at index.docker.io, not at the v2 host.
  std::string base = self.api_host == "registry-1.docker.io" ? "https://index.docker.io" : "";
  std::string url = (base.empty() ? self.absolute("/v1/search") : base + "/v1/search");
  url = http::add_query(url, "q", term);
  if (limit > 0) url = http::add_query(url, "n", std::to_string(limit));
  request.url = url;
  request.body_limit = list_page_limit;
  http::Response response = self.send(request);
  if (response.status == 404 || response.status == 405) return std::nullopt;
  if (response.status != 200) self.fail_status(request.what, response);
  return std::move(response.body);
}

}  // namespace kayak::registry

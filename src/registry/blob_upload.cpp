// The write side: blob existence, cross-repository mounts, blob uploads
// (monolithic, or PATCH chunks for large blobs) and manifests.
#include "client_impl.hpp"

#include "kayak/util/fd.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <sys/stat.h>

namespace kayak::registry {

std::optional<int64_t> Client::blob_exists(const std::string& repository, const std::string& digest) {
  Request request;
  request.what = "blob " + digest;
  request.method = "HEAD";
  request.url = "/v2/" + repository + "/blobs/" + digest;
  request.scope = push_scope(repository);
  http::Response response = impl_->send(request);
  if (response.status == 404) return std::nullopt;
  if (response.status != 200) impl_->fail_status(request.what, response);
  return str::parse_int(response.header("content-length")).value_or(-1);
}

bool Client::mount_blob(const std::string& repository, const std::string& digest, const std::string& from_repository) {
  Impl& self = *impl_;
  Request request;
  request.what = fmt::format("mount blob {} from {}", digest, from_repository);
  request.method = "POST";
  std::string url = http::add_query(self.absolute("/v2/" + repository + "/blobs/uploads/"), "mount", digest);
  request.url = http::add_query(url, "from", from_repository);
  request.scope = push_scope(repository) + " " + pull_scope(from_repository);
  http::Response response = self.send(request);
  if (response.status == 201) return true;
  if (response.status == 202 && !response.header("location").empty()) {
    // The registry started an ordinary upload instead: cancel it.
    Request cancel;
    cancel.what = "cancel upload";
    cancel.method = "DELETE";
    cancel.url = http::resolve_url(request.url, response.header("location"));
    cancel.scope = push_scope(repository);
    cancel.retry = false;
    try {
      self.send(cancel);
    } catch (const Error&) {
      // An abandoned upload expires on the registry anyway.
    }
  }
  return false;
}

namespace {

// One attempt at the whole upload; a TransientError means start again.
void upload_once(Client::Impl& self, const std::string& repository, const std::string& digest, int fd, int64_t size,
                 const std::function<void(int64_t, int64_t)>& progress) {
  std::string what = "upload blob " + digest;
  Request start;
  start.what = what;
  start.method = "POST";
  start.url = self.absolute("/v2/" + repository + "/blobs/uploads/");
  start.scope = push_scope(repository);
  http::Response started = self.send(start);
  if (started.status != 202) self.fail_status(what, started);
  std::string location = started.header("location");
  if (location.empty()) fail("{}: the registry gave no upload location", what);
  location = http::resolve_url(start.url, location);

  int64_t chunk = self.options.upload_chunk_size;
  if (auto min = str::parse_int(started.header("oci-chunk-min-length")); min && *min > chunk) chunk = *min;
  if (chunk < 1) chunk = 1;

  auto send_part = [&](const std::string& method, const std::string& url, int64_t offset, int64_t length) {
    Request part;
    part.what = what;
    part.method = method;
    part.url = url;
    part.scope = push_scope(repository);
    part.headers.push_back("Content-Type: application/octet-stream");
    if (method == "PATCH") {
      part.headers.push_back(fmt::format("Content-Range: {}-{}", offset, offset + length - 1));
    }
    part.body_fd = fd;
    part.body_offset = offset;
    part.body_length = length;
    // Never repeated by itself: after a failure the registry's upload
    // state is unknown, so the whole upload starts again.
    part.retry = false;
    if (progress) part.on_sent = [&, offset](int64_t sent) { progress(offset + sent, size); };
    return self.send(part);
  };

  int64_t offset = 0;
  if (size > chunk) {
    while (offset < size) {
      int64_t length = std::min(chunk, size - offset);
      http::Response response = send_part("PATCH", location, offset, length);
      if (response.status != 202) self.fail_status(what, response);
      if (std::string next = response.header("location"); !next.empty()) location = http::resolve_url(location, next);
      offset += length;
    }
  }
  http::Response done = send_part("PUT", http::add_query(location, "digest", digest), offset, size - offset);
  if (done.status != 201 && done.status != 200 && done.status != 204) self.fail_status(what, done);
  if (progress) progress(size, size);
}

}  // namespace

void Client::put_blob(const std::string& repository, const std::string& digest, const std::string& path,
                      const std::function<void(int64_t done, int64_t total)>& progress) {
  if (!is_sha256_digest(digest)) fail("blob {}: unsupported or invalid digest", digest);
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  struct stat st {};
  if (fstat(fd.get(), &st) != 0) fail_errno("stat {}", path);
  for (int attempt = 0;; ++attempt) {
    try {
      upload_once(*impl_, repository, digest, fd.get(), st.st_size, progress);
      return;
    } catch (const TransientError& e) {
      if (attempt >= impl_->options.max_retries) throw;
      impl_->back_off(attempt + 1, nullptr, e.what());
    }
  }
}

std::string Client::put_manifest(const std::string& repository, const std::string& reference,
                                 const std::string& media_type, const std::string& bytes) {
  Request request;
  request.what = "manifest " + reference;
  request.method = "PUT";
  request.url = "/v2/" + repository + "/manifests/" + reference;
  request.scope = push_scope(repository);
  request.headers.push_back("Content-Type: " + media_type);
  request.body = bytes;
  http::Response response = impl_->send(request);
  if (response.status < 200 || response.status >= 300) impl_->fail_status(request.what, response);
  std::string ours = sha256_digest(bytes);
  std::string theirs = response.header("docker-content-digest");
  if (!theirs.empty() && theirs != ours) {
    fail("{}: the registry reports digest {} for a manifest whose digest is {}", request.what, theirs, ours);
  }
  return ours;
}

}  // namespace kayak::registry

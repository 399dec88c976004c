// Blob downloads, several at once in one loop: each blob is written to its
// file and handed to its tap in order; an interrupted transfer resumes
// with Range (from the start, with a fresh tap, when the server ignores
// Range); transient failures are retried with backoff; foreign URLs come
// first; the whole file is verified against the digest before done().
#include "client_impl.hpp"

#include "kayak/util/fd.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/strings.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>

namespace kayak::registry {

namespace {

using Clock = std::chrono::steady_clock;

struct Job {
  BlobDownload* blob = nullptr;
  std::string what;                  // "blob sha256:..."
  std::vector<std::string> sources;  // foreign URLs, then the registry
  size_t source = 0;
  std::string url;                   // after redirects; "" = sources[source]
  int redirects = 0;
  int failures = 0;                  // transient failures at this source
  bool reauthorized = false;
  UniqueFd fd;
  std::unique_ptr<Sha256> hash;
  int64_t written = 0;
  std::unique_ptr<archive::ContentTap> tap;
  std::unique_ptr<http::Transfer> transfer;
  bool first_chunk = true;
  bool running = false;
  bool done = false;
  Clock::time_point not_before;
  std::string fatal;                 // set in a callback, thrown after it
  bool start_over = false;           // the server's range did not fit: from byte 0

  bool foreign() const { return source + 1 < sources.size(); }
};

// Back to byte 0: empty file, fresh hash, fresh tap (dropping the old one
// makes its child abort).
void start_over(Job& job) {
  if (ftruncate(job.fd.get(), 0) != 0) fail_errno("truncate {}", job.blob->path);
  job.written = 0;
  job.hash = std::make_unique<Sha256>();
  job.tap.reset();
  if (job.blob->make_tap) job.tap = job.blob->make_tap();
  if (job.blob->progress) job.blob->progress(0, job.blob->size);
}

// "bytes 100-199/200" -> 100
std::optional<int64_t> content_range_start(const std::string& value) {
  std::string_view text = str::trim(value);
  if (!text.starts_with("bytes ")) return std::nullopt;
  text.remove_prefix(6);
  size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  return str::parse_int(text.substr(0, dash));
}

// The body of a 2xx answer, called by libcurl: must not throw.
bool receive(Job& job, const char* data, size_t size) noexcept {
  try {
    if (job.first_chunk) {
      job.first_chunk = false;
      const http::Response& response = job.transfer->response;
      if (job.written > 0 && response.status == 200) {
        start_over(job);  // Range ignored: this is the whole blob again
      } else if (job.written > 0 && response.status == 206) {
        if (content_range_start(response.header("content-range")) != job.written) {
          job.start_over = true;
          return false;
        }
      }
    }
    if (job.blob->size >= 0 && job.written + static_cast<int64_t>(size) > job.blob->size) {
      job.fatal = fmt::format("{}: the registry sent more than the {} bytes it should have", job.what, job.blob->size);
      return false;
    }
    size_t off = 0;
    while (off < size) {
      ssize_t n = pwrite(job.fd.get(), data + off, size - off, job.written + static_cast<int64_t>(off));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) fail_errno("write {}", job.blob->path);
      off += static_cast<size_t>(n);
    }
    job.hash->update(data, size);
    if (job.tap) job.tap->write(data, size);
    job.written += static_cast<int64_t>(size);
    if (job.blob->progress) job.blob->progress(job.written, job.blob->size);
    return true;
  } catch (const std::exception& e) {
    job.fatal = fmt::format("{}: {}", job.what, e.what());
    return false;
  }
}

class BlobFetch {
public:
  BlobFetch(Client::Impl& impl, const std::string& repository, std::vector<BlobDownload>& blobs, int parallel)
      : impl_(impl), scope_(pull_scope(repository)), parallel_(parallel < 1 ? 1 : parallel) {
    for (auto& blob : blobs) {
      auto& job = jobs_.emplace_back();
      job.blob = &blob;
      job.what = "blob " + blob.digest;
      if (!is_sha256_digest(blob.digest)) fail("{}: unsupported or invalid digest", job.what);
      for (const auto& url : blob.urls) {
        if (str::to_lower(url).starts_with("http://") || str::to_lower(url).starts_with("https://")) {
          job.sources.push_back(url);
        }
      }
      job.sources.push_back("/v2/" + repository + "/blobs/" + blob.digest);
    }
  }

  ~BlobFetch() {
    // Whatever did not complete leaves nothing behind.
    for (auto& job : jobs_) {
      job.transfer.reset();
      job.tap.reset();
      if (!job.done && job.fd) unlink(job.blob->path.c_str());
    }
  }

  void run() {
    impl_.authorization(scope_);  // ping and token once, before the rush
    for (auto& job : jobs_) {
      job.fd = UniqueFd(open(job.blob->path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
      if (!job.fd) fail_errno("create {}", job.blob->path);
      start_over(job);
    }
    while (true) {
      size_t left = 0;
      int running = 0;
      for (const auto& job : jobs_) {
        left += job.done ? 0 : 1;
        running += job.running ? 1 : 0;
      }
      if (left == 0) return;
      auto now = Clock::now();
      auto wake = now + std::chrono::seconds(1);
      for (auto& job : jobs_) {
        if (job.done || job.running) continue;
        if (job.not_before <= now && running < parallel_) {
          start(job);
          ++running;
        } else if (job.not_before > now) {
          wake = std::min(wake, job.not_before);
        }
      }
      auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
      impl_.multi.step(static_cast<int>(std::clamp<int64_t>(timeout, 0, 1000)));
      for (auto& job : jobs_) {
        if (job.running && job.transfer->finished()) {
          job.running = false;
          finished(job);
          job.transfer.reset();
        }
      }
    }
  }

private:
  void start(Job& job) {
    std::string url = job.url.empty() ? impl_.absolute(job.sources[job.source]) : job.url;
    job.transfer = std::make_unique<http::Transfer>();
    http::Transfer& transfer = *job.transfer;
    impl_.configure(transfer, url);
    if (job.written > 0) transfer.add_header(fmt::format("Range: bytes={}-", job.written));
    if (impl_.is_registry_url(url)) {
      std::string auth = impl_.authorization(scope_);
      if (!auth.empty()) transfer.add_header("Authorization: " + auth);
    }
    job.first_chunk = true;
    job.start_over = false;
    transfer.set_sink([&job](const char* data, size_t size) { return receive(job, data, size); });
    impl_.multi.add(transfer);
    job.running = true;
  }

  void again_now(Job& job) { job.not_before = Clock::now(); }

  // A transient failure: wait and resume, up to max_retries; then the next
  // source, or give up with `give_up`.
  template <typename GiveUp>
  void retry(Job& job, const std::string& why, const http::Response* response, GiveUp give_up) {
    if (job.failures < impl_.options.max_retries) {
      ++job.failures;
      auto delay = impl_.retry_delay_for(job.failures, response);
      impl_.announce_retry(fmt::format("{}: {}", job.what, why), delay);
      job.url.clear();  // a redirect target may have expired: ask again
      job.not_before = Clock::now() + delay;
      return;
    }
    if (job.foreign()) return next_source(job);
    give_up();
  }

  void next_source(Job& job) {
    ++job.source;
    job.url.clear();
    job.failures = 0;
    job.redirects = 0;
    job.reauthorized = false;
    again_now(job);
  }

  void finished(Job& job) {
    http::Transfer& transfer = *job.transfer;
    if (!job.fatal.empty()) throw Error(job.fatal);
    if (job.start_over) {
      start_over(job);
      return retry(job, "the server resumed at the wrong offset", nullptr,
                   [&] { fail("{}: the server resumes downloads at the wrong offset", job.what); });
    }
    if (transfer.result() != CURLE_OK) {
      if (is_transient(transfer.result())) {
        return retry(job, transfer.error_text(), nullptr, [&] { impl_.fail_transport(transfer, job.what); });
      }
      if (job.foreign()) return next_source(job);
      impl_.fail_transport(transfer, job.what);
    }
    const http::Response& response = transfer.response;
    long status = response.status;
    if (is_redirect(status) && !response.redirect_url.empty()) {
      if (++job.redirects > 10) fail("{}: more than 10 redirects", job.what);
      job.url = response.redirect_url;
      return again_now(job);
    }
    if (status == 401 && !job.reauthorized && impl_.is_registry_url(transfer.url())) {
      job.reauthorized = true;
      if (impl_.reauthorize(response, scope_)) return again_now(job);
    }
    if (status == 416 && job.written > 0 && job.written != job.blob->size) {
      start_over(job);
      return again_now(job);
    }
    if (is_transient_status(status)) {
      return retry(job, fmt::format("HTTP {}", status), &response, [&] { impl_.fail_status(job.what, response); });
    }
    if ((status < 200 || status >= 300) && status != 416) {
      if (job.foreign()) return next_source(job);
      impl_.fail_status(job.what, response);
    }
    if (job.blob->size >= 0 && job.written < job.blob->size) {
      return retry(job, fmt::format("short read ({} of {} bytes)", job.written, job.blob->size), nullptr,
                   [&] { fail("{}: the registry sent only {} of {} bytes", job.what, job.written, job.blob->size); });
    }
    std::string got = job.hash->digest();
    if (got != job.blob->digest) {
      fail("{}: digest mismatch: the content received has digest {}", job.what, got);
    }
    if (job.tap) job.tap->finish(job.fd.get());
    job.tap.reset();
    job.done = true;
    job.fd.reset();
    if (job.blob->done) job.blob->done();
  }

  Client::Impl& impl_;
  std::string scope_;
  int parallel_;
  std::deque<Job> jobs_;
};

}  // namespace

void Client::fetch_blobs(const std::string& repository, std::vector<BlobDownload>& blobs, int parallel) {
  BlobFetch fetch(*impl_, repository, blobs, parallel);
  fetch.run();
}

}  // namespace kayak::registry

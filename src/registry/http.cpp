#include "http.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kayak::registry::http {

std::string Response::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

std::vector<std::string> Response::header_values(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (key == name) values.push_back(value);
  }
  return values;
}

Transfer::Transfer() {
  easy_ = curl().easy_init();
  if (easy_ == nullptr) fail("libcurl: cannot create a transfer");
  option(CURLOPT_PRIVATE, static_cast<void*>(this));
  option(CURLOPT_ERRORBUFFER, error_);
  option(CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  option(CURLOPT_HEADERDATA, static_cast<void*>(this));
  option(CURLOPT_WRITEFUNCTION, &Transfer::on_write);
  option(CURLOPT_WRITEDATA, static_cast<void*>(this));
  option(CURLOPT_NOSIGNAL, 1L);
}

Transfer::~Transfer() {
  if (multi_ != nullptr) multi_->remove(*this);
  curl().easy_cleanup(easy_);
  if (headers_ != nullptr) curl().slist_free_all(headers_);
}

void Transfer::set_url(const std::string& url) {
  url_ = url;
  option(CURLOPT_URL, url_.c_str());
}

void Transfer::set_method(const std::string& method) {
  if (method == "HEAD") {
    option(CURLOPT_NOBODY, 1L);
  } else if (method == "POST") {
    option(CURLOPT_POST, 1L);
    option(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(0));
  } else if (method == "PUT" || method == "PATCH") {
    option(CURLOPT_UPLOAD, 1L);
    option(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(0));
    if (method == "PATCH") option(CURLOPT_CUSTOMREQUEST, "PATCH");
  } else if (method != "GET") {
    option(CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (method == "POST" || method == "PUT" || method == "PATCH") {
    option(CURLOPT_READFUNCTION, &Transfer::on_read);
    option(CURLOPT_READDATA, static_cast<void*>(this));
    // No "Expect: 100-continue": some registries never answer it and curl
    // would then stall a second before every upload.
    add_header("Expect:");
  }
}

void Transfer::add_header(const std::string& line) {
  curl_slist* list = curl().slist_append(headers_, line.c_str());
  if (list == nullptr) fail("libcurl: out of memory");
  headers_ = list;
  option(CURLOPT_HTTPHEADER, headers_);
}

void Transfer::set_body(std::string data) {
  body_ = std::move(data);
  body_fd_ = -1;
  body_length_ = static_cast<int64_t>(body_.size());
  option(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body_length_));
  option(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(body_length_));
}

void Transfer::set_body_file(int fd, int64_t offset, int64_t length) {
  body_fd_ = fd;
  body_offset_ = offset;
  body_length_ = length;
  option(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(length));
  option(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(length));
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    // A new response starts (after 100 Continue): forget the previous one.
    self->response.headers.clear();
    auto parts = str::split(line, ' ');
    self->response.status = parts.size() >= 2 ? str::parse_int(parts[1]).value_or(0) : 0;
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && self->response.headers.size() < 500) {
    self->response.headers.emplace_back(str::to_lower(line.substr(0, colon)),
                                        std::string(str::trim(line.substr(colon + 1))));
  }
  return bytes;
}

size_t Transfer::on_write(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  size_t bytes = size * count;
  long status = self->response.status;
  if (status >= 200 && status < 300 && self->sink_) {
    if (!self->sink_(data, bytes)) {
      self->sink_aborted_ = true;
      return 0;
    }
    return bytes;
  }
  bool success = status >= 200 && status < 300;
  if (!success) {
    // An error body only feeds a message: keep its start, and stop a
    // registry that sends one without end.
    constexpr size_t kept = 64 * 1024, allowed = 16 * 1024 * 1024;
    self->error_bytes_ += bytes;
    if (self->error_bytes_ > allowed) {
      self->overflowed_ = true;
      return 0;
    }
    if (self->response.body.size() < kept) {
      self->response.body.append(data, std::min(bytes, kept - self->response.body.size()));
    }
    return bytes;
  }
  if (self->response.body.size() + bytes > self->body_limit_) {
    self->overflowed_ = true;
    return 0;
  }
  self->response.body.append(data, bytes);
  return bytes;
}

size_t Transfer::on_read(char* data, size_t size, size_t count, void* self_ptr) {
  auto* self = static_cast<Transfer*>(self_ptr);
  int64_t want = std::min<int64_t>(static_cast<int64_t>(size * count), self->body_length_ - self->sent_);
  if (want <= 0) return 0;
  if (self->body_fd_ < 0) {
    std::memcpy(data, self->body_.data() + self->sent_, static_cast<size_t>(want));
    self->sent_ += want;
    return static_cast<size_t>(want);
  }
  ssize_t got;
  do {
    got = pread(self->body_fd_, data, static_cast<size_t>(want), self->body_offset_ + self->sent_);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) return CURL_READFUNC_ABORT;  // the file shrank or failed: never send short
  self->sent_ += got;
  if (self->on_sent_) self->on_sent_(self->sent_);
  return static_cast<size_t>(got);
}

void Transfer::complete(CURLcode result) {
  finished_ = true;
  result_ = result;
  long err = 0;
  curl().easy_getinfo(easy_, CURLINFO_OS_ERRNO, &err);
  os_errno_ = static_cast<int>(err);
  char* location = nullptr;
  if (curl().easy_getinfo(easy_, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != nullptr) {
    response.redirect_url = location;
  }
}

Multi::Multi() {
  multi_ = curl().multi_init();
  if (multi_ == nullptr) fail("libcurl: cannot create a transfer loop");
}

Multi::~Multi() { curl().multi_cleanup(multi_); }

void Multi::add(Transfer& transfer) {
  if (transfer.multi_ != nullptr) fail("internal error: transfer started twice");
  if (curl().multi_add_handle(multi_, transfer.easy_) != CURLM_OK) fail("libcurl: cannot start a transfer");
  transfer.multi_ = this;
}

void Multi::remove(Transfer& transfer) {
  if (transfer.multi_ != this) return;
  curl().multi_remove_handle(multi_, transfer.easy_);
  transfer.multi_ = nullptr;
}

int Multi::collect() {
  int ended = 0;
  int left = 0;
  while (CURLMsg* message = curl().multi_info_read(multi_, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    void* owner = nullptr;
    curl().easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &owner);
    auto* transfer = static_cast<Transfer*>(owner);
    CURLcode result = message->data.result;
    remove(*transfer);  // invalidates message
    transfer->complete(result);
    ++ended;
  }
  return ended;
}

void Multi::step(int timeout_ms) {
  int running = 0;
  curl().multi_perform(multi_, &running);
  if (collect() > 0) return;
  // Nothing ended: wait for a socket (or, with nothing running, just wait).
  int ready = 0;
  curl().multi_poll(multi_, nullptr, 0, timeout_ms, &ready);
  curl().multi_perform(multi_, &running);
  collect();
}

void Multi::run(Transfer& transfer) {
  if (transfer.multi_ == nullptr && !transfer.finished_) add(transfer);
  while (!transfer.finished_) step(1000);
}

namespace {

class Url {
public:
  Url() : handle_(curl().url()) {
    if (handle_ == nullptr) fail("libcurl: out of memory");
  }
  ~Url() { curl().url_cleanup(handle_); }
  Url(const Url&) = delete;
  Url& operator=(const Url&) = delete;

  void set(const std::string& url) {
    if (curl().url_set(handle_, CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) fail("invalid URL {}", url);
  }
  std::string get(CURLUPart part, unsigned flags = 0) const {
    char* text = nullptr;
    if (curl().url_get(handle_, part, &text, flags) != CURLUE_OK || text == nullptr) return "";
    std::string out(text);
    curl().free(text);
    return out;
  }

private:
  CURLU* handle_;
};

}  // namespace

std::string resolve_url(const std::string& base, const std::string& reference) {
  Url url;
  url.set(base);
  url.set(reference);
  return url.get(CURLUPART_URL);
}

std::string url_origin(const std::string& text) {
  Url url;
  url.set(text);
  return str::to_lower(url.get(CURLUPART_SCHEME) + "://" + url.get(CURLUPART_HOST) + ":" +
                       url.get(CURLUPART_PORT, CURLU_DEFAULT_PORT));
}

std::string url_authority(const std::string& text) {
  Url url;
  url.set(text);
  std::string port = url.get(CURLUPART_PORT);
  return port.empty() ? url.get(CURLUPART_HOST) : url.get(CURLUPART_HOST) + ":" + port;
}

std::string url_host(const std::string& text) {
  Url url;
  url.set(text);
  return url.get(CURLUPART_HOST);
}

std::string query_escape(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string add_query(const std::string& url, std::string_view name, std::string_view value) {
  char sep = url.find('?') == std::string::npos ? '?' : '&';
  if (!url.empty() && (url.back() == '?' || url.back() == '&')) sep = '\0';
  std::string out = url;
  if (sep != '\0') out += sep;
  return out + query_escape(name) + "=" + query_escape(value);
}

}  // namespace kayak::registry::http

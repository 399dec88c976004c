// One HTTP exchange (Transfer, a libcurl easy handle with its callbacks)
// and the loop that drives any number of them (Multi, a libcurl multi
// handle polled from the calling thread). No redirects are followed here
// and nothing is retried: the client decides, because it must drop
// Authorization when a redirect leaves the registry and resume blobs with
// Range.
//
// Threads: none of ours. Debian's libcurl resolves host names in a
// short-lived thread of its own (IP literals such as 127.0.0.1 need none);
// it ends with the lookup, and user-namespace work happens in forked
// children anyway, so unshare/setns never meet it.
#pragma once

#include "curl_api.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kayak::registry::http {

struct Response {
  long status = 0;
  // Headers of the final response (after 100 Continue), names lower-case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;           // non-2xx bodies always; 2xx unless a sink took them
  std::string redirect_url;   // absolute Location of a 3xx
  std::string header(std::string_view name) const;  // first; "" when absent
  std::vector<std::string> header_values(std::string_view name) const;
};

class Multi;

class Transfer {
public:
  Transfer();
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* handle() const { return easy_; }
  void set_url(const std::string& url);
  const std::string& url() const { return url_; }
  void set_method(const std::string& method);  // GET, HEAD, POST, PUT, PATCH, DELETE
  void add_header(const std::string& line);    // "Name: value"
  void set_body(std::string data);
  // The body is length bytes of fd from offset (read with pread, so a
  // retried transfer reads them again). `sent` counts bytes handed to curl.
  void set_body_file(int fd, int64_t offset, int64_t length);
  // 2xx body bytes go to sink instead of response.body; returning false
  // aborts the transfer (aborted_by_sink() then tells why it ended).
  // Told how many body bytes were handed to libcurl so far; must not throw.
  void set_on_sent(std::function<void(int64_t sent)> on_sent) { on_sent_ = std::move(on_sent); }
  void set_sink(std::function<bool(const char* data, size_t size)> sink) { sink_ = std::move(sink); }
  // 2xx bodies kept in memory longer than this abort the transfer
  // (overflowed()); error bodies are cut at 64 KiB.
  void set_body_limit(size_t limit) { body_limit_ = limit; }
  template <typename T>
  void option(CURLoption option, T value) { curl().easy_setopt(easy_, option, value); }

  Response response;
  bool finished() const { return finished_; }
  CURLcode result() const { return result_; }
  int os_errno() const { return os_errno_; }
  const char* error_text() const { return error_[0] ? error_ : curl().easy_strerror(result_); }
  bool overflowed() const { return overflowed_; }
  bool aborted_by_sink() const { return sink_aborted_; }
  int64_t sent() const { return sent_; }

private:
  friend class Multi;
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  static size_t on_write(char* data, size_t size, size_t count, void* self);
  static size_t on_read(char* data, size_t size, size_t count, void* self);
  void complete(CURLcode result);

  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  Multi* multi_ = nullptr;
  std::string url_;
  std::string body_;
  int body_fd_ = -1;
  int64_t body_offset_ = 0;
  int64_t body_length_ = 0;
  int64_t sent_ = 0;
  size_t error_bytes_ = 0;
  std::function<bool(const char*, size_t)> sink_;
  std::function<void(int64_t)> on_sent_;
  size_t body_limit_ = 64 * 1024;
  bool finished_ = false;
  bool overflowed_ = false;
  bool sink_aborted_ = false;
  CURLcode result_ = CURLE_OK;
  int os_errno_ = 0;
  char error_[CURL_ERROR_SIZE] = {};
};

// Transfers added to a Multi run together; step() advances all of them,
// whoever calls it (a token fetched in the middle of a pull moves the blob
// downloads along too), and marks the ones that ended as finished.
class Multi {
public:
  Multi();
  ~Multi();
  Multi(const Multi&) = delete;
  Multi& operator=(const Multi&) = delete;

  void add(Transfer& transfer);
  void remove(Transfer& transfer);
  // Moves data, waiting up to timeout_ms for any socket.
  void step(int timeout_ms);
  // Runs until this transfer finished.
  void run(Transfer& transfer);

private:
  int collect();  // marks ended transfers finished; how many
  CURLM* multi_ = nullptr;
};

// URL helpers (libcurl's URL parser).
// `reference` resolved against `base` (absolute references are kept).
std::string resolve_url(const std::string& base, const std::string& reference);
// "scheme://host:port" with the default port made explicit, lower-case.
std::string url_origin(const std::string& url);
// "host:port" as written in the URL (for messages); the port only when given.
std::string url_authority(const std::string& url);
std::string url_host(const std::string& url);
// Percent-encoding for a query value.
std::string query_escape(std::string_view value);
// Appends "name=value" (escaped) to url's query.
std::string add_query(const std::string& url, std::string_view name, std::string_view value);

}  // namespace kayak::registry::http

// The state behind registry::Client and the request machinery its
// operations share. Split by job: endpoint.cpp (where and how to connect:
// scheme, TLS, proxies, the /v2/ ping), auth.cpp (challenges and tokens),
// request.cpp (one request with auth, redirects, retries and errors),
// client.cpp, blob_fetch.cpp and blob_upload.cpp (the API).
#pragma once

#include "http.hpp"
#include "kayak/registry/auth_challenge.hpp"
#include "kayak/registry/client.hpp"
#include "kayak/util/error.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kayak::registry {

// A failure worth trying again later (a reset connection, 5xx, 429), once
// the retries of the request itself are spent.
class TransientError : public Error {
public:
  using Error::Error;
};

struct Request {
  std::string what;             // names the thing in errors: "manifest latest"
  std::string method = "GET";
  std::string url;              // absolute, or a path on the registry ("/v2/...")
  std::string scope;            // token scope(s), space-separated; "" for none
  std::vector<std::string> headers;
  std::optional<std::string> body;
  int body_fd = -1;             // or a file range as the body
  int64_t body_offset = 0;
  int64_t body_length = 0;
  size_t body_limit = 64 * 1024;
  bool retry = true;            // false for requests that must not be repeated blindly
  std::function<void(int64_t sent)> on_sent;  // upload progress of the body
};

std::string pull_scope(const std::string& repository);
std::string push_scope(const std::string& repository);

struct Client::Impl {
  explicit Impl(ClientOptions options);

  ClientOptions options;
  std::string connect_name;   // registry or endpoint as written ("127.0.0.1:5000")
  std::string api_host;       // what is connected to ("registry-1.docker.io")
  bool allow_http = false;    // plain HTTP allowed (insecure, or loopback)
  bool insecure = false;      // TLS certificates not verified
  std::string base;           // "https://host[:port]" once pinged
  std::string base_origin;
  std::vector<Challenge> challenges;
  std::string ca_bundle;      // system CAs plus certs.d's, when certs.d has any
  std::string client_cert, client_key;
  http::Multi multi;

  struct CachedToken {
    std::string value;
    std::chrono::steady_clock::time_point expires;
  };
  std::map<std::string, CachedToken> tokens;

  // endpoint.cpp
  void configure(http::Transfer& transfer, const std::string& url);
  void ensure_pinged();
  std::string absolute(const std::string& url_or_path);
  bool is_registry_url(const std::string& url);

  // auth.cpp
  std::string authorization(const std::string& scope);
  bool reauthorize(const http::Response& response, const std::string& scope);
  std::string fetch_token(const Challenge& bearer, const std::string& scope);
  std::string basic_authorization() const;

  // request.cpp
  http::Response send(const Request& request);
  // Waits (moving other transfers along) before retry `attempt` (1, 2...),
  // as long as response's Retry-After says, else with exponential backoff.
  void back_off(int attempt, const http::Response* response, const std::string& why);
  std::chrono::milliseconds retry_delay_for(int attempt, const http::Response* response) const;
  void announce_retry(const std::string& why, std::chrono::milliseconds delay) const;
  [[noreturn]] void fail_transport(const http::Transfer& transfer, const std::string& what);
  [[noreturn]] void fail_status(const std::string& what, const http::Response& response);
};

bool is_transient(CURLcode code);
bool is_transient_status(long status);
bool is_redirect(long status);
bool is_loopback_host(const std::string& host);
// "docker.io" is served at registry-1.docker.io.
std::string api_host_of(const std::string& registry);

}  // namespace kayak::registry

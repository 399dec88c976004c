// One request to the registry as the API operations need it: the
// Authorization for its scope (sent to the registry only, never to a host
// a redirect leads to), redirects followed by hand, a fresh token after a
// 401, bounded retries with backoff for resets, 5xx and 429, and errors a
// person can act on.
#include "client_impl.hpp"

#include "kayak/registry/response_parsing.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"

#include <cstring>
#include <ctime>

namespace kayak::registry {

bool is_transient(CURLcode code) {
  switch (code) {
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool is_transient_status(long status) {
  return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

bool is_redirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::chrono::milliseconds Client::Impl::retry_delay_for(int attempt, const http::Response* response) const {
  using namespace std::chrono;
  milliseconds delay = options.retry_delay * (1LL << std::min(attempt - 1, 5));
  if (response != nullptr) {
    if (auto seconds = retry_after_seconds(response->header("retry-after"), std::time(nullptr))) {
      // Honoured, within reason: a hostile registry cannot park us for a day.
      delay = milliseconds(std::min<int64_t>(*seconds, 300) * 1000);
    }
  }
  return std::min<milliseconds>(delay, minutes(5));
}

void Client::Impl::announce_retry(const std::string& why, std::chrono::milliseconds delay) const {
  int64_t seconds = std::max<int64_t>(1, (delay.count() + 999) / 1000);
  std::string message = fmt::format("{}; retrying in {} second{}", why, seconds, seconds == 1 ? "" : "s");
  if (options.on_retry) {
    options.on_retry(message);
  } else {
    log::info("{}", message);
  }
}

void Client::Impl::back_off(int attempt, const http::Response* response, const std::string& why) {
  using namespace std::chrono;
  milliseconds delay = retry_delay_for(attempt, response);
  announce_retry(why, delay);
  // Sleep in the loop, so transfers already running keep moving.
  auto deadline = steady_clock::now() + delay;
  while (true) {
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0) break;
    multi.step(static_cast<int>(std::min<int64_t>(left, 1000)));
  }
}

http::Response Client::Impl::send(const Request& request) {
  std::string first_url = absolute(request.url);
  int failures = 0;
  bool reauthorized = false;
  while (true) {
    std::string auth = authorization(request.scope);
    std::string url = first_url;
    http::Response response;
    bool again = false;
    for (int hop = 0;; ++hop) {
      http::Transfer transfer;
      configure(transfer, url);
      transfer.set_method(request.method);
      transfer.set_body_limit(request.body_limit);
      for (const auto& header : request.headers) transfer.add_header(header);
      if (request.on_sent) transfer.set_on_sent(request.on_sent);
      if (request.body) {
        transfer.set_body(*request.body);
      } else if (request.body_fd >= 0) {
        transfer.set_body_file(request.body_fd, request.body_offset, request.body_length);
      }
      // Credentials go to the registry only: blob storage a redirect
      // points at (another host) gets a signed URL, not our token.
      if (!auth.empty() && is_registry_url(url)) transfer.add_header("Authorization: " + auth);
      multi.run(transfer);
      if (transfer.overflowed()) {
        fail("{}: the registry's answer is larger than {} bytes", request.what, request.body_limit);
      }
      if (transfer.result() != CURLE_OK) {
        if (request.retry && is_transient(transfer.result()) && failures < options.max_retries) {
          back_off(++failures, nullptr, fmt::format("{}: {}", request.what, transfer.error_text()));
          again = true;
          break;
        }
        fail_transport(transfer, request.what);
      }
      response = std::move(transfer.response);
      if (is_redirect(response.status) && !response.redirect_url.empty()) {
        if (hop == 10) fail("{}: more than 10 redirects", request.what);
        url = response.redirect_url;
        continue;
      }
      break;
    }
    if (again) continue;
    if (response.status == 401 && !reauthorized && is_registry_url(url) && reauthorize(response, request.scope)) {
      reauthorized = true;
      continue;
    }
    if (request.retry && is_transient_status(response.status) && failures < options.max_retries) {
      back_off(++failures, &response, fmt::format("{}: HTTP {}", request.what, response.status));
      continue;
    }
    return response;
  }
}

void Client::Impl::fail_transport(const http::Transfer& transfer, const std::string& what) {
  std::string where = http::url_authority(transfer.url());
  std::string prefix = what.empty() ? "" : what + ": ";
  CURLcode code = transfer.result();
  std::string message;
  switch (code) {
    case CURLE_COULDNT_CONNECT: {
      const char* why = transfer.os_errno() ? std::strerror(transfer.os_errno()) : "connection refused";
      message = fmt::format("{}cannot connect to {}: {}", prefix, where, why);
      break;
    }
    case CURLE_COULDNT_RESOLVE_HOST:
      message = fmt::format("{}cannot resolve host {}", prefix, http::url_host(transfer.url()));
      break;
    case CURLE_COULDNT_RESOLVE_PROXY:
      message = fmt::format("{}cannot resolve the proxy: {}", prefix, transfer.error_text());
      break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      message = fmt::format("{}TLS connection to {} failed: {}", prefix, where, transfer.error_text());
      if (!(insecure && str::to_lower(where) == str::to_lower(api_host))) {
        message += fmt::format(
            " (if you trust {0}, --tls-verify=false or insecure = true for {0} in registries.conf "
            "turns verification off for this registry only)",
            where);
      }
      break;
    case CURLE_OPERATION_TIMEDOUT:
      message = fmt::format("{}{} timed out", prefix, where);
      break;
    default:
      message = fmt::format("{}{}: {}", prefix, where, transfer.error_text());
  }
  if (is_transient(code)) throw TransientError(message);
  throw Error(message);
}

void Client::Impl::fail_status(const std::string& what, const http::Response& response) {
  std::string detail = registry_error_message(response.body);
  std::string message = fmt::format("{}: HTTP {}", what, response.status);
  if (!detail.empty()) message += ": " + detail;
  if (is_transient_status(response.status)) throw TransientError(message);
  throw Error(message);
}

}  // namespace kayak::registry

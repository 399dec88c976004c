// Where and how to connect: the API host, the scheme (decided by the /v2/
// ping), TLS per certs.d, proxies.
//
// Scheme: HTTPS always first. An insecure registry (--tls-verify=false,
// insecure = true, or a loopback host) then falls back to plain HTTP when
// TLS cannot be spoken at all, as Docker and podman do; a TLS registry on
// 127.0.0.1 therefore still works, at the price of one refused handshake
// against a plain one.
//
// Certificates: not verified for an insecure registry (and only for the
// registry itself: a token server or blob store elsewhere is verified as
// usual). A loopback registry counts as insecure unless certs.d holds a CA
// or client certificate for it: whoever put one there wants it used.
#include "client_impl.hpp"

#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>
#include <cstdlib>

#include "kayak_config.h"

namespace kayak::registry {

std::string api_host_of(const std::string& registry) {
  if (registry == "docker.io" || registry == "index.docker.io") return "registry-1.docker.io";
  return registry;
}

bool is_loopback_host(const std::string& host_in) {
  std::string host = str::to_lower(host_in);
  if (host.starts_with('[')) host = host.substr(1, host.find(']') == std::string::npos ? host.size() - 1 : host.find(']') - 1);
  if (host == "::1" || host == "localhost" || host == "0:0:0:0:0:0:0:1") return true;
  auto octets = str::split(host, '.');
  if (octets.size() != 4) return false;
  for (const auto& octet : octets) {
    auto n = str::parse_uint(octet);
    if (!n || *n > 255) return false;
  }
  return octets[0] == "127";
}

namespace {

// "host", "host:port", "[v6]:port" -> host
std::string host_part(const std::string& host_port) {
  if (host_port.starts_with('[')) {
    size_t close = host_port.find(']');
    return close == std::string::npos ? host_port : host_port.substr(0, close + 1);
  }
  size_t colon = host_port.find(':');
  if (colon != std::string::npos && host_port.find(':', colon + 1) == std::string::npos) return host_port.substr(0, colon);
  return host_port;
}

std::vector<std::string> default_certs_dirs() {
  std::vector<std::string> dirs;
  if (const char* home = std::getenv("HOME"); home && *home && getuid() != 0) {
    dirs.push_back(fs::join(home, ".config/containers/certs.d"));
  }
  dirs.push_back("/etc/containers/certs.d");
  dirs.push_back("/etc/docker/certs.d");
  return dirs;
}

}  // namespace

Client::Impl::Impl(ClientOptions opts) : options(std::move(opts)) {
  connect_name = options.endpoint.empty() ? options.registry : options.endpoint;
  if (connect_name.empty()) fail("internal error: registry client without a registry");
  api_host = api_host_of(connect_name);
  bool loopback = is_loopback_host(host_part(api_host));
  allow_http = options.insecure || loopback;

  // certs.d: the first directory that has HOST[:PORT] is used, as in
  // containers/image. *.crt are CAs (added to the system's), a *.cert
  // needs the *.key of the same name.
  auto dirs = options.certs_dirs.empty() ? default_certs_dirs() : options.certs_dirs;
  for (const auto& dir : dirs) {
    std::string host_dir = fs::join(dir, connect_name);
    if (!fs::is_dir(host_dir)) continue;
    std::string extra_cas;
    auto names = fs::list_dir(host_dir);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
      std::string path = fs::join(host_dir, name);
      if (name.ends_with(".crt")) {
        extra_cas += fs::read_file(path) + "\n";
      } else if (name.ends_with(".cert")) {
        std::string key = fs::join(host_dir, name.substr(0, name.size() - 5) + ".key");
        if (!fs::exists(key)) fail("registry {}: client certificate {} has no key {}", connect_name, path, key);
        client_cert = path;
        client_key = key;
      }
    }
    if (!extra_cas.empty()) {
      // A CA blob replaces curl's default bundle: start from the system's.
      http::Transfer probe;
      char* system_bundle = nullptr;
      probe.option(CURLOPT_URL, "https://localhost/");
      if (curl().easy_getinfo(probe.handle(), CURLINFO_CAINFO, &system_bundle) == CURLE_OK && system_bundle) {
        fs::read_file_if_exists(system_bundle, ca_bundle);
      }
      ca_bundle += "\n" + extra_cas;
    }
    break;
  }
  insecure = options.insecure || (loopback && ca_bundle.empty() && client_cert.empty());
}

void Client::Impl::configure(http::Transfer& transfer, const std::string& url) {
  transfer.set_url(url);
  transfer.option(CURLOPT_USERAGENT, "kayak/" KAYAK_VERSION);
  transfer.option(CURLOPT_PROTOCOLS_STR, "http,https");
  transfer.option(CURLOPT_CONNECTTIMEOUT, 30L);
  // A connection that stalls (no byte for a minute) is dropped and retried.
  transfer.option(CURLOPT_LOW_SPEED_LIMIT, 1L);
  transfer.option(CURLOPT_LOW_SPEED_TIME, 60L);
  transfer.option(CURLOPT_TCP_KEEPALIVE, 1L);

  std::string host = http::url_host(url);
  std::string authority = http::url_authority(url);
  bool is_registry = str::to_lower(authority) == str::to_lower(api_host);
  bool https = str::to_lower(url).starts_with("https:");
  if (https && ((is_registry && insecure) || (!is_registry && is_loopback_host(host)))) {
    transfer.option(CURLOPT_SSL_VERIFYPEER, 0L);
    transfer.option(CURLOPT_SSL_VERIFYHOST, 0L);
  } else if (https && is_registry) {
    if (!ca_bundle.empty()) {
      curl_blob blob{ca_bundle.data(), ca_bundle.size(), CURL_BLOB_COPY};
      transfer.option(CURLOPT_CAINFO_BLOB, &blob);
    }
    if (!client_cert.empty()) {
      transfer.option(CURLOPT_SSLCERT, client_cert.c_str());
      transfer.option(CURLOPT_SSLKEY, client_key.c_str());
    }
  }

  // Proxies come from the environment (libcurl reads http_proxy,
  // HTTPS_PROXY, NO_PROXY...). Two adjustments, as Go programs (Docker,
  // podman) behave: loopback never goes through a proxy, and upper-case
  // HTTP_PROXY counts too (libcurl only reads it lower-case).
  if (is_loopback_host(host)) {
    transfer.option(CURLOPT_PROXY, "");
  } else if (!https && std::getenv("http_proxy") == nullptr) {
    if (const char* proxy = std::getenv("HTTP_PROXY"); proxy && *proxy) transfer.option(CURLOPT_PROXY, proxy);
  }
}

bool Client::Impl::is_registry_url(const std::string& url) {
  return !base_origin.empty() && http::url_origin(url) == base_origin;
}

std::string Client::Impl::absolute(const std::string& url_or_path) {
  if (url_or_path.starts_with("/")) {
    ensure_pinged();
    return base + url_or_path;
  }
  return url_or_path;
}

void Client::Impl::ensure_pinged() {
  if (!base.empty()) return;
  std::vector<std::string> schemes = {"https"};
  if (allow_http) schemes.push_back("http");
  for (size_t i = 0; i < schemes.size(); ++i) {
    std::string candidate = schemes[i] + "://" + api_host;
    bool last = i + 1 == schemes.size();
    for (int attempt = 0;; ++attempt) {
      http::Transfer transfer;
      configure(transfer, candidate + "/v2/");
      multi.run(transfer);
      if (transfer.result() != CURLE_OK) {
        CURLcode code = transfer.result();
        // Plain HTTP next only when TLS is not spoken there at all: a
        // certificate that fails verification is reported as such.
        bool no_tls_here = code != CURLE_COULDNT_CONNECT && code != CURLE_COULDNT_RESOLVE_HOST &&
                           code != CURLE_COULDNT_RESOLVE_PROXY && code != CURLE_PEER_FAILED_VERIFICATION &&
                           code != CURLE_SSL_CERTPROBLEM && code != CURLE_SSL_CACERT_BADFILE;
        if (!last && no_tls_here) break;
        if (is_transient(code) && attempt < options.max_retries) {
          back_off(attempt + 1, nullptr, "ping: " + std::string(transfer.error_text()));
          continue;
        }
        fail_transport(transfer, "");  // the host it names says enough
      }
      const http::Response& response = transfer.response;
      if (is_transient_status(response.status) && attempt < options.max_retries) {
        back_off(attempt + 1, &response, fmt::format("ping: HTTP {}", response.status));
        continue;
      }
      if (response.status == 401) {
        for (const auto& value : response.header_values("www-authenticate")) {
          for (auto& challenge : parse_challenges(value)) challenges.push_back(std::move(challenge));
        }
      } else if (response.status < 200 || response.status >= 300) {
        fail_status(fmt::format("{} does not look like a registry: GET /v2/", connect_name), response);
      }
      base = candidate;
      base_origin = http::url_origin(base + "/");
      if (schemes[i] == "http" && !is_loopback_host(host_part(api_host))) {
        log::debug("registry {}: using plain HTTP", connect_name);
      }
      return;
    }
  }
}

}  // namespace kayak::registry

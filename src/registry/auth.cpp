// Authentication: the challenges the registry sent, Bearer tokens fetched
// from its token server (anonymously, with a username and password, or
// with an identity token) and cached per scope until they expire, and
// Basic credentials. Passwords and tokens never appear in a message.
#include "client_impl.hpp"

#include "kayak/util/base64.hpp"
#include "kayak/util/strings.hpp"

namespace kayak::registry {

std::string pull_scope(const std::string& repository) { return "repository:" + repository + ":pull"; }
std::string push_scope(const std::string& repository) { return "repository:" + repository + ":pull,push"; }

namespace {

const Challenge* find_scheme(const std::vector<Challenge>& challenges, const char* scheme) {
  for (const auto& challenge : challenges) {
    if (challenge.scheme == scheme) return &challenge;
  }
  return nullptr;
}

}  // namespace

std::string Client::Impl::basic_authorization() const {
  const auto& creds = options.credentials;
  if (!creds || creds->username.empty()) return "";
  return "Basic " + base64_encode(creds->username + ":" + creds->password);
}

std::string Client::Impl::authorization(const std::string& scope) {
  ensure_pinged();
  if (const Challenge* bearer = find_scheme(challenges, "bearer")) {
    auto now = std::chrono::steady_clock::now();
    auto cached = tokens.find(scope);
    if (cached != tokens.end() && cached->second.expires > now) return "Bearer " + cached->second.value;
    return "Bearer " + fetch_token(*bearer, scope);
  }
  if (find_scheme(challenges, "basic")) return basic_authorization();
  return "";
}

bool Client::Impl::reauthorize(const http::Response& response, const std::string& scope) {
  std::vector<Challenge> fresh;
  for (const auto& value : response.header_values("www-authenticate")) {
    for (auto& challenge : parse_challenges(value)) fresh.push_back(std::move(challenge));
  }
  if (fresh.empty()) return false;
  challenges = fresh;
  tokens.erase(scope);
  if (const Challenge* bearer = find_scheme(challenges, "bearer")) {
    // The registry names the scope it wants (push as well as pull, say):
    // ask for that too.
    std::string wanted = scope;
    std::string asked = bearer->param("scope");
    if (!asked.empty() && !str::contains(" " + wanted + " ", " " + asked + " ")) {
      wanted = wanted.empty() ? asked : wanted + " " + asked;
    }
    fetch_token(*bearer, wanted);
    tokens[scope] = tokens[wanted];
    return true;
  }
  return find_scheme(challenges, "basic") && !basic_authorization().empty();
}

std::string Client::Impl::fetch_token(const Challenge& bearer, const std::string& scope) {
  std::string realm = bearer.param("realm");
  if (realm.empty()) fail("registry {}: its Bearer challenge names no token server (realm)", connect_name);
  std::string service = bearer.param("service");
  std::vector<std::string> scopes;
  for (const auto& part : str::split(scope, ' ')) {
    if (!part.empty()) scopes.push_back(part);
  }
  const auto& creds = options.credentials;
  std::string what = fmt::format("authenticate to {}", connect_name);

  for (int attempt = 0;; ++attempt) {
    http::Transfer transfer;
    transfer.set_body_limit(1024 * 1024);
    if (creds && !creds->identity_token.empty()) {
      // OAuth2: the identity token is a refresh token, posted as a form so
      // it never shows in a URL.
      std::string form = "grant_type=refresh_token&client_id=kayak&refresh_token=" +
                         http::query_escape(creds->identity_token);
      if (!service.empty()) form += "&service=" + http::query_escape(service);
      for (const auto& s : scopes) form += "&scope=" + http::query_escape(s);
      configure(transfer, realm);
      transfer.set_method("POST");
      transfer.add_header("Content-Type: application/x-www-form-urlencoded");
      transfer.set_body(std::move(form));
    } else {
      std::string url = realm;
      if (!service.empty()) url = http::add_query(url, "service", service);
      for (const auto& s : scopes) url = http::add_query(url, "scope", s);
      configure(transfer, url);
      if (std::string basic = basic_authorization(); !basic.empty()) transfer.add_header("Authorization: " + basic);
    }
    multi.run(transfer);
    if (transfer.result() != CURLE_OK) {
      if (is_transient(transfer.result()) && attempt < options.max_retries) {
        back_off(attempt + 1, nullptr, what + ": " + transfer.error_text());
        continue;
      }
      fail_transport(transfer, what);
    }
    const http::Response& response = transfer.response;
    if (is_transient_status(response.status) && attempt < options.max_retries) {
      back_off(attempt + 1, &response, fmt::format("{}: HTTP {}", what, response.status));
      continue;
    }
    if (response.status == 401 || response.status == 403) {
      if (creds && !creds->empty()) fail("{}: unauthorized: incorrect username or password", what);
      fail_status(what + ": the token server refuses anonymous access (log in first)", response);
    }
    if (response.status < 200 || response.status >= 300) fail_status(what + ": token server", response);
    Token token;
    try {
      token = parse_token_response(response.body);
    } catch (const Error& e) {
      fail("{}: {}", what, e.what());
    }
    // Cached a little shorter than granted, so a token never expires in
    // flight between our check and the registry's.
    auto lifetime = std::chrono::seconds(token.expires_in - 10);
    tokens[scope] = CachedToken{token.value, std::chrono::steady_clock::now() + lifetime};
    return token.value;
  }
}

}  // namespace kayak::registry

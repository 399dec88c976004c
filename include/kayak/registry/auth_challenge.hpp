// Parsing what registries and token servers say about authentication:
// WWW-Authenticate challenges (RFC 7235) and token responses (Docker's
// token protocol). Pure functions over untrusted text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::registry {

struct Challenge {
  std::string scheme;                         // lower-case: "bearer", "basic"
  std::map<std::string, std::string> params;  // names lower-case, values unquoted
  std::string param(const std::string& name) const {
    auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

// Every challenge in one WWW-Authenticate value: `Bearer realm="a,b",
// service="x", Basic realm="y"` is two. Quoted strings may hold commas and
// backslash escapes. Malformed parts are skipped, never fatal.
std::vector<Challenge> parse_challenges(std::string_view header);

struct Token {
  std::string value;
  int64_t expires_in = 60;  // seconds, at least 60 (as Docker treats shorter)
};

// {"token": ..., "access_token": ..., "expires_in": N}: "token" wins, as in
// Docker's client; throws kayak::Error when neither is present.
Token parse_token_response(std::string_view body);

}  // namespace kayak::registry

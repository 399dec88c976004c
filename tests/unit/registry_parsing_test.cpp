// The pure parts of the registry client: WWW-Authenticate challenges, token
// responses, Link pagination, Retry-After and registry error bodies.
#include "kayak/registry/auth_challenge.hpp"
#include "kayak/registry/response_parsing.hpp"
#include "kayak/util/base64.hpp"
#include "kayak/util/error.hpp"

#include <doctest/doctest.h>

using namespace kayak;
using namespace kayak::registry;

TEST_CASE("a Bearer challenge gives realm, service and scope") {
  auto challenges = parse_challenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull")");
  REQUIRE(challenges.size() == 1);
  CHECK(challenges[0].scheme == "bearer");
  CHECK(challenges[0].param("realm") == "https://auth.docker.io/token");
  CHECK(challenges[0].param("service") == "registry.docker.io");
  CHECK(challenges[0].param("scope") == "repository:library/nginx:pull");
  CHECK(challenges[0].param("error") == "");
}

TEST_CASE("several challenges in one header, quoted commas and escapes") {
  auto challenges = parse_challenges(
      R"(Bearer realm="https://a.example/token?x=1,2", scope="repository:a:pull,push" , error="insufficient_scope", )"
      R"(Basic realm="say \"hi\", please", BASIC Realm=plain)");
  REQUIRE(challenges.size() == 3);
  CHECK(challenges[0].scheme == "bearer");
  CHECK(challenges[0].param("realm") == "https://a.example/token?x=1,2");
  CHECK(challenges[0].param("scope") == "repository:a:pull,push");
  CHECK(challenges[0].param("error") == "insufficient_scope");
  CHECK(challenges[1].scheme == "basic");
  CHECK(challenges[1].param("realm") == R"(say "hi", please)");
  CHECK(challenges[2].scheme == "basic");
  CHECK(challenges[2].param("realm") == "plain");
}

TEST_CASE("malformed challenges are skipped, never fatal") {
  CHECK(parse_challenges("").empty());
  CHECK(parse_challenges(" , ,").empty());
  auto challenges = parse_challenges(R"(Basic, Bearer realm="unterminated)");
  REQUIRE(challenges.size() == 2);
  CHECK(challenges[0].scheme == "basic");
  CHECK(challenges[0].params.empty());
  CHECK(challenges[1].param("realm") == "unterminated");
  auto odd = parse_challenges(R"(@@@ Negotiate abc==, Basic realm="x")");
  REQUIRE(!odd.empty());
  CHECK(odd.back().scheme == "basic");
  CHECK(odd.back().param("realm") == "x");
}

TEST_CASE("token responses: token or access_token, expiry at least 60 s") {
  auto token = parse_token_response(R"({"token":"abc","access_token":"other","expires_in":300})");
  CHECK(token.value == "abc");
  CHECK(token.expires_in == 300);
  token = parse_token_response(R"({"access_token":"xyz"})");
  CHECK(token.value == "xyz");
  CHECK(token.expires_in == 60);
  CHECK(parse_token_response(R"({"token":"t","expires_in":5})").expires_in == 60);
  CHECK_THROWS_AS(parse_token_response(R"({"expires_in":5})"), Error);
  CHECK_THROWS_AS(parse_token_response("<html>"), Error);
}

TEST_CASE("Link header: the next page, wherever it is listed") {
  CHECK(next_link(R"(</v2/_catalog?last=b&n=2>; rel="next")") == "/v2/_catalog?last=b&n=2");
  CHECK(next_link(R"(<https://r.example/v2/x/tags/list?last=1>; rel="prev", <https://r.example/v2/x/tags/list?last=9>; rel=next)") ==
        "https://r.example/v2/x/tags/list?last=9");
  CHECK(next_link(R"(</a>; title="x, y"; rel="first next")") == "/a");
  CHECK(next_link(R"(</a>; rel="prev")") == "");
  CHECK(next_link("") == "");
  CHECK(next_link("<unterminated") == "");
}

TEST_CASE("Retry-After: seconds or an HTTP date") {
  CHECK(retry_after_seconds("7", 0) == 7);
  CHECK(retry_after_seconds(" 0 ", 0) == 0);
  // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
  CHECK(retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30) == 30);
  CHECK(retry_after_seconds("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30) == 0);
  CHECK_FALSE(retry_after_seconds("", 0).has_value());
  CHECK_FALSE(retry_after_seconds("soon", 0).has_value());
  CHECK_FALSE(retry_after_seconds("-5", 0).has_value());
}

TEST_CASE("registry error bodies become a message a person can act on") {
  CHECK(registry_error_message(R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]})") ==
        "manifest unknown");
  CHECK(registry_error_message(R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})") ==
        "unauthorized: authentication required");
  CHECK(registry_error_message(R"({"errors":[{"code":"DENIED"},{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})") ==
        "denied; name unknown: repository name not known to registry");
  CHECK(registry_error_message("<html>502 Bad Gateway</html>") == "");
  CHECK(registry_error_message(R"({"errors":"no"})") == "");
  CHECK(registry_error_message(R"({"errors":[{"code":"X","message":"line\u001b[31m\nred"}]})") == "x: line[31mred");
  std::string long_message(5000, 'a');
  CHECK(registry_error_message(R"({"errors":[{"message":")" + long_message + R"("}]})").size() < 400);
}

TEST_CASE("base64 for Basic credentials") {
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("kayak:s3cret") == "a2F5YWs6czNjcmV0");
}

// cp's CONTAINER:PATH syntax, as Docker splits it.
#include "kayak/commands/container_cp.hpp"

#include <doctest/doctest.h>

using kayak::commands::parse_copy_endpoint;

TEST_CASE("cp arguments: CONTAINER:PATH or a host path") {
  auto c = parse_copy_endpoint("web:/etc/passwd");
  CHECK(c.container == "web");
  CHECK(c.path == "/etc/passwd");
  CHECK(parse_copy_endpoint("web:").path == "/");
  CHECK(parse_copy_endpoint("web:relative").path == "relative");
  // Host paths: absolute, starting with '.', without ':', or with '/' before the ':'.
  for (const char* host : {"/abs/a:b", "./a:b", "file", "dir/x:y", "-"}) {
    auto e = parse_copy_endpoint(host);
    CHECK_MESSAGE(e.container.empty(), host);
    CHECK(e.path == host);
  }
}

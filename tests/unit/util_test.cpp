#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"
#include "kayak/util/lock.hpp"
#include "kayak/util/sha256.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

using namespace kayak;

TEST_CASE("json: parse keeps member order and types") {
  auto v = json::parse(R"({"b":1,"a":[true,null,"x",1.5],"c":{"d":-2}})");
  REQUIRE(v.is_object());
  CHECK(v.as_object()[0].first == "b");
  CHECK(v.as_object()[1].first == "a");
  CHECK(v["b"].as_int() == 1);
  CHECK(v["a"][0].as_bool());
  CHECK(v["a"][1].is_null());
  CHECK(v["a"][2].as_string() == "x");
  CHECK(v["a"][3].as_double() == 1.5);
  CHECK(v["c"]["d"].as_int() == -2);
  CHECK(v["missing"].is_null());
  CHECK(json::dump(v) == R"({"b":1,"a":[true,null,"x",1.5],"c":{"d":-2}})");
}

TEST_CASE("json: nested objects inside arrays inside objects") {
  auto text = R"({"layers":[{"digest":"d1","size":3},{"digest":"d2","size":4}],"x":"y"})";
  auto v = json::parse(text);
  CHECK(v["layers"].size() == 2);
  CHECK(v["layers"][1]["digest"].as_string() == "d2");
  CHECK(v["x"].as_string() == "y");
  CHECK(json::dump(v) == text);
}

TEST_CASE("json: malformed input is a clear error") {
  CHECK_THROWS_WITH_AS(json::parse("{\"a\":", "manifest.json"), doctest::Contains("malformed manifest.json"), Error);
  CHECK_THROWS_AS(json::parse("[1,2] x"), Error);
  CHECK_THROWS_AS(json::parse(""), Error);
  CHECK_THROWS_AS(json::parse("{\"a\":1}").as_array(), Error);
}

TEST_CASE("json: pretty printing and escaping") {
  json::Value v;
  v.set("Cmd", json::Value::strings({"sh", "-c", "a<b"}));
  v.slot("Empty") = json::Value::object();
  CHECK(json::dump(v, {.indent = 4}) ==
        "{\n    \"Cmd\": [\n        \"sh\",\n        \"-c\",\n        \"a<b\"\n    ],\n    \"Empty\": {}\n}");
  CHECK(json::quote("a<b\n", true) == "\"a\\u003cb\\n\"");
  CHECK(json::quote(std::string("\x01", 1)) == "\"\\u0001\"");
}

TEST_CASE("sha256 digests") {
  CHECK(sha256_digest("") == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(is_sha256_digest("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK_FALSE(is_sha256_digest("sha256:E3B0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK_FALSE(is_sha256_digest("sha256:../../etc"));
  CHECK_THROWS_AS(digest_hex("md5:abc"), Error);
}

TEST_CASE("strings") {
  CHECK(str::split("a:b::c", ':') == std::vector<std::string>{"a", "b", "", "c"});
  CHECK(str::split_n("a=b=c", '=', 2) == std::vector<std::string>{"a", "b=c"});
  CHECK(str::trim("  x \n") == "x");
  CHECK(str::parse_int("-12") == -12);
  CHECK_FALSE(str::parse_int("12x").has_value());
  CHECK(str::replace_all("a.b.c", ".", "::") == "a::b::c");
}

TEST_CASE("rfc3339 timestamps round-trip") {
  auto t = timeutil::parse_rfc3339("2024-05-06T07:08:09.123456789Z");
  REQUIRE(t.has_value());
  CHECK(timeutil::format_rfc3339_nano(*t) == "2024-05-06T07:08:09.123456789Z");
  CHECK(timeutil::parse_rfc3339("1970-01-01T01:00:00+01:00") == 0);
  // Go's RFC3339Nano drops trailing zeros; the fixed form keeps nine digits.
  CHECK(timeutil::format_rfc3339_nano(1'500'000'000) == "1970-01-01T00:00:01.5Z");
  CHECK(timeutil::format_rfc3339_nano(0) == "1970-01-01T00:00:00Z");
  CHECK(timeutil::format_rfc3339_nano_fixed(1'500'000'000) == "1970-01-01T00:00:01.500000000Z");
  CHECK(timeutil::format_rfc3339_nano_fixed(-1) == "1969-12-31T23:59:59.999999999Z");
  CHECK_FALSE(timeutil::parse_rfc3339("yesterday").has_value());
}

TEST_CASE("atomic files and temp dirs") {
  std::string kept;
  {
    fs::TempDir dir;
    kept = dir.path();
    std::string file = fs::join(dir.path(), "a.json");
    fs::write_file_atomic(file, "one");
    CHECK(fs::read_file(file) == "one");
    {
      fs::AtomicFile f(file);
      f.write("two");
      // not committed: the old content stays, the temp is removed
    }
    CHECK(fs::read_file(file) == "one");
    CHECK(fs::list_dir(dir.path()) == std::vector<std::string>{"a.json"});
    // read-only directories are still removed with the temp dir
    fs::mkdir_p(fs::join(dir.path(), "ro/sub"));
    fs::write_file_atomic(fs::join(dir.path(), "ro/sub/f"), "x");
    ::chmod(fs::join(dir.path(), "ro/sub").c_str(), 0555);
    ::chmod(fs::join(dir.path(), "ro").c_str(), 0555);
  }
  CHECK_FALSE(fs::exists(kept));
}

TEST_CASE("file locks: exclusive excludes a second holder") {
  fs::TempDir dir;
  std::string path = fs::join(dir.path(), "lock");
  FileLock held(path, FileLock::Mode::Exclusive);
  FileLock other;
  CHECK_FALSE(FileLock::try_lock(path, FileLock::Mode::Shared, other));
  held.unlock();
  CHECK(FileLock::try_lock(path, FileLock::Mode::Shared, other));
}

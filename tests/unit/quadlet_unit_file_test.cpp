// The systemd unit-file parser and word rules the Quadlet generator uses,
// and the conversion of .container / .volume files into units.
#include "kayak/quadlet/convert.hpp"
#include "kayak/quadlet/unit_file.hpp"
#include "kayak/util/error.hpp"

#include <doctest/doctest.h>

using namespace kayak;
using namespace kayak::quadlet;

namespace {

UnitFile parse_clean(std::string_view text) {
  std::vector<Diagnostic> diagnostics;
  UnitFile unit = UnitFile::parse(text, diagnostics);
  CHECK(diagnostics.empty());
  return unit;
}

bool has_line(const std::string& text, std::string_view line) {
  size_t start = 0;
  for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    if (std::string_view(text).substr(start, nl - start) == line) return true;
  return false;
}

const ConvertOptions kOptions{.kayak_binary = "/usr/bin/kayak", .user = false, .volume_names = {}};

}  // namespace

TEST_CASE("unit file: sections, comments, trimming, repeated sections") {
  UnitFile unit = parse_clean(
    "# a comment\n"
    "; another\n"
    "[Unit]\n"
    "  Description = my web server  \n"
    "\n"
    "[Container]\n"
    "Image=nginx\n"
    "[Unit]\n"
    "After=b.service\n");
  REQUIRE(unit.sections().size() == 3);
  CHECK(unit.last("Unit", "Description")->value == "my web server");
  CHECK(unit.last("Unit", "Description")->line == 4);
  CHECK(unit.last("Unit", "After")->value == "b.service");
  CHECK(unit.last("Container", "Image")->line == 7);
  CHECK(unit.last("Container", "Missing") == nullptr);
}

TEST_CASE("unit file: a trailing backslash continues the line, comments inside are skipped") {
  UnitFile unit = parse_clean(
    "[Container]\n"
    "Exec=sh -c \\\n"
    "# skipped\n"
    "   'echo hi'\n"
    "Image=busybox\n");
  const UnitEntry* exec = unit.last("Container", "Exec");
  REQUIRE(exec);
  CHECK(exec->value == "sh -c  'echo hi'");
  CHECK(exec->line == 2);
  CHECK(unit.last("Container", "Image")->line == 5);
}

TEST_CASE("unit file: list keys collect values, an empty value resets") {
  UnitFile unit = parse_clean(
    "[Container]\n"
    "PublishPort=1:1\n"
    "PublishPort=\n"
    "PublishPort=2:2\n"
    "PublishPort=3:3\n");
  auto values = unit.values("Container", "PublishPort");
  REQUIRE(values.size() == 2);
  CHECK(values[0]->value == "2:2");
  CHECK(values[1]->value == "3:3");
}

TEST_CASE("unit file: syntax errors carry their line and parsing goes on") {
  std::vector<Diagnostic> diagnostics;
  UnitFile unit = UnitFile::parse("Orphan=1\n[Container]\nno equals sign\n[Broken\nImage=x\n", diagnostics);
  REQUIRE(diagnostics.size() == 3);
  CHECK(diagnostics[0].line == 1);
  CHECK(diagnostics[1].line == 3);
  CHECK(diagnostics[2].line == 4);
  CHECK(unit.last("Container", "Image")->value == "x");
}

TEST_CASE("unit file: text round trip") {
  UnitFile unit;
  unit.add("Unit", "Description", "x");
  unit.add("Service", "ExecStart", "/bin/true");
  CHECK(unit.to_string() == "[Unit]\nDescription=x\n\n[Service]\nExecStart=/bin/true\n");
}

TEST_CASE("words: systemd quoting and escapes") {
  CHECK(split_unit_words("a  b\tc") == std::vector<std::string>{"a", "b", "c"});
  CHECK(split_unit_words("\"a b\" 'c d' e\"f g\"") == std::vector<std::string>{"a b", "c d", "ef g"});
  CHECK(split_unit_words(R"("x\"y" a\sb \x41 \101 "\n")") == std::vector<std::string>{"x\"y", "a b", "A", "A", "\n"});
  CHECK(split_unit_words("   ").empty());
  CHECK_THROWS_AS(split_unit_words("\"open"), Error);
  CHECK_THROWS_AS(split_unit_words("bad\\q"), Error);
  CHECK(parse_unit_bool("Yes") == true);
  CHECK(parse_unit_bool("off") == false);
  CHECK(!parse_unit_bool("maybe"));
}

TEST_CASE("words: quoting gives back the same words") {
  std::vector<std::string> words = {"plain", "two words", "", "quote\"d", "back\\slash", "tab\there", "new\nline", "'single'"};
  std::string line;
  for (const auto& w : words) line += quote_unit_word(w) + " ";
  CHECK(split_unit_words(line) == words);
  CHECK(quote_unit_word("plain") == "plain");
}

TEST_CASE("convert: a .container becomes a notify service running kayak") {
  Conversion result = convert_unit_file("/etc/containers/systemd/web.container",
    "[Unit]\nDescription=web\n"
    "[Container]\nImage=docker.io/library/nginx:latest\nPublishPort=8080:80\nVolume=/srv:/usr/share/nginx/html:ro\n"
    "Environment=A=1 \"B=two words\"\nLabel=app=web\nUser=101\nWorkingDir=/tmp\nNetwork=host\n"
    "Exec=nginx -g \"daemon off;\"\n"
    "[Service]\nRestart=always\n"
    "[Install]\nWantedBy=multi-user.target default.target\n",
    kOptions);
  CHECK(result.errors.empty());
  REQUIRE(result.unit);
  const std::string& text = result.unit->text;
  CHECK(result.unit->name == "web.service");
  CHECK(has_line(text, "ExecStart=/usr/bin/kayak run --name=systemd-%N --cidfile=%t/%N.cid --replace --rm "
                       "--sdnotify=conmon --publish=8080:80 --volume=/srv:/usr/share/nginx/html:ro --env=A=1 "
                       "\"--env=B=two words\" --label=app=web --network=host --user=101 --workdir=/tmp "
                       "docker.io/library/nginx:latest nginx -g \"daemon off;\""));
  CHECK(has_line(text, "Type=notify"));
  CHECK(has_line(text, "NotifyAccess=all"));
  CHECK(has_line(text, "KillMode=mixed"));
  CHECK(has_line(text, "ExecStop=/usr/bin/kayak rm -v -f -i --cidfile=%t/%N.cid"));
  CHECK(has_line(text, "SourcePath=/etc/containers/systemd/web.container"));
  CHECK(has_line(text, "Description=web"));
  CHECK(has_line(text, "Restart=always"));
  CHECK(has_line(text, "[Install]"));
  CHECK(result.unit->wanted_by == std::vector<std::string>{"multi-user.target", "default.target"});
  // The user's [Service] entries come after the generated ones (they win).
  CHECK(text.find("Restart=always") > text.find("ExecStart="));
}

TEST_CASE("convert: Notify, ContainerName, volume references, AutoUpdate warns") {
  Conversion result = convert_unit_file("/x/app.container",
    "[Container]\nImage=busybox\nContainerName=app\nNotify=yes\nVolume=data.volume:/data\nAutoUpdate=registry\n",
    kOptions);
  CHECK(result.errors.empty());
  REQUIRE(result.unit);
  REQUIRE(result.warnings.size() == 1);
  CHECK(result.warnings[0].line == 6);
  const std::string& text = result.unit->text;
  CHECK(text.find("--name=app ") != std::string::npos);
  CHECK(text.find("--sdnotify=container") != std::string::npos);
  CHECK(text.find("--volume=systemd-data:/data") != std::string::npos);
  CHECK(has_line(text, "Requires=data-volume.service"));
  CHECK(has_line(text, "After=data-volume.service"));
}

TEST_CASE("convert: every bad key and value is reported with its line") {
  Conversion result = convert_unit_file("/x/bad.container",
    "[Container]\n"
    "Image=busybox\n"
    "Frobnicate=1\n"           // 3: unknown key
    "PublishPort=99999:80\n"   // 4: bad port
    "Notify=perhaps\n"         // 5: not a boolean
    "Environment=NOEQUALS\n"   // 6: not KEY=VALUE
    "Volume=/a:relative\n"     // 7: destination not absolute
    "Exec=\"unterminated\n"    // 8: bad quoting
    "[Weird]\n",               // 9: unknown section
    kOptions);
  CHECK(!result.unit);
  std::vector<int> lines;
  for (const auto& e : result.errors) lines.push_back(e.line);
  CHECK(lines == std::vector<int>{3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("convert: a missing Image is an error, a .volume becomes a oneshot") {
  Conversion missing = convert_unit_file("/x/noimage.container", "[Container]\nExec=true\n", kOptions);
  CHECK(!missing.unit);
  REQUIRE(missing.errors.size() == 1);
  CHECK(missing.errors[0].message.find("Image") != std::string::npos);

  Conversion volume = convert_unit_file("/x/data.volume", "[Volume]\nLabel=a=b\n", kOptions);
  CHECK(volume.errors.empty());
  REQUIRE(volume.unit);
  CHECK(volume.unit->name == "data-volume.service");
  CHECK(has_line(volume.unit->text, "ExecStart=/usr/bin/kayak volume create --ignore --label=a=b systemd-data"));
  CHECK(has_line(volume.unit->text, "Type=oneshot"));
  Conversion bad_name = convert_unit_file("/x/bad name.volume", "[Volume]\n", kOptions);
  CHECK(!bad_name.unit);
}

TEST_CASE("convert: a referenced .volume's VolumeName is used") {
  ConvertOptions options = kOptions;
  options.volume_names["data"] = "shared-data";
  Conversion result = convert_unit_file("/x/app.container", "[Container]\nImage=busybox\nVolume=data.volume:/data\n", options);
  REQUIRE(result.unit);
  CHECK(result.unit->text.find("--volume=shared-data:/data") != std::string::npos);
  CHECK(volume_name_of("[Volume]\nVolumeName=named\n") == "named");
  CHECK(!volume_name_of("[Volume]\nVolumeName=bad/name\n"));
  CHECK(!volume_name_of("[Volume]\n"));
}

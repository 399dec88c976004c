// Tests for module format. Expected strings were checked against Go
// programs (the docker 28 and podman 4.3 CLIs, whose --format is Go's
// text/template) wherever the behaviour is Go's rather than ours.
#include <doctest/doctest.h>

#include <string>

#include "kayak/format/go_print.hpp"
#include "kayak/format/table.hpp"
#include "kayak/format/tabwriter.hpp"
#include "kayak/format/template.hpp"
#include "kayak/format/units.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"

using namespace kayak;
using namespace kayak::format;

namespace {

const json::Value& sample() {
  static const json::Value data = json::parse(R"({
    "Repository": "nginx", "Tag": "latest", "Size": 187000000,
    "Config": {"Cmd": ["nginx", "-g", "daemon off;"], "Env": ["A=1"],
               "Labels": {"b": "2", "a": "1"}, "ExposedPorts": {"80/tcp": {}},
               "Entrypoint": null, "User": ""},
    "Count": 3, "Ratio": 1.5, "Empty": "", "On": true, "Off": false,
    "List": [1, 2, 3], "Names": ["a", "b"], "Html": "<a&b>", "Nested": [[1, "x"], {"k": null}]
  })");
  return data;
}

std::string run(std::string_view text, const json::Value& data = sample()) {
  return Template::parse(text).execute(data);
}

// The message of the kayak::Error a template throws (parse or execute).
std::string error_of(std::string_view text, const json::Value& data = sample()) {
  try {
    Template::parse(text).execute(data);
  } catch (const Error& e) {
    CHECK(e.exit_code() == 125);
    return e.what();
  }
  return "(no error)";
}

}  // namespace

// ---------------------------------------------------------------- units

TEST_CASE("human_size uses decimal units and three significant digits") {
  CHECK(human_size(0) == "0B");
  CHECK(human_size(1) == "1B");
  CHECK(human_size(999) == "999B");
  CHECK(human_size(1000) == "1kB");
  CHECK(human_size(4260) == "4.26kB");
  CHECK(human_size(1763328) == "1.76MB");
  CHECK(human_size(187000000) == "187MB");
  CHECK(human_size(187654321) == "188MB");
  CHECK(human_size(1500000000) == "1.5GB");
  CHECK(human_size(2000000000000) == "2TB");
  CHECK(human_size(3000000000000000) == "3PB");
  // Go's %.3g of 999.5 rounds up into exponent form; Docker prints it so.
  CHECK(human_size(999500) == "1e+03kB");
  CHECK(human_size(4260, 4) == "4.26kB");
  CHECK(human_size(1763328, 4) == "1.763MB");
}

TEST_CASE("bytes_size uses binary units and four significant digits") {
  CHECK(bytes_size(0) == "0B");
  CHECK(bytes_size(1023) == "1023B");
  CHECK(bytes_size(1024) == "1KiB");
  CHECK(bytes_size(1536) == "1.5KiB");
  CHECK(bytes_size(1048576) == "1MiB");
  CHECK(bytes_size(16ll * 1024 * 1024 * 1024 + 123456789) == "16.11GiB");
}

TEST_CASE("human_duration matches go-units thresholds") {
  constexpr int64_t s = 1'000'000'000;
  CHECK(human_duration(-5 * s) == "Less than a second");
  CHECK(human_duration(0) == "Less than a second");
  CHECK(human_duration(s - 1) == "Less than a second");
  CHECK(human_duration(s) == "1 second");
  CHECK(human_duration(2 * s - 1) == "1 second");
  CHECK(human_duration(2 * s) == "2 seconds");
  CHECK(human_duration(59 * s) == "59 seconds");
  CHECK(human_duration(60 * s) == "About a minute");
  CHECK(human_duration(119 * s) == "About a minute");
  CHECK(human_duration(120 * s) == "2 minutes");
  CHECK(human_duration(59 * 60 * s) == "59 minutes");
  CHECK(human_duration(60 * 60 * s) == "About an hour");
  // Hours round to nearest: 1h29m59s is still about an hour, 1h30m is 2.
  CHECK(human_duration((90 * 60 - 1) * s) == "About an hour");
  CHECK(human_duration(90 * 60 * s) == "2 hours");
  CHECK(human_duration(int64_t{47} * 3600 * s) == "47 hours");
  CHECK(human_duration(int64_t{48} * 3600 * s) == "2 days");
  CHECK(human_duration(int64_t{13} * 24 * 3600 * s) == "13 days");
  CHECK(human_duration(int64_t{14} * 24 * 3600 * s) == "2 weeks");
  CHECK(human_duration(int64_t{59} * 24 * 3600 * s) == "8 weeks");
  CHECK(human_duration(int64_t{60} * 24 * 3600 * s) == "2 months");
  CHECK(human_duration(int64_t{729} * 24 * 3600 * s) == "24 months");
  CHECK(human_duration(int64_t{730} * 24 * 3600 * s) == "2 years");
  CHECK(human_duration(int64_t{3660} * 24 * 3600 * s) == "10 years");
}

TEST_CASE("human_since and truncate_id") {
  constexpr int64_t s = 1'000'000'000;
  CHECK(human_since(100 * s, 190 * s) == "About a minute ago");
  CHECK(human_since(0, 3 * s) == "3 seconds ago");
  CHECK(truncate_id("sha256:0123456789abcdef0123") == "0123456789ab");
  CHECK(truncate_id("0123456789abcdef") == "0123456789ab");
  CHECK(truncate_id("abc") == "abc");
}

// ---------------------------------------------------------------- Go printing

TEST_CASE("go_sprint renders values as Go's %v") {
  CHECK(go_sprint(json::parse(R"(["nginx","-g","daemon off;"])")) == "[nginx -g daemon off;]");
  CHECK(go_sprint(json::parse(R"({"b":2,"a":"x","c":[true,null]})")) == "map[a:x b:2 c:[true <nil>]]");
  CHECK(go_sprint(json::parse(R"({"80/tcp":{}})")) == "map[80/tcp:{}]");
  CHECK(go_sprint(json::Value::object()) == "map[]");
  CHECK(go_sprint(json::Value::array()) == "[]");
  CHECK(go_sprint(json::Value()) == "<nil>");
  CHECK(go_sprint(json::Value(42)) == "42");
  CHECK(go_sprint(json::Value(-7)) == "-7");
  CHECK(go_sprint(json::Value(3.0)) == "3");
  CHECK(go_sprint(json::Value(1.5)) == "1.5");
  CHECK(go_sprint(json::Value(true)) == "true");
}

TEST_CASE("go_format_float switches to exponent form like Go") {
  CHECK(go_format_float(1234567.0) == "1.234567e+06");
  CHECK(go_format_float(1000000.0) == "1e+06");
  CHECK(go_format_float(999999.0) == "999999");
  CHECK(go_format_float(100000.0) == "100000");
  CHECK(go_format_float(0.0001) == "0.0001");
  CHECK(go_format_float(0.00001) == "1e-05");
  CHECK(go_format_float(1e21) == "1e+21");
  CHECK(go_format_float(1.5e300) == "1.5e+300");
  CHECK(go_format_float(12345.678) == "12345.678");
  CHECK(go_format_float(-0.0) == "-0");
}

TEST_CASE("go_quote escapes like strconv.Quote") {
  CHECK(go_quote("a\"b") == R"("a\"b")");
  CHECK(go_quote("a\tb\x01\xc3\xa9") == "\"a\\tb\\x01\xc3\xa9\"");
  CHECK(go_quote("\xff") == R"("\xff")");
  CHECK(go_quote("back\\slash\n") == R"("back\\slash\n")");
}

TEST_CASE("go_sprintf quoting, hex and star arguments") {
  using V = std::vector<json::Value>;
  CHECK(go_sprintf("%q|%+q", V{"\u200b\u00ad\ufeff", "\xc3\xa9"}) == R"("\u200b\u00ad\ufeff"|"\u00e9")");
  CHECK(go_sprintf("%x %X % x", V{"h\xc3\xa9", "h\xc3\xa9", "ab"}) == "68c3a9 68C3A9 61 62");
  CHECK(go_sprintf("%3c|%U|%#U", V{120, 0x1F600, 120}) == "  x|U+1F600|U+0078 'x'");
  CHECK(go_sprintf("%*d|%-*d|%*d|%.*f|%.f|%.*d", V{4, 7, 3, 1, -3, 2, 2, 3.14159, 2.5, -1, 5}) ==
        "   7|1  |2  |3.14|2|%!(BADPREC)5");
  CHECK(go_sprintf("%*d", V{"x", 5}) == "%!(BADWIDTH)5");
  CHECK(go_sprintf("%.*d", V{2000000, 5}) == "%!(BADPREC)5");
}

TEST_CASE("go_sprintf verbs, flags and error markers") {
  using V = std::vector<json::Value>;
  CHECK(go_sprintf("%v|%s|%d|%q", V{1.5, 3, "x", "a\"b"}) == R"(1.5|%!s(int=3)|%!d(string=x)|"a\"b")");
  CHECK(go_sprintf("%v %.2f %5.1f|%-6d|%06d|%x|%X|%o|%c|%t", V{1e6, 3.14159, 2.25, 42, -42, 255, "hi", 8, 65, true}) ==
        "1e+06 3.14   2.2|42    |-00042|ff|6869|10|A|true");
  CHECK(go_sprintf("%e|%g|%8.3s|%+d|%U", V{1234.5678, 0.00001234, "abcdef", 5, 65}) ==
        "1.234568e+03|1.234e-05|     abc|+5|U+0041");
  CHECK(go_sprintf("%q %v %s %d", V{65, json::Value::strings({"a", "b"}), json::Value::strings({"a", "b"}),
                                     json::Value::strings({"a", "b"})}) ==
        "'A' [a b] [a b] [%!d(string=a) %!d(string=b)]");
  CHECK(go_sprintf("%s %v", V{nullptr, true}) == "%!s(<nil>) true");
  CHECK(go_sprintf("%d %s", V{true, 1.5}) == "%!d(bool=true) %!s(float64=1.5)");
  CHECK(go_sprintf("%z", V{1}) == "%!z(int=1)");
  CHECK(go_sprintf("%", V{1}) == "%!(NOVERB)%!(EXTRA int=1)");
  CHECK(go_sprintf("%!", V{}) == "%!!(MISSING)");
  CHECK(go_sprintf("%s %d", V{1}) == "%!s(int=1) %!d(MISSING)");
  CHECK(go_sprintf("%d", V{1, "x"}) == "1%!(EXTRA string=x)");
  CHECK(go_sprintf("%-5s|%5t|100%%", V{"ab", true}) == "ab   | true|100%");
  CHECK(go_sprintf("%*d|%-*d|", V{4, 7, 3, 1}) == "   7|1  |");
  CHECK(go_sprintf("%5s|%-4s|", V{"\xc3\xa9t\xc3\xa9", "\xc3\xa9"}) == "  \xc3\xa9t\xc3\xa9|\xc3\xa9   |");
}

// ---------------------------------------------------------------- templates: output

TEST_CASE("fields, nesting, dot and literal text") {
  CHECK(run("{{.Repository}}:{{.Tag}}") == "nginx:latest");
  CHECK(run("{{.Config.Cmd}}") == "[nginx -g daemon off;]");
  CHECK(run("{{.Config.Labels}}") == "map[a:1 b:2]");
  CHECK(run("{{.Config.ExposedPorts}}") == "map[80/tcp:{}]");
  CHECK(run("{{.Size}} {{.Ratio}} {{.On}} {{.Count}}") == "187000000 1.5 true 3");
  CHECK(run("{{.}}", json::Value("plain")) == "plain");
  CHECK(run("{{.}}", json::parse("[1,2]")) == "[1 2]");
  CHECK(run("no actions at all") == "no actions at all");
  CHECK(run("") == "");
  CHECK(run("{{.Nested}}") == "[[1 x] map[k:<nil>]]");
}

TEST_CASE("missing fields and nulls print <no value>") {
  CHECK(run("{{.Nope}}") == "<no value>");
  CHECK(run("{{.Nope.Deeper}}") == "<no value>");
  CHECK(run("{{.Config.Labels.zz}}") == "<no value>");
  // Go unwraps a nil interface at the end of a pipeline, so null prints
  // like a missing key, yet is <nil> when passed to a function.
  CHECK(run("{{.Config.Entrypoint}}") == "<no value>");
  CHECK(run("{{printf \"%v\" .Config.Entrypoint}}") == "<nil>");
  CHECK(run("{{printf \"%v\" .Nope}}") == "<nil>");
  CHECK(run("{{.Nope | printf \"%v\"}}") == "<nil>");
  CHECK(run("{{print nil}}") == "<nil>");
}

TEST_CASE("whitespace trimming and comments") {
  CHECK(run("a  {{- .Tag -}}  b") == "alatestb");
  CHECK(run("a \n {{- .Tag}} \n b") == "alatest \n b");
  CHECK(run("{{/* c */}}x {{- \" y \" -}} z") == "x y z");
  CHECK(run("a {{- /* gone */ -}} b") == "ab");
  CHECK(run("{{-3}}") == "-3");  // no space after '-': a number, not a trim marker
  CHECK(run("1 {{- 2}}") == "12");
}

TEST_CASE("string and number literals") {
  CHECK(run("{{\"a\\tb\\u00e9\\x41\\101\"}}") == "a\tb\xc3\xa9" "AA");
  CHECK(run("{{`raw\\n`}}") == "raw\\n");
  CHECK(run("{{'a'}} {{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}}") == "97 31 15 15 5 1000");
  CHECK(run("{{1.0}} {{1e3}} {{1234567.0}} {{-0.5}} {{+7}}") == "1 1000 1.234567e+06 -0.5 7");
  CHECK(run("{{true}} {{false}}") == "true false");
}

TEST_CASE("pipelines and parenthesised calls") {
  CHECK(run("{{.Repository | upper}}") == "NGINX");
  CHECK(run("{{.Repository | printf \"%s:%s\" .Tag}}") == "latest:nginx");
  CHECK(run("{{upper (printf \"%s-%d\" .Tag .Count)}}") == "LATEST-3");
  CHECK(run("{{(index .Config.Cmd 0) | len}}") == "5");
  CHECK(run("{{1 | }}") == "1");
  CHECK(run("{{len .Names | printf \"%d items\"}}") == "2 items");
}

TEST_CASE("variables") {
  CHECK(run("{{$x := .Tag}}{{$x}}") == "latest");
  CHECK(run("{{$x := 1}}{{$x = 2}}{{$x}}") == "2");
  CHECK(run("{{$.Repository}}") == "nginx");
  CHECK(run("{{range .Names}}{{$.Tag}}{{.}} {{end}}") == "latesta latestb ");
  CHECK(run("{{with $c := .Config}}{{$c.User}}|{{index $c.Cmd 0}}{{end}}") == "|nginx");
  CHECK(run("{{$x := \"outer\"}}{{range .Names}}{{$x = .}}{{end}}{{$x}}") == "b");
}

TEST_CASE("range over lists, maps, integers") {
  CHECK(run("{{range .Config.Cmd}}<{{.}}>{{end}}") == "<nginx><-g><daemon off;>");
  CHECK(run("{{range $i, $e := .Names}}{{$i}}={{$e}} {{end}}") == "0=a 1=b ");
  CHECK(run("{{range $e := .Names}}{{$e}}{{end}}") == "ab");
  CHECK(run("{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}") == "a=1;b=2;");
  CHECK(run("{{range .Nope}}x{{else}}none{{end}}") == "none");
  CHECK(run("{{range .Config.Entrypoint}}x{{else}}none{{end}}") == "none");
  CHECK(run("{{range .Config.Env}}{{.}}{{else}}none{{end}}") == "A=1");
  CHECK(run("{{range 3}}{{.}}{{end}}") == "012");
  CHECK(run("{{range .List}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}") == "13");
  CHECK(run("{{range .List}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}}") == "1");
  CHECK(run("{{range $i, $e := .List}}{{end}}{{range $i, $e := .Names}}{{$i}}{{end}}") == "01");
}

TEST_CASE("if, else if, else, with") {
  CHECK(run("{{if .On}}yes{{end}}") == "yes");
  CHECK(run("{{if .Off}}yes{{else}}no{{end}}") == "no");
  CHECK(run("{{if .Empty}}a{{else if .Nope}}b{{else if .Count}}c{{else}}d{{end}}") == "c");
  CHECK(run("{{if .Config.Entrypoint}}a{{else}}b{{end}}") == "b");
  CHECK(run("{{if .List}}{{len .List}}{{end}}") == "3");
  CHECK(run("{{if 0.0}}a{{else}}b{{end}}") == "b");
  CHECK(run("{{with .Config}}{{.User}}[{{.Env}}]{{end}}") == "[[A=1]]");
  CHECK(run("{{with .Empty}}x{{else}}empty{{end}}") == "empty");
  CHECK(run("{{with .Empty}}x{{else with .Tag}}{{.}}{{end}}") == "latest");
}

TEST_CASE("comparison and logic functions") {
  CHECK(run("{{eq .Tag \"latest\"}} {{eq .Count 3}} {{eq .Count 1 2 3}} {{ne .Tag \"x\"}}") == "true true true true");
  CHECK(run("{{lt \"a\" \"b\"}} {{le 2 2}} {{gt 1.5 .Ratio}} {{ge .Count 4}}") == "true true false false");
  CHECK(run("{{eq .Nope \"x\"}} {{eq .Nope .Nope}}") == "false true");
  CHECK(run("{{and 1 0}} {{and 1 2}} {{or 0 \"\" \"z\"}} {{or 0 \"\"}} {{not 0}} {{not .Tag}}") == "0 2 z  true false");
  // and/or short-circuit: the failing call is never made.
  CHECK(run("{{and .Off (index .List 99)}} {{or .On (index .List 99)}}") == "false true");
  CHECK(run("{{if and .On (eq .Tag \"latest\")}}both{{end}}") == "both");
}

TEST_CASE("json function") {
  CHECK(run("{{json .Config.Cmd}}") == R"(["nginx","-g","daemon off;"])");
  CHECK(run("{{json .Config.Labels}}") == R"({"b":"2","a":"1"})");
  CHECK(run("{{json .Nope}} {{json .Config.Entrypoint}}") == "null null");
  // Docker's json function does not escape HTML characters.
  CHECK(run("{{json .Html}}") == R"("<a&b>")");
  CHECK(run("{{json .Count}} {{json .Ratio}} {{json .On}}") == "3 1.5 true");
}

TEST_CASE("index, len, slice") {
  CHECK(run("{{index .Config.Cmd 1}}") == "-g");
  CHECK(run("{{index .Config.Labels \"b\"}}") == "2");
  CHECK(run("{{index .Config.Labels \"zz\"}}") == "");  // zero value of a string map
  CHECK(run("{{index .Nested 0 1}}") == "x");
  CHECK(run("{{index .Tag 0}}") == "108");  // a byte, as in Go
  CHECK(run("{{len .Tag}} {{len .Names}} {{len .Config.Labels}}") == "6 2 2");
  CHECK(run("{{slice .Tag 1 3}} {{slice .Names 1}} {{slice .List 0 2}}") == "at [b] [1 2]");
  CHECK(run("{{slice .Tag 6}}|{{slice .Tag}}") == "|latest");
  CHECK(run("{{0x_1}} {{1_000_000}}") == "1 1000000");
}

TEST_CASE("string functions") {
  CHECK(run("{{split \"a,b,c\" \",\"}} {{len (split \"a,b\" \",\")}} {{index (split \"a,b\" \",\") 1}}") ==
        "[a b c] 2 b");
  CHECK(run("{{split \"\" \",\"}}|{{len (split \"\" \",\")}}|{{split \"ab\" \"\"}}") == "[]|1|[a b]");
  CHECK(run("{{join .Names \", \"}}|{{join (split \"a,b\" \",\") \"-\"}}") == "a, b|a-b");
  CHECK(run("{{join .Config.Entrypoint \",\"}}|") == "|");
  CHECK(run("{{title \"hello wORLD foo-bar x_y\"}}") == "Hello WORLD Foo-Bar X_y");
  CHECK(run("{{upper \"abc\"}} {{lower \"AbC\"}}") == "ABC abc");
  CHECK(run("{{pad \"x\" 2 3}}|{{pad \"\" 2 3}}|") == "  x   ||");
  CHECK(run("{{truncate \"abcdef\" 3}} {{truncate \"ab\" 3}} {{truncate \"abc\" 3}}") == "abc ab abc");
  CHECK(run("{{print 1 2 \"a\" \"b\" 3}}|{{println 1 \"a\"}}|") == "1 2ab3|1 a\n|");
  CHECK(run("{{printf \"%-8s|\" .Tag}}") == "latest  |");
  CHECK(run("{{upper \"h\xc3\xa9llo \xc3\xbf \xc4\x81 \xcf\x89\"}}") == "H\xc3\x89LLO \xc5\xb8 \xc4\x80 \xce\xa9");
  CHECK(run("{{lower \"H\xc3\x89LLO \xd0\x96\"}}") == "h\xc3\xa9llo \xd0\xb6");
  CHECK(run("{{title \"\xc3\xa9lan \xc3\xb1u\"}}") == "\xc3\x89lan \xc3\x91u");
  CHECK(run("{{html \"<a href=\\\"x\\\">&'\"}}|{{html 1 \"a\" 2}}") == "&lt;a href=&#34;x&#34;&gt;&amp;&#39;|1a2");
  CHECK(run("{{js \"<a b=\\\"c\\\">'\\n\"}}") == "\\u003Ca b\\u003D\\\"c\\\"\\u003E\\'\\u000A");
  CHECK(run("{{urlquery \"a b&c=d/\xc3\xa9\"}}") == "a+b%26c%3Dd%2F%C3%A9");
}

// ---------------------------------------------------------------- templates: errors

TEST_CASE("parse errors use Go's wording") {
  CHECK(error_of("{{.Foo}") == "template: :1: bad character U+007D '}'");
  CHECK(error_of("{{ .Foo }") == "template: :1: unexpected \"}\" in operand");
  CHECK(error_of("{{if}}{{end}}") == "template: :1: missing value for if");
  CHECK(error_of("{{range}}{{end}}") == "template: :1: missing value for range");
  CHECK(error_of("{{if 1}}x") == "template: :1: unexpected EOF");
  CHECK(error_of("{{end}}") == "template: :1: unexpected {{end}}");
  CHECK(error_of("{{else}}") == "template: :1: unexpected {{else}}");
  CHECK(error_of("{{foo}}") == "template: :1: function \"foo\" not defined");
  CHECK(error_of("{{$x}}") == "template: :1: undefined variable \"$x\"");
  CHECK(error_of("{{\"abc}}") == "template: :1: unterminated quoted string");
  CHECK(error_of("{{`abc}}") == "template: :1: unterminated raw quoted string");
  CHECK(error_of("{{(1}}") == "template: :1: unclosed left paren");
  CHECK(error_of("{{1)}}") == "template: :1: unexpected right paren");
  CHECK(error_of("{{}}") == "template: :1: missing value for command");
  CHECK(error_of("{{|}}") == "template: :1: unexpected \"|\" in command");
  CHECK(error_of("{{1.2.3}}") == "template: :1: unexpected \".3\" in operand");
  CHECK(error_of("{{.X") == "template: :1: unclosed action");
  CHECK(error_of("{{/* x }}") == "template: :1: unclosed comment");
  CHECK(error_of("{{/* x */ }}") == "template: :1: comment ends before closing delimiter");
  CHECK(error_of("{{3x}}") == "template: :1: bad number syntax: \"3x\"");
  CHECK(error_of("{{break}}") == "template: :1: {{break}} outside {{range}}");
  CHECK(error_of("{{.X | 1}}") == "template: :1: non executable command in pipeline stage 2");
  CHECK(error_of("{{\"x\".Y}}") == "template: :1: unexpected . after term \"\\\"x\\\"\"");
  CHECK(error_of("{{range $i, $j, $k := .}}{{end}}") == "template: :1: too many declarations in range");
  CHECK(error_of("{{$a, $b := .}}") == "template: :1: too many declarations in command");
  CHECK(error_of("{{template \"x\"}}") == "template: :1: {{template}} is not supported");
  CHECK(error_of("a\nb\n{{.X}") == "template: :3: bad character U+007D '}'");
  CHECK(error_of("{{3-}}") == "template: :1: bad number syntax: \"3-\"");
  CHECK(error_of("{{1__0}}") == "template: :1: illegal number syntax: \"1__0\"");
  CHECK(error_of("{{" + std::string(2000, '(') + "1" + std::string(2000, ')') + "}}") ==
        "template: :1: max expression depth exceeded");
  CHECK(error_of("{{if .X}}{{else}}{{else}}{{end}}") == "template: :1: expected end; found {{else}}");
}

TEST_CASE("execution errors point at the node like Go") {
  json::Value data = sample();
  CHECK(error_of("{{index 1 2}}") == "template: :1:2: executing \"\" at <index 1 2>: error calling index: can't index item of type int");
  CHECK(error_of("{{index (split \"a\" \",\") 5}}") ==
        "template: :1:2: executing \"\" at <index (split \"a\" \",\") 5>: error calling index: index out of range: 5");
  CHECK(error_of("{{index (split \"a\" \",\") \"x\"}}") ==
        "template: :1:2: executing \"\" at <index (split \"a\" \",\") \"x\">: error calling index: cannot index slice/array with type string");
  CHECK(error_of("{{index \"abc\" 3}}") ==
        "template: :1:2: executing \"\" at <index \"abc\" 3>: error calling index: reflect: string index out of range");
  CHECK(error_of("{{index .Names 2}}") ==
        "template: :1:2: executing \"\" at <index .Names 2>: error calling index: reflect: slice index out of range");
  CHECK(error_of("{{slice \"abc\" 2 1}}") ==
        "template: :1:2: executing \"\" at <slice \"abc\" 2 1>: error calling slice: invalid slice index: 2 > 1");
  CHECK(error_of("{{index nil 1}}") == "template: :1:2: executing \"\" at <index nil 1>: error calling index: index of untyped nil");
  CHECK(error_of("{{len 3}}") == "template: :1:2: executing \"\" at <len 3>: error calling len: len of type int");
  CHECK(error_of("{{upper 3}}") == "template: :1:8: executing \"\" at <3>: expected string; found 3");
  CHECK(error_of("{{upper .Count}}") == "template: :1:8: executing \"\" at <.Count>: wrong type for value; expected string; got int");
  CHECK(error_of("{{upper .Nope}}") == "template: :1:8: executing \"\" at <.Nope>: invalid value; expected string");
  CHECK(error_of("{{upper .Config.Nope}}") == "template: :1:15: executing \"\" at <.Config.Nope>: invalid value; expected string");
  CHECK(error_of("{{.Count | upper}}") == "template: :1:11: executing \"\" at <upper>: wrong type for value; expected string; got int");
  // Go points a field chain at its second field: column 6 of line 2.
  CHECK(error_of("a\nb {{.Tag.Y}}", json::parse(R"({"X":"s"})")) == "(no error)");
  CHECK(error_of("a\nb {{.X.Y}}", json::parse(R"({"X":"s"})")) ==
        "template: :2:6: executing \"\" at <.X.Y>: can't evaluate field Y in type string");
  CHECK(error_of("{{.Config.Entrypoint.X}}") == "template: :1:9: executing \"\" at <.Config.Entrypoint.X>: nil pointer evaluating interface {}.X");
  CHECK(error_of("{{range .Tag}}{{end}}") == "template: :1:8: executing \"\" at <.Tag>: range can't iterate over latest");
  CHECK(error_of("{{eq 1 1.0}}") == "template: :1:2: executing \"\" at <eq 1 1.0>: error calling eq: incompatible types for comparison");
  CHECK(error_of("{{lt true false}}") == "template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for comparison");
  CHECK(error_of("{{lt .Nope 1}}") == "template: :1:2: executing \"\" at <lt .Nope 1>: error calling lt: invalid type for comparison");
  CHECK(error_of("{{eq .Names .Names}}") == "template: :1:2: executing \"\" at <eq .Names .Names>: error calling eq: non-comparable types");
  CHECK(error_of("{{nil}}") == "template: :1:2: executing \"\" at <nil>: nil is not a command");
  CHECK(error_of("{{\"a\" 1}}") == "template: :1:2: executing \"\" at <\"a\">: can't give argument to non-function \"a\"");
  CHECK(error_of("{{.Tag 1}}") == "template: :1:2: executing \"\" at <.Tag>: Tag is not a method but has arguments");
  CHECK(error_of("{{upper}}") == "template: :1:2: executing \"\" at <upper>: wrong number of args for upper: want 1 got 0");
  CHECK(error_of("{{index}}") == "template: :1:2: executing \"\" at <index>: wrong number of args for index: want at least 1 got 0");
  CHECK(error_of("{{truncate \"x\" \"y\"}}") == "template: :1:15: executing \"\" at <\"y\">: expected integer; found \"y\"");
  CHECK(error_of("{{join .Tag \",\"}}") == "template: :1:7: executing \"\" at <.Tag>: wrong type for value; expected []string; got string");
  CHECK(error_of("{{pad \"x\" -1 0}}") == "template: :1:2: executing \"\" at <pad \"x\" -1 0>: error calling pad: strings: negative Repeat count");
  CHECK(error_of("{{range $i, $e := 3}}{{end}}") == "template: :1:18: executing \"\" at <3>: can't use 3 to iterate over more than one variable");
}

TEST_CASE("a strict root type makes unknown top-level fields errors") {
  ExecuteOptions strict;
  strict.root_type = "images.imageReporter";
  Template t = Template::parse("{{.Repository}} {{.Nope}}");
  try {
    t.execute(sample(), strict);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) ==
          "template: :1:18: executing \"\" at <.Nope>: can't evaluate field Nope in type images.imageReporter");
  }
  // Nested maps keep Go's map behaviour.
  CHECK(Template::parse("{{.Config.Labels.zz}}").execute(sample(), strict) == "<no value>");
}

// ---------------------------------------------------------------- tabwriter and tables

TEST_CASE("tabwrite pads columns to minwidth 10 plus padding 3, last cell unpadded") {
  CHECK(tabwrite("a\tb\tc\n") == "a         b         c\n");
  CHECK(tabwrite("REPOSITORY\tTAG\n"
                 "nginx\tlatest\n") ==
        "REPOSITORY   TAG\n"
        "nginx        latest\n");
  // Cells are measured in runes, not bytes.
  CHECK(tabwrite("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x\ty\nz\tw\n") ==
        "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x   y\n"
        "z             w\n");
  // A trailing tab makes an empty last cell: the column is padded.
  CHECK(tabwrite("a\tb\t\n") == "a         b         \n");
  // No final newline: the last line is still written.
  CHECK(tabwrite("a\tb") == "a         b");
  CHECK(tabwrite("") == "");
  // Thousands of columns do not exhaust the stack.
  std::string wide;
  for (int i = 0; i < 100000; ++i) wide += "x\t";
  CHECK(tabwrite(wide).size() == 100000 * 10);
}

TEST_CASE("tabwrite blocks end at lines without that column, as in Go") {
  // The one-cell line ends every column block, so the two blocks are
  // sized separately.
  CHECK(tabwrite("aaaaaaaaaaaaaaa\tb\n"
                 "single\n"
                 "c\td\n") ==
        "aaaaaaaaaaaaaaa   b\n"
        "single\n"
        "c         d\n");
  // A line with fewer columns ends only the columns it lacks.
  CHECK(tabwrite("a\tbbbbbbbbbbbbbbb\tc\n"
                 "d\te\n"
                 "f\tg\th\n") ==
        "a         bbbbbbbbbbbbbbb   c\n"
        "d         e\n"
        "f         g         h\n");
}

TEST_CASE("render_list: Docker's images table") {
  ListFormat images;
  images.default_table = "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";
  images.headers = {{"Repository", "REPOSITORY"}, {"Tag", "TAG"}, {"ID", "IMAGE ID"},
                    {"CreatedSince", "CREATED"}, {"Size", "SIZE"}};
  std::vector<json::Value> rows = {
      json::parse(R"({"Repository":"nginx","Tag":"latest","ID":"d9b20ba1743c","CreatedSince":"About a minute ago","Size":"187MB"})"),
      json::parse(R"({"Repository":"quay.io/x/y","Tag":"<none>","ID":"0123456789ab","CreatedSince":"2 weeks ago","Size":"1.76MB"})"),
  };
  std::string expected =
      "REPOSITORY    TAG       IMAGE ID       CREATED              SIZE\n"
      "nginx         latest    d9b20ba1743c   About a minute ago   187MB\n"
      "quay.io/x/y   <none>    0123456789ab   2 weeks ago          1.76MB\n";
  CHECK(render_list("", rows, images) == expected);
  CHECK(render_list("table", rows, images) == expected);
  CHECK(render_list("table {{.Repository}}\\t{{.Size}}", rows, images) ==
        "REPOSITORY    SIZE\n"
        "nginx         187MB\n"
        "quay.io/x/y   1.76MB\n");
  // Header only when there are no rows.
  CHECK(render_list("", {}, images) == "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n");
  // Plain templates are not aligned and get no header.
  CHECK(render_list("{{.Repository}}:{{.Tag}}", rows, images) == "nginx:latest\nquay.io/x/y:<none>\n");
  CHECK(render_list("{{.Repository}}\\t{{.Tag}}", rows, images) == "nginx\tlatest\nquay.io/x/y\t<none>\n");
  CHECK(render_list("{{.Tag}}", {}, images) == "");
  // json: one object per row, in the row's field order.
  CHECK(render_list("json", {rows[0]}, images) ==
        R"({"Repository":"nginx","Tag":"latest","ID":"d9b20ba1743c","CreatedSince":"About a minute ago","Size":"187MB"})"
        "\n");
}

TEST_CASE("render_list headers: functions pass through, unknown fields are spelt out") {
  ListFormat list;
  list.headers = {{"ID", "IMAGE ID"}, {"Names", "NAMES"}};
  std::vector<json::Value> rows = {json::parse(R"({"ID":"abc","Names":["x","y"],"CreatedSince":"now"})")};
  CHECK(render_list("table {{.ID}}: {{join .Names \",\"}}\\t{{upper .CreatedSince}}", rows, list) ==
        "IMAGE ID: NAMES   CREATED SINCE\n"
        "abc: x,y          NOW\n");
  CHECK(render_list("table {{.ID | lower}}\\t{{truncate .ID 1}}\\t{{pad .ID 1 1}}", rows, list) ==
        "IMAGE ID   IMAGE ID    IMAGE ID \n"
        "abc        a           abc \n");
}

TEST_CASE("render_list reports template errors before printing anything") {
  ListFormat list;
  list.row_type = "images.imageReporter";
  std::vector<json::Value> rows = {json::parse(R"({"ID":"abc"})")};
  CHECK_THROWS_WITH_AS(render_list("table {{.Nope}}", rows, list),
                       "template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type images.imageReporter",
                       Error);
  CHECK_THROWS_WITH_AS(render_list("{{ .ID }", rows, list), "template: :1: unexpected \"}\" in operand", Error);
}

TEST_CASE("render_each for inspect --format") {
  std::vector<json::Value> items = {json::parse(R"({"Config":{"Cmd":["sh"]}})"),
                                    json::parse(R"({"Config":{"Cmd":["a","b"]}})")};
  CHECK(render_each("{{.Config.Cmd}}", items) == "[sh]\n[a b]\n");
  CHECK(render_each("json", {items[0]}) == "{\"Config\":{\"Cmd\":[\"sh\"]}}\n");
}

TEST_CASE("default_header splits camel case") {
  CHECK(default_header("CreatedSince") == "CREATED SINCE");
  CHECK(default_header("ID") == "ID");
  CHECK(default_header("RepoTags") == "REPO TAGS");
  CHECK(default_header("HTTPPort") == "HTTP PORT");
  CHECK(default_header("Size") == "SIZE");
  CHECK(default_header("ipv6Addr") == "IPV 6 ADDR");
  CHECK(default_header("snake_case") == "SNAKE CASE");
}

// Go's fmt rendering of JSON values, so template output matches what Docker
// (a Go program) prints: `%v` of a list is "[nginx -g daemon off;]", of a
// map "map[a:1 b:2]" with sorted keys, of null "<nil>".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kayak/util/json.hpp"

namespace kayak::format {

// fmt.Sprint(v) / "%v".
std::string go_sprint(const json::Value& value);

// Go's float formatting for "%v": shortest digits, exponent form below 1e-4
// and from 1e21... as Go does ("1.234567e+06", "100000", "1e-05").
std::string go_format_float(double value);

// strconv.Quote: "%q" of a string.
std::string go_quote(std::string_view text);

// The Go type a decoded JSON value would have, for error messages
// ("int", "string", "[]string", "map[string]interface {}").
std::string go_type_name(const json::Value& value);

// fmt.Sprintf with Go's verbs (%v %s %d %q %t %f %e %g %x %X %c %%, flags,
// width, precision) and Go's "%!d(string=x)" / "%!s(MISSING)" markers.
std::string go_sprintf(std::string_view format, const std::vector<json::Value>& args);

}  // namespace kayak::format

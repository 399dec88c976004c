// Go's fmt verbs over JSON values. Docker's --format output is produced by
// Go's fmt package, so users' scripts depend on its exact spelling: "<nil>",
// "map[k:v]", "1e+06", "%!d(string=x)".
#include "kayak/format/go_print.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "utf8.hpp"

namespace kayak::format {
namespace {

// One parsed verb: flags, width and precision as fmt's doPrintf sees them.
struct Spec {
  bool minus = false, plus = false, sharp = false, space = false, zero = false;
  int width = -1;
  int prec = -1;
  char32_t verb = 'v';
};

void pad(std::string& out, std::string_view text, const Spec& spec, char fill = ' ') {
  int missing = spec.width - static_cast<int>(utf8_length(text));
  if (missing <= 0) {
    out += text;
  } else if (spec.minus) {
    out += text;
    out.append(static_cast<size_t>(missing), ' ');
  } else if (fill == '0' && !text.empty() && (text[0] == '-' || text[0] == '+' || text[0] == ' ')) {
    // Zero padding goes between the sign and the digits.
    out += text[0];
    out.append(static_cast<size_t>(missing), '0');
    out += text.substr(1);
  } else {
    out.append(static_cast<size_t>(missing), fill);
    out += text;
  }
}

std::string verb_string(char32_t verb) {
  std::string s;
  append_utf8(s, verb);
  return s;
}

// strconv's quoting of one rune; ascii_only is %+q (QuoteToASCII).
void quote_rune_into(std::string& out, char32_t r, char quote, bool ascii_only = false) {
  switch (r) {
  case '\a': out += "\\a"; return;
  case '\b': out += "\\b"; return;
  case '\f': out += "\\f"; return;
  case '\n': out += "\\n"; return;
  case '\r': out += "\\r"; return;
  case '\t': out += "\\t"; return;
  case '\v': out += "\\v"; return;
  case '\\': out += "\\\\"; return;
  default: break;
  }
  if (r == static_cast<char32_t>(quote)) {
    out += '\\';
    out += quote;
  } else if (r < 0x80 && is_printable_rune(r)) {
    out += static_cast<char>(r);
  } else if (r < 0x80) {
    out += fmt::format("\\x{:02x}", static_cast<unsigned>(r));
  } else if (r > 0x10ffff) {
    out += "\\ufffd";
  } else if (is_printable_rune(r) && !ascii_only) {
    append_utf8(out, r);
  } else if (r < 0x10000) {
    out += fmt::format("\\u{:04x}", static_cast<unsigned>(r));
  } else {
    out += fmt::format("\\U{:08x}", static_cast<unsigned>(r));
  }
}

std::string quote_rune(int64_t r, bool ascii_only) {
  std::string out = "'";
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) {
    out += "\\ufffd";  // Go quotes an invalid rune as the replacement char
  } else {
    quote_rune_into(out, static_cast<char32_t>(r), '\'', ascii_only);
  }
  out += "'";
  return out;
}

std::string quote_string(std::string_view text, bool ascii_only) {
  std::string out = "\"";
  size_t i = 0;
  while (i < text.size()) {
    size_t len = 0;
    char32_t r = decode_utf8(text.substr(i), len);
    if (r == kInvalidRune) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      i += 1;
      continue;
    }
    quote_rune_into(out, r, '"', ascii_only);
    i += len;
  }
  out += "\"";
  return out;
}

std::string format_with_c(const char* conversion, const Spec& spec, double value) {
  std::string cfmt = "%";
  if (spec.minus) cfmt += '-';
  if (spec.plus) cfmt += '+';
  if (spec.space) cfmt += ' ';
  if (spec.sharp) cfmt += '#';
  if (spec.zero && !spec.minus) cfmt += '0';
  if (spec.width >= 0) cfmt += std::to_string(spec.width);
  if (spec.prec >= 0) cfmt += "." + std::to_string(spec.prec);
  cfmt += conversion;
  char buf[512];
  int n = std::snprintf(buf, sizeof buf, cfmt.c_str(), value);
  if (n < 0) return {};
  if (static_cast<size_t>(n) < sizeof buf) return std::string(buf, static_cast<size_t>(n));
  std::string big(static_cast<size_t>(n) + 1, '\0');
  std::snprintf(big.data(), big.size(), cfmt.c_str(), value);
  big.resize(static_cast<size_t>(n));
  return big;
}

class Printer {
public:
  explicit Printer(std::string& out) : out_(out) {}

  void bad_verb(const Spec& spec, const json::Value& v) {
    out_ += "%!" + verb_string(spec.verb) + "(";
    if (v.is_null()) {
      out_ += "<nil>";
    } else {
      out_ += go_type_name(v) + "=";
      Spec plain;
      value(v, plain, 0);
    }
    out_ += ")";
  }

  void integer(int64_t n, const Spec& spec, const json::Value& v) {
    switch (spec.verb) {
    case 'v': case 'd': integer_digits(n, 10, false, spec); return;
    case 'b': integer_digits(n, 2, false, spec); return;
    case 'o': case 'O': integer_digits(n, 8, false, spec); return;
    case 'x': integer_digits(n, 16, false, spec); return;
    case 'X': integer_digits(n, 16, true, spec); return;
    case 'c': {
      std::string s;
      append_utf8(s, n < 0 || n > 0x10ffff ? 0xfffd : static_cast<char32_t>(n));
      pad(out_, s, spec);
      return;
    }
    case 'q': pad(out_, quote_rune(n, spec.plus), spec); return;
    case 'U': {
      std::string u = fmt::format("U+{:04X}", static_cast<uint64_t>(n));
      if (spec.sharp && n >= 0 && n <= 0x10ffff && is_printable_rune(static_cast<char32_t>(n))) {
        u += " '";
        append_utf8(u, static_cast<char32_t>(n));
        u += "'";
      }
      pad(out_, u, spec);
      return;
    }
    default: bad_verb(spec, v);
    }
  }

  void integer_digits(int64_t n, int base, bool upper, const Spec& spec) {
    uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
    char buf[80];
    auto res = std::to_chars(buf, buf + sizeof buf, magnitude, base);
    std::string digits(buf, res.ptr);
    if (upper) std::transform(digits.begin(), digits.end(), digits.begin(), ::toupper);
    if (spec.prec >= 0 && static_cast<int>(digits.size()) < spec.prec) {
      digits.insert(0, static_cast<size_t>(spec.prec) - digits.size(), '0');
    }
    if (spec.prec == 0 && n == 0) digits.clear();
    if (spec.sharp) {
      if (base == 16) digits.insert(0, upper ? "0X" : "0x");
      if (base == 8 && (digits.empty() || digits[0] != '0')) digits.insert(0, "0");
      if (base == 2) digits.insert(0, "0b");
    }
    if (spec.verb == 'O') digits.insert(0, "0o");
    std::string sign = n < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "";
    // Go pads with zeros only without an explicit precision.
    bool zeros = spec.zero && !spec.minus && spec.prec < 0;
    pad(out_, sign + digits, spec, zeros ? '0' : ' ');
  }

  void floating(double d, const Spec& spec, const json::Value& v) {
    switch (spec.verb) {
    case 'v':
      if (spec.prec < 0) return pad(out_, sign_flag(go_format_float(d), spec), spec, zero_fill(spec));
      out_ += format_with_c("g", spec, d);
      return;
    case 'g': case 'G':
      if (spec.prec < 0) {
        std::string s = sign_flag(go_format_float(d), spec);
        if (spec.verb == 'G') std::transform(s.begin(), s.end(), s.begin(), ::toupper);
        return pad(out_, s, spec, zero_fill(spec));
      }
      out_ += format_with_c(spec.verb == 'g' ? "g" : "G", spec, d);
      return;
    case 'f': case 'F': out_ += format_with_c("f", spec, d); return;
    case 'e': out_ += format_with_c("e", spec, d); return;
    case 'E': out_ += format_with_c("E", spec, d); return;
    default: bad_verb(spec, v);
    }
  }

  static char zero_fill(const Spec& spec) { return spec.zero && !spec.minus ? '0' : ' '; }
  static std::string sign_flag(std::string s, const Spec& spec) {
    if (!s.empty() && s[0] != '-') {
      if (spec.plus) return "+" + s;
      if (spec.space) return " " + s;
    }
    return s;
  }

  void string(const std::string& s, const Spec& spec, const json::Value& v) {
    switch (spec.verb) {
    case 'v':
      if (spec.sharp) return pad(out_, quote_string(s, false), spec);
      [[fallthrough]];
    case 's': pad(out_, truncate_runes(s, spec.prec), spec); return;
    case 'q': pad(out_, quote_string(truncate_runes(s, spec.prec), spec.plus), spec); return;
    case 'x': case 'X': {
      std::string hex;
      for (unsigned char c : s) {
        if (spec.space && !hex.empty()) hex += ' ';  // "% x" separates bytes
        hex += spec.verb == 'x' ? fmt::format("{:02x}", c) : fmt::format("{:02X}", c);
      }
      pad(out_, hex, spec);
      return;
    }
    default: bad_verb(spec, v);
    }
  }

  static std::string truncate_runes(const std::string& s, int prec) {
    if (prec < 0) return s;
    return std::string(utf8_prefix(s, static_cast<size_t>(prec)));
  }

  void value(const json::Value& v, const Spec& spec, int depth) {
    switch (v.type()) {
    case json::Type::Null:
      // Nested nils print as "<nil>" whatever the verb; a nil operand
      // only suits %v.
      if (depth > 0 || spec.verb == 'v') pad(out_, "<nil>", spec);
      else bad_verb(spec, v);
      return;
    case json::Type::Bool:
      if (spec.verb == 'v' || spec.verb == 't') pad(out_, v.as_bool() ? "true" : "false", spec);
      else bad_verb(spec, v);
      return;
    case json::Type::Int: integer(v.as_int(), spec, v); return;
    case json::Type::Double: floating(v.as_double(), spec, v); return;
    case json::Type::String: string(v.as_string(), spec, v); return;
    case json::Type::Array: {
      out_ += '[';
      bool first = true;
      for (const auto& item : v.as_array()) {
        if (!first) out_ += ' ';
        first = false;
        value(item, spec, depth + 1);
      }
      out_ += ']';
      return;
    }
    case json::Type::Object: {
      // An empty object inside a map or list is, in Docker's data, an empty
      // struct ("ExposedPorts": {"80/tcp": {}}), which Go prints as "{}".
      if (depth > 0 && v.empty()) {
        out_ += "{}";
        return;
      }
      // Go prints maps with sorted keys.
      std::vector<const json::Member*> members;
      for (const auto& m : v.as_object()) members.push_back(&m);
      std::stable_sort(members.begin(), members.end(),
                       [](const json::Member* a, const json::Member* b) { return a->first < b->first; });
      out_ += "map[";
      bool first = true;
      for (const auto* m : members) {
        if (!first) out_ += ' ';
        first = false;
        value(json::Value(m->first), spec, depth + 1);
        out_ += ':';
        value(m->second, spec, depth + 1);
      }
      out_ += ']';
      return;
    }
    }
  }

private:
  std::string& out_;
};

}  // namespace

std::string go_format_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  // Shortest round-trip digits, in exponent form when the decimal exponent
  // is below -4 or at least 6, which is what Go's %v prints (checked
  // against a Go binary: 999999.0 -> "999999", 1e6 -> "1e+06").
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  auto e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  if (exponent < -4 || exponent >= 6) {
    // to_chars writes at least two exponent digits, as Go does.
    return sci;
  }
  res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  return std::string(buf, res.ptr);
}

std::string go_quote(std::string_view text) { return quote_string(text, false); }

std::string go_type_name(const json::Value& value) {
  switch (value.type()) {
  case json::Type::Null: return "<nil>";
  case json::Type::Bool: return "bool";
  case json::Type::Int: return "int";
  case json::Type::Double: return "float64";
  case json::Type::String: return "string";
  case json::Type::Array: {
    const auto& items = value.as_array();
    bool strings = !items.empty() &&
                   std::all_of(items.begin(), items.end(), [](const json::Value& v) { return v.is_string(); });
    return strings ? "[]string" : "[]interface {}";
  }
  case json::Type::Object: return "map[string]interface {}";
  }
  return "interface {}";
}

std::string go_sprint(const json::Value& value) {
  std::string out;
  Printer(out).value(value, Spec{}, 0);
  return out;
}

std::string go_sprintf(std::string_view format, const std::vector<json::Value>& args) {
  std::string out;
  Printer printer(out);
  size_t arg = 0;
  size_t i = 0;
  // Go refuses widths and precisions beyond a million (BADWIDTH/BADPREC),
  // which also keeps a template from allocating gigabytes of padding.
  constexpr int64_t kMaxWidth = 1'000'000;
  // Reads digits or a "*" argument; nullopt when absent or bad.
  auto take_number = [&](const char* bad) -> std::optional<int64_t> {
    if (i < format.size() && format[i] == '*') {
      ++i;
      if (arg < args.size() && args[arg].is_int() && std::abs(args[arg].as_int()) <= kMaxWidth) {
        return args[arg++].as_int();
      }
      out += bad;
      if (arg < args.size()) ++arg;
      return std::nullopt;
    }
    if (i >= format.size() || format[i] < '0' || format[i] > '9') return std::nullopt;
    int64_t n = 0;
    while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
      n = std::min<int64_t>(n * 10 + (format[i] - '0'), kMaxWidth);
      ++i;
    }
    return n;
  };
  while (i < format.size()) {
    size_t percent = format.find('%', i);
    if (percent == std::string_view::npos) {
      out += format.substr(i);
      break;
    }
    out += format.substr(i, percent - i);
    i = percent + 1;
    Spec spec;
    for (; i < format.size(); ++i) {
      char c = format[i];
      if (c == '-') { spec.minus = true; spec.zero = false; }
      else if (c == '+') spec.plus = true;
      else if (c == '#') spec.sharp = true;
      else if (c == ' ') spec.space = true;
      else if (c == '0') spec.zero = !spec.minus;
      else break;
    }
    if (auto width = take_number("%!(BADWIDTH)")) {
      // A negative "*" width means left-justify.
      if (*width < 0) {
        spec.minus = true;
        spec.zero = false;
      }
      spec.width = static_cast<int>(std::abs(*width));
    }
    if (i < format.size() && format[i] == '.') {
      ++i;
      bool star = i < format.size() && format[i] == '*';
      auto prec = take_number("%!(BADPREC)");
      if (prec && *prec < 0) {
        out += "%!(BADPREC)";  // Go rejects a negative "*" precision
        spec.prec = -1;
      } else {
        // "%.f" means precision 0; a bad "*" argument means none.
        spec.prec = prec ? static_cast<int>(*prec) : (star ? -1 : 0);
      }
    }
    if (i >= format.size()) {
      out += "%!(NOVERB)";
      break;
    }
    size_t len = 0;
    char32_t verb = decode_utf8(format.substr(i), len);
    if (verb == kInvalidRune) { verb = 0xfffd; len = 1; }
    i += len;
    spec.verb = verb;
    if (verb == '%') {
      out += '%';
      continue;
    }
    if (arg >= args.size()) {
      out += "%!" + verb_string(verb) + "(MISSING)";
      continue;
    }
    printer.value(args[arg++], spec, 0);
  }
  if (arg < args.size()) {
    out += "%!(EXTRA ";
    for (size_t k = arg; k < args.size(); ++k) {
      if (k > arg) out += ", ";
      if (args[k].is_null()) {
        out += "<nil>";
      } else {
        out += go_type_name(args[k]) + "=" + go_sprint(args[k]);
      }
    }
    out += ")";
  }
  return out;
}

}  // namespace kayak::format

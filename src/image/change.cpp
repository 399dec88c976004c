// Dockerfile-style changes for `import -c` and `commit -c`, applied to a
// container config ("config" member of an image config) with Docker's
// semantics and messages.
#include "kayak/image/config.hpp"

#include "dockerfile_words.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

namespace kayak::image {

namespace {

using detail::process_word;

constexpr std::array<std::string_view, 11> kValidCommands = {
  "cmd", "entrypoint", "env", "expose", "healthcheck", "label", "onbuild", "stopsignal", "user", "volume", "workdir"};

// Docker's container.Config field order: members we add go where Docker
// would have written them, so a config we change still reads naturally.
constexpr std::array<std::string_view, 25> kFieldOrder = {
  "Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "ExposedPorts", "Tty",
  "OpenStdin", "StdinOnce", "Env", "Cmd", "Healthcheck", "ArgsEscaped", "Image", "Volumes", "WorkingDir",
  "Entrypoint", "NetworkDisabled", "MacAddress", "OnBuild", "Labels", "StopSignal", "StopTimeout", "Shell"};

struct Flag {
  std::string name;
  std::optional<std::string> value;
};

struct Instruction {
  std::string keyword;   // lower case: "cmd"
  std::string shown;     // upper case, for messages: "CMD"
  std::string args;      // arguments after any --flags, trimmed
  std::string raw_args;  // arguments as written (ONBUILD keeps them whole)
  std::vector<Flag> flags;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'; }

// Whitespace as the instruction splitter sees it (str::trim knows fewer
// characters, and the two must agree).
std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Leading "--name[=value]" words, as Docker's parser takes from every
// instruction; each instruction then says which flags it knows.
std::vector<Flag> extract_flags(std::string_view& args) {
  std::vector<Flag> flags;
  while (args.starts_with("--")) {
    size_t end = 0;
    while (end < args.size() && !is_space(args[end])) ++end;
    std::string_view word = args.substr(2, end - 2);
    args = trim(args.substr(end));
    if (word.empty()) break;  // a lone "--" ends the flags
    size_t eq = word.find('=');
    if (eq == std::string_view::npos) {
      flags.push_back({std::string(word), std::nullopt});
    } else {
      flags.push_back({std::string(word.substr(0, eq)), std::string(word.substr(eq + 1))});
    }
  }
  return flags;
}

// Changes are joined into a small Dockerfile: a trailing backslash joins
// lines, '#' lines are comments, blank lines are skipped.
std::vector<Instruction> parse_instructions(std::string_view text) {
  std::vector<Instruction> out;
  std::vector<std::string> lines;
  std::string pending;
  bool continuing = false;
  for (const auto& line : str::split(text, '\n')) {
    std::string_view view = line;
    if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
    std::string_view stripped = trim(view);
    if (stripped.starts_with('#') || (stripped.empty() && !continuing)) continue;
    std::string_view right = view;
    while (!right.empty() && is_space(right.back())) right.remove_suffix(1);
    if (right.ends_with('\\')) {
      right.remove_suffix(1);
      pending += right;
      continuing = true;
      continue;
    }
    pending += view;
    continuing = false;
    lines.push_back(std::move(pending));
    pending.clear();
  }
  if (!trim(pending).empty()) lines.push_back(pending);

  for (const auto& line : lines) {
    std::string_view l = trim(line);
    if (l.empty()) continue;
    size_t end = 0;
    while (end < l.size() && !is_space(l[end])) ++end;
    Instruction ins;
    ins.keyword = str::to_lower(l.substr(0, end));
    ins.shown = to_upper(l.substr(0, end));
    std::string_view args = trim(l.substr(end));
    ins.raw_args = std::string(args);
    ins.flags = extract_flags(args);
    ins.args = std::string(args);
    out.push_back(std::move(ins));
  }
  return out;
}

// An exec-form argument list ("[\"a\", \"b\"]"), or nullopt when the text
// is not a JSON array of strings: then it is shell form, as in Docker.
std::optional<std::vector<std::string>> parse_json_strings(std::string_view text) {
  if (!text.starts_with('[')) return std::nullopt;
  json::Value doc;
  try {
    doc = json::parse(text, "change");
  } catch (const Error&) {
    return std::nullopt;
  }
  if (!doc.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : doc.as_array()) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.as_string());
  }
  return out;
}

void check_no_flags(const Instruction& ins) {
  if (!ins.flags.empty()) fail("unknown flag: {}", ins.flags.front().name);
}

void require_args(const Instruction& ins) {
  if (ins.args.empty()) fail("{} requires at least one argument", ins.shown);
}

// "foo/../bar" -> "/bar": clean an absolute path as Go's path.Clean does.
std::string clean_absolute(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (auto part : parts) out += "/" + std::string(part);
  return out.empty() ? "/" : out;
}

bool valid_signal(std::string_view text) {
  if (auto n = str::parse_int(text)) return *n > 0 && *n <= 64;
  std::string name = to_upper(text);
  if (name.starts_with("SIG")) name.erase(0, 3);
  static const std::array<std::string_view, 35> kNames = {
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT",
    "KILL", "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP",
    "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "UNUSED"};
  if (std::find(kNames.begin(), kNames.end(), name) != kNames.end()) return true;
  if (name == "RTMIN" || name == "RTMAX") return true;
  // RTMIN+1..RTMIN+15 and RTMAX-14..RTMAX-1.
  for (std::string_view base : {std::string_view("RTMIN+"), std::string_view("RTMAX-")}) {
    if (name.starts_with(base)) {
      auto n = str::parse_int(std::string_view(name).substr(base.size()));
      return n && *n >= 1 && *n <= (base == "RTMIN+" ? 15 : 14);
    }
  }
  return false;
}

// Docker marshals these maps from Go, so their keys come out sorted.
void sort_members(json::Value& object) {
  auto& members = object.as_object();
  std::stable_sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

class ConfigEditor {
public:
  explicit ConfigEditor(json::Value& config) : config_(config) {}

  void apply(const Instruction& ins) {
    const std::string& k = ins.keyword;
    if (k == "cmd") return command(ins, "Cmd");
    if (k == "entrypoint") return command(ins, "Entrypoint");
    if (k == "env") return env(ins);
    if (k == "label") return label(ins);
    if (k == "expose") return expose(ins);
    if (k == "volume") return volume(ins);
    if (k == "workdir") return workdir(ins);
    if (k == "user") return user(ins);
    if (k == "stopsignal") return stopsignal(ins);
    if (k == "onbuild") return onbuild(ins);
    if (k == "healthcheck") return healthcheck(ins);
  }

private:
  // ---- fields ----
  void set_field(std::string_view key, json::Value value) {
    if (json::Value* existing = config_.find(key)) {
      *existing = std::move(value);
      return;
    }
    auto rank = [](std::string_view name) {
      auto it = std::find(kFieldOrder.begin(), kFieldOrder.end(), name);
      return it == kFieldOrder.end() ? kFieldOrder.size() : static_cast<size_t>(it - kFieldOrder.begin());
    };
    size_t mine = rank(key);
    auto& members = config_.as_object();
    auto pos = std::find_if(members.begin(), members.end(), [&](const json::Member& m) {
      size_t theirs = rank(m.first);
      return theirs != kFieldOrder.size() && theirs > mine;
    });
    members.insert(pos, json::Member(std::string(key), std::move(value)));
  }

  json::Value& object_field(std::string_view key) {
    json::Value* v = config_.find(key);
    if (!v || !v->is_object()) {
      set_field(key, json::Value::object());
      v = config_.find(key);
    }
    return *v;
  }

  std::optional<std::string> lookup_env(std::string_view name) const {
    const json::Value& list = config_["Env"];
    if (!list.is_array()) return std::nullopt;
    for (const auto& item : list.as_array()) {
      if (!item.is_string()) continue;
      std::string_view entry = item.as_string();
      if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=')
        return std::string(entry.substr(name.size() + 1));
      if (entry == name) return std::string();
    }
    return std::nullopt;
  }

  detail::EnvLookup env_lookup() const {
    return [this](std::string_view name) { return lookup_env(name); };
  }

  std::string expand(std::string_view word) const { return process_word(word, env_lookup()); }

  // ---- instructions ----
  void command(const Instruction& ins, std::string_view field) {
    check_no_flags(ins);
    json::Value value;
    if (auto exec = parse_json_strings(ins.args)) {
      value = json::Value::strings(*exec);
    } else {
      require_args(ins);
      value = json::Value::strings({"/bin/sh", "-c", ins.args});
    }
    set_field(field, std::move(value));
    if (field == "Cmd") {
      cmd_set_ = true;
    } else if (!cmd_set_) {
      // A new entrypoint makes the old default arguments meaningless.
      config_.erase("Cmd");
    }
  }

  // ENV and LABEL: "k=v k2=v2", or the legacy "k value with spaces".
  std::vector<std::pair<std::string, std::string>> name_values(const Instruction& ins) {
    check_no_flags(ins);
    require_args(ins);
    std::vector<std::pair<std::string, std::string>> raw;
    std::vector<std::string> words = detail::split_quoted_words(ins.args);
    if (words.empty()) fail("{} requires at least one argument", ins.shown);
    if (words.front().find('=') == std::string::npos) {
      size_t end = 0;
      while (end < ins.args.size() && !is_space(ins.args[end])) ++end;
      std::string_view value = trim(std::string_view(ins.args).substr(end));
      if (value.empty()) fail("{} must have two arguments", ins.shown);
      raw.emplace_back(ins.args.substr(0, end), std::string(value));
    } else {
      for (const auto& word : words) {
        size_t eq = word.find('=');
        if (eq == std::string::npos)
          fail("Syntax error - can't find = in {}. Must be of the form: name=value", json::quote(word));
        raw.emplace_back(word.substr(0, eq), word.substr(eq + 1));
      }
    }
    // All pairs of one instruction see the variables as they were before
    // it, as in Docker ("ENV A=1 B=$A" takes the old A).
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, value] : raw) {
      std::string name = expand(key);
      if (name.empty()) fail("{} names can not be blank", ins.shown);
      out.emplace_back(std::move(name), expand(value));
    }
    return out;
  }

  void env(const Instruction& ins) {
    auto pairs = name_values(ins);
    json::Value* list = config_.find("Env");
    if (!list || !list->is_array()) {
      set_field("Env", json::Value::array());
      list = config_.find("Env");
    }
    for (const auto& [name, value] : pairs) {
      std::string entry = name + "=" + value;
      bool replaced = false;
      for (auto& item : list->as_array()) {
        if (!item.is_string()) continue;
        std::string_view existing = item.as_string();
        if (existing.substr(0, existing.find('=')) == name) {
          item = entry;
          replaced = true;
          break;
        }
      }
      if (!replaced) list->push_back(entry);
    }
  }

  void label(const Instruction& ins) {
    auto pairs = name_values(ins);
    json::Value& labels = object_field("Labels");
    for (const auto& [name, value] : pairs) labels.set(name, value);
    sort_members(labels);
  }

  void expose(const Instruction& ins) {
    check_no_flags(ins);
    std::vector<std::string> specs = detail::split_whitespace(ins.args);
    if (specs.empty()) fail("EXPOSE requires at least one argument");
    std::vector<std::string> keys;
    for (const auto& raw : specs) {
      std::string spec = expand(raw);
      std::string proto = "tcp";
      std::string port = spec;
      if (size_t slash = spec.find('/'); slash != std::string::npos) {
        proto = str::to_lower(spec.substr(slash + 1));
        port = spec.substr(0, slash);
      }
      if (proto != "tcp" && proto != "udp" && proto != "sctp") fail("invalid proto: {}", proto);
      // "ip:host:container" forms name the container port last.
      if (size_t colon = port.rfind(':'); colon != std::string::npos) port = port.substr(colon + 1);
      if (port.empty()) fail("no port specified: {}<empty>", spec);
      auto dash = port.find('-');
      auto first = str::parse_uint(port.substr(0, dash));
      auto last = dash == std::string::npos ? first : str::parse_uint(port.substr(dash + 1));
      if (!first || !last || *first > 65535 || *last > 65535) fail("invalid containerPort: {}", port);
      if (*last < *first) fail("invalid range specified for container port: {}", port);
      for (uint64_t p = *first; p <= *last; ++p) keys.push_back(std::to_string(p) + "/" + proto);
    }
    json::Value& ports = object_field("ExposedPorts");
    for (const auto& key : keys) ports.set(key, json::Value::object());
    sort_members(ports);
  }

  void volume(const Instruction& ins) {
    check_no_flags(ins);
    std::vector<std::string> paths;
    if (auto list = parse_json_strings(ins.args)) {
      paths = *list;
    } else {
      paths = detail::split_whitespace(ins.args);
    }
    if (paths.empty()) fail("VOLUME requires at least one argument");
    json::Value& volumes = object_field("Volumes");
    for (const auto& raw : paths) {
      std::string path = std::string(trim(expand(raw)));
      if (path.empty()) fail("VOLUME specified can not be an empty string");
      volumes.set(path, json::Value::object());
    }
    sort_members(volumes);
  }

  void workdir(const Instruction& ins) {
    check_no_flags(ins);
    if (ins.args.empty()) fail("WORKDIR requires exactly one argument");
    std::string path = expand(ins.args);
    if (path.empty()) fail("cannot normalize nothing");
    if (!path.starts_with('/')) path = clean_absolute(config_.string_or("WorkingDir") + "/" + path);
    set_field("WorkingDir", path);
  }

  void user(const Instruction& ins) {
    check_no_flags(ins);
    if (ins.args.empty()) fail("USER requires exactly one argument");
    set_field("User", expand(ins.args));
  }

  void stopsignal(const Instruction& ins) {
    check_no_flags(ins);
    if (ins.args.empty()) fail("STOPSIGNAL requires exactly one argument");
    std::string signal = expand(ins.args);
    if (!valid_signal(signal)) fail("Invalid signal: {}", signal);
    set_field("StopSignal", signal);
  }

  void onbuild(const Instruction& ins) {
    std::string_view trigger = ins.raw_args;
    if (trigger.empty()) fail("ONBUILD requires at least one argument");
    size_t end = 0;
    while (end < trigger.size() && !is_space(trigger[end])) ++end;
    std::string first = to_upper(trigger.substr(0, end));
    if (first == "ONBUILD") fail("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (first == "FROM" || first == "MAINTAINER") fail("{} isn't allowed as an ONBUILD trigger", first);
    json::Value* list = config_.find("OnBuild");
    if (!list || !list->is_array()) {
      set_field("OnBuild", json::Value::array());
      list = config_.find("OnBuild");
    }
    list->push_back(std::string(trigger));
  }

  void healthcheck(const Instruction& ins) {
    std::string_view args = ins.args;
    size_t end = 0;
    while (end < args.size() && !is_space(args[end])) ++end;
    std::string type = to_upper(args.substr(0, end));
    std::string_view rest = trim(args.substr(end));
    json::Value check = json::Value::object();
    if (type == "NONE") {
      if (!rest.empty()) fail("HEALTHCHECK NONE takes no arguments");
      check.set("Test", json::Value::strings({"NONE"}));
      set_field("Healthcheck", std::move(check));
      return;
    }
    if (type != "CMD") {
      if (type.empty()) fail("HEALTHCHECK requires at least one argument");
      fail("Unknown type {} in HEALTHCHECK (try CMD)", json::quote(type));
    }
    std::vector<std::string> test;
    if (auto exec = parse_json_strings(rest)) {
      test = {"CMD"};
      test.insert(test.end(), exec->begin(), exec->end());
    } else {
      if (rest.empty()) fail("Missing command after HEALTHCHECK CMD");
      test = {"CMD-SHELL", std::string(rest)};
    }
    check.set("Test", json::Value::strings(test));

    // Durations in nanoseconds, in Docker's field order; zero values are
    // left out as Docker's omitempty does.
    std::map<std::string, int64_t> durations;
    int64_t retries = 0;
    for (const auto& flag : ins.flags) {
      std::string value = flag.value.value_or("");
      if (flag.name == "retries") {
        auto n = str::parse_int(value);
        if (!n) fail("invalid value {} for flag --retries", json::quote(value));
        if (*n < 0) fail("--retries cannot be negative ({})", *n);
        retries = *n;
      } else if (flag.name == "interval" || flag.name == "timeout" || flag.name == "start-period" ||
                 flag.name == "start-interval") {
        auto ns = detail::parse_go_duration(value);
        if (!ns) fail("time: invalid duration {}", json::quote(value));
        constexpr int64_t kMinimum = 1000000;  // 1ms
        if (*ns != 0 && *ns < kMinimum) fail("Interval {} cannot be less than 1ms", json::quote(flag.name));
        if (*ns < 0) fail("Interval {} cannot be negative", json::quote(flag.name));
        durations[flag.name] = *ns;
      } else {
        fail("unknown flag: {}", flag.name);
      }
    }
    const std::pair<const char*, const char*> fields[] = {
      {"interval", "Interval"}, {"timeout", "Timeout"}, {"start-period", "StartPeriod"}, {"start-interval", "StartInterval"}};
    for (const auto& [flag, key] : fields) {
      auto it = durations.find(flag);
      if (it != durations.end() && it->second != 0) check.set(key, it->second);
    }
    if (retries != 0) check.set("Retries", retries);
    set_field("Healthcheck", std::move(check));
  }

  json::Value& config_;
  bool cmd_set_ = false;
};

}  // namespace

void apply_changes(json::Value& container_config, const std::vector<std::string>& changes) {
  std::vector<Instruction> instructions;
  for (const auto& change : changes) {
    auto parsed = parse_instructions(change);
    instructions.insert(instructions.end(), parsed.begin(), parsed.end());
  }
  // Docker checks every command name before applying any change.
  for (const auto& ins : instructions) {
    if (std::find(kValidCommands.begin(), kValidCommands.end(), ins.keyword) == kValidCommands.end())
      fail("{} is not a valid change command", ins.keyword);
  }
  if (instructions.empty()) return;
  if (!container_config.is_null() && !container_config.is_object()) fail("container config is not an object");
  // Work on a copy so a failing change leaves the config as it was.
  json::Value work = container_config.is_null() ? json::Value::object() : container_config;
  ConfigEditor editor(work);
  for (const auto& ins : instructions) editor.apply(ins);
  container_config = std::move(work);
}

void apply_change(json::Value& container_config, std::string_view change) {
  apply_changes(container_config, {std::string(change)});
}

}  // namespace kayak::image

#include "kayak/quadlet/generator.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/strings.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

namespace kayak::quadlet {

namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : fallback;
}

// name -> path: the first directory that holds a name wins.
std::map<std::string, std::string> find_sources(const std::vector<std::string>& dirs) {
  std::map<std::string, std::string> found;
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      std::string name = entry.path().filename().string();
      if (!is_quadlet_file(name) || found.count(name)) continue;
      std::error_code type_ec;
      if (!entry.is_regular_file(type_ec)) continue;  // follows symlinks, as systemd does
      found.emplace(name, entry.path().string());
    }
  }
  return found;
}

std::string where(const std::string& path, int line) {
  return line > 0 ? fmt::format("{}:{}", path, line) : path;
}

void link_into(const std::string& output_dir, const std::string& target, const std::string& suffix,
               const std::string& unit_name) {
  std::string dir = fs::join(output_dir, target + suffix);
  fs::mkdir_p(dir, 0755);
  std::string link = fs::join(dir, unit_name);
  ::unlink(link.c_str());
  std::string to = "../" + unit_name;
  if (::symlink(to.c_str(), link.c_str()) != 0) fail_errno("symlink {}", link);
}

}  // namespace

std::vector<std::string> quadlet_search_dirs(bool user) {
  if (const char* dirs = std::getenv("QUADLET_UNIT_DIRS"); dirs && *dirs) {
    std::vector<std::string> list;
    for (auto& dir : str::split(dirs, ':'))
      if (!dir.empty()) list.push_back(std::move(dir));
    return list;
  }
  if (!user) return {"/run/containers/systemd", "/etc/containers/systemd", "/usr/share/containers/systemd"};
  std::string config = env_or("XDG_CONFIG_HOME", env_or("HOME", "/") + "/.config");
  return {
    config + "/containers/systemd",
    fmt::format("/etc/containers/systemd/users/{}", ::getuid()),
    "/etc/containers/systemd/users",
  };
}

int run_generator(const GeneratorRun& run, const GeneratorOutput& output) {
  int bad = 0;
  auto sources = find_sources(run.search_dirs);
  // Containers name volumes by their .volume file: learn the names first.
  ConvertOptions convert = run.convert;
  for (const auto& [name, path] : sources) {
    if (!name.ends_with(".volume")) continue;
    try {
      if (auto volume = volume_name_of(fs::read_file(path)))
        convert.volume_names[name.substr(0, name.size() - 7)] = *volume;
    } catch (const Error&) {
      // Unreadable: reported when the file itself is converted below.
    }
  }
  for (const auto& [name, path] : sources) {
    Conversion result;
    try {
      result = convert_unit_file(path, fs::read_file(path), convert);
    } catch (const Error& e) {
      result.errors.push_back({0, e.what()});
    }
    for (const auto& w : result.warnings) output.message(fmt::format("{}: warning: {}", where(path, w.line), w.message));
    for (const auto& e : result.errors) output.message(fmt::format("{}: error: {}", where(path, e.line), e.message));
    if (!result.errors.empty() || !result.unit) {
      output.message(fmt::format("{}: skipped: no unit generated", path));
      ++bad;
      continue;
    }
    const GeneratedUnit& unit = *result.unit;
    if (run.dry_run) {
      output.print(fmt::format("---{}---\n{}\n", unit.name, unit.text));
      continue;
    }
    try {
      fs::mkdir_p(run.output_dir, 0755);
      fs::write_file_atomic(fs::join(run.output_dir, unit.name), unit.text, 0644);
      for (const auto& target : unit.wanted_by) link_into(run.output_dir, target, ".wants", unit.name);
      for (const auto& target : unit.required_by) link_into(run.output_dir, target, ".requires", unit.name);
    } catch (const Error& e) {
      output.message(fmt::format("{}: error: {}", path, e.what()));
      ++bad;
    }
  }
  return bad;
}

}  // namespace kayak::quadlet

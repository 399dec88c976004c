// `generate systemd`: unit text that starts an existing container, or
// (--new) creates it afresh on each start from the command line that made
// it, as podman generate systemd writes them.
#pragma once

#include "kayak/store/context.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kayak::commands {

struct GenerateSystemdOptions {
  bool new_container = false;       // --new
  bool use_name = false;            // --name: the container's name in the unit, not its ID
  std::string restart_policy = "on-failure";
  std::optional<int> restart_sec;   // --restart-sec
  std::optional<int> stop_timeout;  // --time; default: the container's stop timeout
  std::string container_prefix = "container";
  std::string separator = "-";
  bool no_header = false;
  std::string kayak_path;           // the binary the unit runs (absolute)
  std::string version;              // for the header
  // --new: turns the recorded create command (argv) into the arguments of
  // the `run` the unit makes (after the binary), without -d, --rm,
  // --cidfile, --replace, --sdnotify (the unit adds its own). The cli
  // provides it: only it knows which flags take a value.
  std::function<std::vector<std::string>(const std::vector<std::string>& argv)> run_arguments;
};

struct GeneratedUnit {
  std::string name;  // "container-web.service"
  std::string text;
};

GeneratedUnit generate_systemd(store::Context& ctx, const std::string& container, const GenerateSystemdOptions& options);

// One word of an Exec line, quoted as systemd reads it back ("a b" ->
// "\"a b\""; % and $ doubled so they are not specifiers or variables).
std::string systemd_exec_word(const std::string& word);

}  // namespace kayak::commands

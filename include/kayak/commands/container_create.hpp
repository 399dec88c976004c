// `create` (and the record-making half of `run`): flags -> ContainerConfig
// exactly as Docker builds it from the image config, then the record, the
// rootfs dirs and the --cidfile.
#pragma once

#include "kayak/image/config.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kayak::commands {

// Everything `create` and `run` take (run adds -d and its own flags).
struct CreateOptions {
  std::string image;                 // as typed
  std::vector<std::string> command;  // arguments after the image
  std::vector<std::string> env;      // -e, in order
  std::vector<std::string> env_files;
  std::optional<std::string> entrypoint;  // given; "" clears the image's
  std::string workdir;
  std::string user;
  std::string hostname;
  std::string name;
  bool tty = false;
  bool interactive = false;
  bool auto_remove = false;  // --rm
  bool detach = false;       // run -d
  std::string restart;       // "" = no
  std::vector<std::string> ulimits;
  std::vector<std::string> cap_add, cap_drop;
  bool privileged = false;
  std::vector<std::string> security_opt;
  bool read_only = false;
  bool read_only_tmpfs = true;
  std::vector<std::string> volumes;  // -v
  std::vector<std::string> mounts;   // --mount
  std::vector<std::string> tmpfs;    // --tmpfs
  std::string network;
  std::vector<std::string> dns, dns_search, dns_options, add_hosts;
  std::vector<std::string> publish;  // -p
  bool publish_all = false;          // -P
  std::vector<std::string> expose;
  std::vector<std::string> labels;   // -l k=v
  std::string stop_signal;
  std::optional<int> stop_timeout;
  std::string log_driver;
  std::vector<std::string> log_opts;
  std::string memory;       // "512m"
  std::string pids_limit;
  std::string cpus;         // "1.5"
  std::string cidfile;
  std::string pidfile;
  std::string sdnotify;     // conmon, container, ignore; "" conmon
  bool replace = false;
  // The implicit pull (commands/image_pull.hpp): --pull, -q, --platform,
  // --tls-verify, --authfile.
  std::string pull = "missing";
  bool pull_quiet = false;
  std::string platform;
  std::optional<bool> tls_verify;
  std::string authfile;
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// getenv(3) as an EnvLookup.
std::optional<std::string> caller_env(const std::string& name);

// --env-file lines then -e values as K=V, in order ("K" alone takes the
// caller's value, or is dropped when the caller has none). Throws on an
// unreadable file or a bad name.
std::vector<std::string> user_env(const std::vector<std::string>& env_files, const std::vector<std::string>& env,
                                  const EnvLookup& lookup = caller_env);

// The pure part of create: the ContainerConfig Docker would build from
// these options and this image (Entrypoint/Cmd combination, env merge,
// WorkingDir, User, StopSignal, Volumes, ExposedPorts, Labels), with
// every flag value checked. id and created must be set by the caller
// (hostname defaults to the first 12 hex of id). Reads --env-file files.
store::ContainerConfig build_container_config(const CreateOptions& options, const std::string& id,
                                              const store::ImageRecord& image,
                                              const image::ImageConfig& image_config,
                                              const EnvLookup& env = caller_env);

// Docker's RAMInBytes: "512m", "1g", "1024" (bytes). Throws on bad text.
int64_t parse_memory_size(const std::string& text);

// Creates the container: pulls the image as --pull asks (ensure_image),
// resolves it under the store's shared lock,
// builds the config, records it (a default name when none is given),
// prepares the rootfs dirs and writes --cidfile. With --replace, a
// container holding the name is removed first (forcibly).
store::ContainerConfig create_container(store::Context& ctx, const CreateOptions& options);

}  // namespace kayak::commands

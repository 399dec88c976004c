// Containers in the store (DESIGN "Storage"):
//
//   containers/<id>/config.json   ContainerConfig: what to run, resolved once at create
//   containers/<id>/state.json    ContainerState: status, pids, exit code, times
//   containers/<id>/upper, work   overlay upper/work dirs (rootfs/ for vfs)
//   containers/<id>/userdata/     hosts, hostname, resolv.conf bound into the container
//   containers/<id>/ctr.log       k8s-file log
//   containers/<id>/lock          flock: held by whoever changes this container
//   containers/names/<name>       symlink -> <id>: names are unique because
//                                 symlink(2) fails with EEXIST (O(1), no scan)
//   <runroot>/containers/<id>/    attach socket, monitor pid (gone after reboot)
//
// A container's files are changed under its own lock, never the image
// store's exclusive lock, so `run` does not wait for a long `load`. Creating
// a container takes the store's shared lock (the image cannot vanish while
// the container is recorded); `rmi` takes the exclusive lock and refuses
// images that containers use.
#pragma once

#include "kayak/util/error.hpp"
#include "kayak/util/json.hpp"

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kayak::store {

// One mount the container asks for (-v, --mount, --tmpfs, image VOLUME).
struct MountSpec {
  std::string type;         // "bind" | "tmpfs" | "volume"
  std::string source;       // host path (bind), volume name (volume), "" (tmpfs)
  std::string destination;  // absolute path in the container
  bool read_only = false;
  bool anonymous = false;   // a volume made for an image VOLUME or `-v /path`
  // Remaining options as given ("nosuid", "size=64m", "mode=1777", "z", ...).
  std::vector<std::string> options;

  json::Value to_json() const;
  static MountSpec from_json(const json::Value& doc);
};

struct Ulimit {
  std::string name;  // "nofile", "nproc", ... (Docker's names)
  int64_t soft = 0;  // -1: unlimited
  int64_t hard = 0;
};

struct RestartPolicy {
  std::string name = "no";  // "no" | "on-failure" | "always" | "unless-stopped"
  int max_retries = 0;      // on-failure:N
};

// What to run, resolved once at create (DESIGN "Storage"): everything
// `start` needs without consulting the image again.
struct ContainerConfig {
  std::string id;           // 64 hex
  std::string name;         // without the leading "/"
  std::string created;      // RFC 3339 with nanoseconds
  std::string image_id;     // 64 hex
  std::string image_name;   // as the user typed it ("busybox"), shown by ps
  std::vector<std::string> layers;  // chain IDs, base first (lower dirs)
  std::string driver;       // the store's rootfs driver at create

  // Process. path + args is what runs (Docker's Path/Args).
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> cmd;         // Config.Cmd as resolved (image or user)
  std::vector<std::string> entrypoint;  // Config.Entrypoint as resolved
  std::vector<std::string> env;         // final K=V list, image env merged
  std::string working_dir;  // "" means "/"
  std::string user;         // as given ("", "1000", "nobody:nogroup"); resolved at start
  std::string hostname;     // default: first 12 hex of the id
  std::string domainname;
  bool tty = false;         // -t
  bool open_stdin = false;  // -i
  // Docker's Config.Attach*: stdout/stderr unless `run -d`; stdin with -i
  // (then StdinOnce too).
  bool attach_stdin = false;
  bool attach_stdout = true;
  bool attach_stderr = true;
  bool stdin_once = false;
  std::string stop_signal;  // "SIGTERM" unless the image or --stop-signal says otherwise
  std::optional<int> stop_timeout;  // --stop-timeout; nullopt: 10 s
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::string> exposed_ports;  // "80/tcp": image EXPOSE, --expose and -p, sorted
  std::vector<std::string> volumes;        // image VOLUME paths (Config.Volumes)

  // Host side.
  std::vector<MountSpec> mounts;
  std::vector<std::string> binds;     // -v values as given (HostConfig.Binds)
  // Ports as given to -p ("8080:80", "127.0.0.1::53/udp"); the network
  // module publishes them. -P publishes every exposed port.
  std::vector<std::string> publish;
  bool publish_all = false;
  std::vector<std::string> security_opt;  // as given (HostConfig.SecurityOpt)
  std::vector<std::string> cap_add;   // canonical "CAP_NET_ADMIN", or "ALL"
  std::vector<std::string> cap_drop;
  bool privileged = false;
  bool no_new_privileges = false;
  std::string seccomp_profile;  // "" default, "unconfined", or the profile's JSON text
  bool read_only = false;
  bool read_only_tmpfs = true;  // with read_only: tmpfs on /tmp, /var/tmp, /run
  std::vector<Ulimit> ulimits;
  RestartPolicy restart;
  bool auto_remove = false;     // --rm
  std::string network_mode;     // "" (default), "none", "host", "container:X", "ns:PATH"
  std::vector<std::string> dns, dns_search, dns_options, add_hosts;
  std::string log_driver = "k8s-file";
  std::vector<std::pair<std::string, std::string>> log_options;  // max-size=...
  int64_t memory = 0;       // bytes, 0: unset
  int64_t pids_limit = 0;   // 0: unset
  int64_t nano_cpus = 0;    // --cpus * 1e9, 0: unset
  std::string cidfile;
  // --sdnotify: "conmon" (kayak's monitor sends READY=1 once the container
  // runs), "container" (the container gets the socket and notifies itself),
  // "ignore"; "" is conmon (podman's default is container, which leaves a
  // unit waiting for an application that never notifies).
  std::string sdnotify;
  std::string pidfile;      // --pidfile: the init's host pid, written at each start
  std::vector<std::string> create_command;  // the command line that made it (generate systemd --new)

  json::Value to_json() const;
  static ContainerConfig from_json(const json::Value& doc);
};

enum class ContainerStatus { Created, Running, Paused, Exited, Removing };
std::string_view status_name(ContainerStatus status);  // "created", "running", ...
std::optional<ContainerStatus> parse_status(std::string_view name);

struct ContainerState {
  ContainerStatus status = ContainerStatus::Created;
  pid_t pid = 0;                  // container init (host pid), 0 when not running
  uint64_t pid_start_time = 0;    // /proc/<pid>/stat field 22, guards against pid reuse
  pid_t monitor_pid = 0;
  uint64_t monitor_start_time = 0;
  std::string boot_id;            // /proc/sys/kernel/random/boot_id when started
  int exit_code = 0;              // 255: the container ended and nobody saw how
  std::string started_at;         // RFC 3339; "" never started
  std::string finished_at;
  std::string error;              // why the last start failed
  int restart_count = 0;
  bool oom_killed = false;
  // The user-mode network helper of the last start ("pasta",
  // "slirp4netns"); "" none (loopback only, or a mode without one).
  std::string network_helper;
  // The ports this start publishes, host ports as chosen, in -p syntax
  // ("127.0.0.1:8001:80/tcp"); what port, ps and inspect show.
  std::vector<std::string> published_ports;

  json::Value to_json() const;
  static ContainerState from_json(const json::Value& doc);
};

}  // namespace kayak::store

#include "kayak/store/store.hpp"
#include "kayak/util/lock.hpp"

namespace kayak::store {

// Docker's rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a leading
// "/" is accepted and dropped). Throws Docker's "Invalid container name".
std::string validate_container_name(std::string_view name);

// A Docker-style default name, "adjective_surname", from kayak's own word
// lists; `attempt` > 0 appends a digit as Docker does after collisions.
std::string random_container_name(int attempt = 0);

// Reconciliation, the pure part: what `state` must become given whether its
// init and monitor processes are still alive and which boot this is.
// Returns true when it changed `state`. A running/paused container becomes
// exited when its boot is over (finished_at = that boot's end, at the
// latest this boot's start), or when its init is gone and no monitor is
// left to record the exit (exit code 255, finished_at = now). An init whose
// monitor is gone is an orphan the caller must kill (kill_orphan set): it
// is then recorded as killed (137).
struct Liveness {
  bool same_boot = true;
  bool init_alive = false;
  bool monitor_alive = false;
  int64_t now_ns = 0;
  int64_t boot_time_ns = 0;  // start of this boot
};
bool reconcile(ContainerState& state, const Liveness& live, bool& kill_orphan);

// The containers/ part of the store. Reading a container's state reconciles
// it with reality: a "running" container whose init or monitor is gone (pid
// dead, zombie, reused — checked by start time — or another boot) reads as
// exited, and the corrected state is written back under the container lock.
//
// Lock order: store lock (shared, for create; exclusive in rmi) before a
// container's lock. Readers take no container lock; writers replace files
// atomically.
// Thrown when a container name is already taken, so that create can pick
// another generated name without re-reading the names (the holder may be
// gone again by then, e.g. a finished `run --rm`).
class NameConflict : public Error {
public:
  using Error::Error;
};

class ContainerStore {
public:
  explicit ContainerStore(const Store& store);

  std::string dir(const std::string& id) const;      // containers/<id>
  std::string run_dir(const std::string& id) const;  // <runroot>/containers/<id>

  // Records a new container: reserves config.name (error, exit 125, with
  // Docker's text when taken), creates its directory with config.json and a
  // Created state.json. Nothing is left behind when it fails.
  void create(const ContainerConfig& config);

  // Full ID for what a user typed, in Docker's order: full ID, name (with
  // or without "/"), unique ID prefix. Throws NotFoundError("No such
  // container: TEXT", exit 125) or Docker's "multiple IDs found with provided prefix: TEXT".
  std::string resolve(const std::string& text) const;
  // The container holding a name, if any.
  std::optional<std::string> id_for_name(const std::string& name) const;
  std::vector<std::string> list_ids() const;  // every container, any order
  bool exists(const std::string& id) const;

  ContainerConfig config(const std::string& id) const;
  void write_config(const ContainerConfig& config);
  ContainerState state(const std::string& id);  // reconciled
  // state.json as written, without reconciling.
  ContainerState stored_state(const std::string& id) const;
  void write_state(const std::string& id, const ContainerState& state);

  // Serialises changes to one container (start, stop, rm, commit, monitor).
  FileLock lock(const std::string& id) const;

  void rename(const std::string& id, const std::string& new_name);
  // Deletes the container's directories and its name; the caller has
  // stopped it and unmounted what it mounted. Its upper/rootfs files may be
  // owned by subordinate IDs: call it inside the store's user namespace
  // (remove_container below does).
  void remove(const std::string& id);

  // The container's rootfs directories (DESIGN "Storage"): upper/ and work/
  // for overlay and fuse-overlayfs, rootfs/ for vfs.
  std::string upper_dir(const std::string& id) const;
  std::string work_dir(const std::string& id) const;
  std::string vfs_dir(const std::string& id) const;
  std::string userdata_dir(const std::string& id) const;
  std::string log_path(const std::string& id) const;

private:
  std::string names_dir() const;
  std::string name_link(const std::string& name) const;
  // Points names/<name> at id; throws Docker's conflict error when taken.
  void reserve_name(const std::string& name, const std::string& id) const;

  const Store& store_;
};

class Context;

// Creates the container's rootfs directories for the store's driver:
// empty upper/ and work/ (overlay, fuse-overlayfs), or for vfs a full copy
// of the image layers with their whiteouts applied, made inside the store's
// user namespace so owners are kept.
void prepare_rootfs(Context& ctx, const ContainerConfig& config);

// ContainerStore::remove inside the store's user namespace, where files
// owned by subordinate IDs can be deleted.
void remove_container(Context& ctx, const std::string& id);

// IDs of the containers whose image is image_id (rmi refuses those).
// Caller holds the store lock.
std::vector<std::string> containers_using_image(const ContainerStore& containers, const std::string& image_id);

}  // namespace kayak::store

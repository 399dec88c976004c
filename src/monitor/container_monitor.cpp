#include "kayak/monitor/container_monitor.hpp"

#include "kayak/store/volume.hpp"

#include "io.hpp"
#include "kayak/monitor/container_spec.hpp"
#include "kayak/network/container_network.hpp"
#include "kayak/network/helper_plan.hpp"
#include "kayak/network/port_choice.hpp"
#include "kayak/runtime/cgroup.hpp"
#include "kayak/runtime/launch.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/context.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"
#include "kayak/util/process.hpp"
#include "kayak/util/sd_notify.hpp"
#include "kayak/util/signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>

namespace kayak::monitor {

namespace {

std::string stop_marker_path(const std::string& run_dir) { return fs::join(run_dir, "stop-requested"); }

uint64_t start_time_of(pid_t pid) {
  auto stat = proc::read_stat(pid);
  return stat ? stat->start_time : 0;
}

// Docker's restart back-off: 100 ms, doubled per restart, at most a minute.
int restart_delay_ms(int restart_count) {
  int64_t delay = 100LL << std::min(restart_count, 10);
  return static_cast<int>(std::min<int64_t>(delay, 60000));
}

bool wants_restart(const store::RestartPolicy& policy, int exit_code, int restart_count) {
  if (policy.name == "always" || policy.name == "unless-stopped") return true;
  if (policy.name == "on-failure")
    return exit_code != 0 && (policy.max_retries <= 0 || restart_count < policy.max_retries);
  return false;
}

// --log-opt max-size: "10m", "512k", "1g", "2048" (binary units, as Docker).
uint64_t parse_log_size(const std::string& text) {
  std::string lower = str::to_lower(text);
  if (lower.ends_with("b")) lower.pop_back();
  uint64_t unit = 1;
  if (!lower.empty()) {
    switch (lower.back()) {
      case 'k': unit = 1ULL << 10; break;
      case 'm': unit = 1ULL << 20; break;
      case 'g': unit = 1ULL << 30; break;
      default: break;
    }
    if (unit != 1) lower.pop_back();
  }
  auto number = str::parse_uint(lower);
  if (!number) fail("invalid log option max-size={}", text);
  return *number * unit;
}

// Records each start and exit in state.json, under the container's lock,
// and decides restarts.
class StateRecorder : public MonitorEvents {
public:
  // start_lock: the container's lock, held by the caller since it decided
  // to start; the first start is recorded under it, then it is released.
  StateRecorder(store::ContainerStore& containers, const store::ContainerConfig& config, FileLock start_lock,
                network::ContainerNetwork& network)
    : containers_(containers), config_(config), start_lock_(std::move(start_lock)), network_(network) {}

  // Gives the start lock up without recording a start (the launch failed).
  void release_start_lock() { start_lock_.unlock(); }

  void started(const runtime::Launched& launched) override {
    FileLock lock = start_lock_.held() ? std::move(start_lock_) : containers_.lock(config_.id);
    store::ContainerState state = containers_.stored_state(config_.id);
    state.status = store::ContainerStatus::Running;
    state.pid = launched.pid;
    state.pid_start_time = launched.start_time ? launched.start_time : start_time_of(launched.pid);
    state.monitor_pid = ::getpid();
    state.monitor_start_time = start_time_of(::getpid());
    state.boot_id = proc::boot_id();
    state.exit_code = 0;
    state.error.clear();
    state.oom_killed = false;
    state.network_helper = network_.helper_name();
    state.published_ports.clear();
    for (const auto& binding : network_.ports()) state.published_ports.push_back(network::publish_spec(binding));
    state.started_at = timeutil::format_rfc3339_nano(timeutil::now_ns());
    // A start by the user counts restarts afresh (as Docker does); the
    // monitor's own restarts add up.
    if (first_start_) state.restart_count = 0;
    first_start_ = false;
    containers_.write_state(config_.id, state);
    if (!config_.pidfile.empty()) {
      try {
        fs::write_file_atomic(config_.pidfile, std::to_string(launched.pid), 0644);
      } catch (const Error& e) {
        log::warn("--pidfile: {}", e.what());
      }
    }
  }

  int exited(int exit_code) override {
    // Host ports are free the moment the container is down.
    network_.detach();
    if (!config_.pidfile.empty()) ::unlink(config_.pidfile.c_str());
    try {
      return record_exit(exit_code);
    } catch (const Error& e) {
      // Removed under us (rm -f): nothing left to record, nothing to restart.
      log::warn("recording the exit of {}: {}", config_.id.substr(0, 12), e.what());
      return -1;
    }
  }

  bool may_restart() override {
    try {
      FileLock lock = containers_.lock(config_.id);
      std::string marker = stop_marker_path(containers_.run_dir(config_.id));
      if (::unlink(marker.c_str()) != 0) return true;
      store::ContainerState state = containers_.stored_state(config_.id);
      state.monitor_pid = 0;
      state.monitor_start_time = 0;
      containers_.write_state(config_.id, state);
    } catch (const Error& e) {
      log::warn("recording the stop of {}: {}", config_.id.substr(0, 12), e.what());
    }
    return false;
  }

  void restart_failed(const std::string& error) override {
    try {
      FileLock lock = containers_.lock(config_.id);
      store::ContainerState state = containers_.stored_state(config_.id);
      state.error = error;
      state.monitor_pid = 0;
      state.monitor_start_time = 0;
      containers_.write_state(config_.id, state);
    } catch (const Error& e) {
      log::warn("recording the restart failure of {}: {}", config_.id.substr(0, 12), e.what());
    }
  }

private:
  int record_exit(int exit_code) {
    FileLock lock = containers_.lock(config_.id);
    store::ContainerState state = containers_.stored_state(config_.id);
    state.status = store::ContainerStatus::Exited;
    state.pid = 0;
    state.pid_start_time = 0;
    state.exit_code = exit_code;
    state.finished_at = timeutil::format_rfc3339_nano(timeutil::now_ns());
    int delay = -1;
    std::string marker = stop_marker_path(containers_.run_dir(config_.id));
    bool stop_requested = ::unlink(marker.c_str()) == 0;
    if (!stop_requested && wants_restart(config_.restart, exit_code, state.restart_count)) {
      delay = restart_delay_ms(state.restart_count);
      ++state.restart_count;
    }
    if (delay < 0) {
      state.monitor_pid = 0;
      state.monitor_start_time = 0;
    }
    containers_.write_state(config_.id, state);
    return delay;
  }

  store::ContainerStore& containers_;
  const store::ContainerConfig& config_;
  FileLock start_lock_;
  network::ContainerNetwork& network_;
  bool first_start_ = true;
};

// A failed start, as Docker leaves it: still Created, with the exit code
// and the error recorded.
void record_start_failure(store::ContainerStore& containers, const std::string& id, const Error& error) {
  try {
    FileLock lock = containers.lock(id);
    store::ContainerState state = containers.stored_state(id);
    state.status = state.started_at.empty() ? store::ContainerStatus::Created : store::ContainerStatus::Exited;
    state.pid = 0;
    state.pid_start_time = 0;
    state.monitor_pid = 0;
    state.monitor_start_time = 0;
    state.exit_code = error.exit_code();
    state.error = error.what();
    containers.write_state(id, state);
  } catch (const Error& e) {
    log::warn("recording the start failure of {}: {}", id.substr(0, 12), e.what());
  }
}

// --rm: the container and its anonymous volumes go.
void remove_container(store::Context& context, store::ContainerStore& containers,
                      const store::ContainerConfig& config) {
  try {
    // Under the container's lock, as `rm` removes: an `rm -f` at the same
    // moment finds the container either whole or gone, never half removed.
    // No lock of ours is held here, so this flock cannot wait for itself.
    FileLock held = containers.lock(config.id);
    if (!containers.exists(config.id)) return;
    store::ContainerState state = containers.stored_state(config.id);
    state.status = store::ContainerStatus::Removing;
    containers.write_state(config.id, state);
    // Inside the store's user namespace (upper dir files may belong to
    // subordinate IDs).
    store::remove_container(context, config.id);
  } catch (const Error& e) {
    log::warn("removing container {}: {}", config.id.substr(0, 12), e.what());
    return;
  }
  try {
    store::remove_anonymous_volumes(context, config.mounts);
  } catch (const Error& e) {
    log::warn("removing the anonymous volumes of {}: {}", config.id.substr(0, 12), e.what());
  }
}

void report(int fd, const std::string& text) {
  if (fd < 0) return;
  write_fully(fd, text);
  ::close(fd);
}

// The socket path the container sees with --sdnotify=container.
constexpr const char* kContainerNotifySocket = "/run/notify/notify.sock";

// --sdnotify=container: the unit's socket is bound into the container and
// named in its environment, so the application sends READY=1 itself.
void pass_notify_socket(runtime::ContainerSpec& spec, const std::string& socket) {
  if (socket.starts_with('@'))
    fail("--sdnotify=container: NOTIFY_SOCKET {} is in the abstract namespace, which the container's network "
         "namespace cannot reach; use --sdnotify=conmon", socket);
  runtime::Mount bind;
  bind.type = "bind";
  bind.source = socket;
  bind.destination = kContainerNotifySocket;
  bind.file = true;
  bind.recursive = false;
  spec.mounts.push_back(std::move(bind));
  spec.process.env.push_back(std::string("NOTIFY_SOCKET=") + kContainerNotifySocket);
}

// Tells systemd the container runs: MAINPID is this monitor (the process
// that lives as long as the container), READY=1 unless the container sends
// it itself. A failure is a warning: the container runs either way.
void notify_started(const std::string& socket, const std::string& mode) {
  std::string message = fmt::format("MAINPID={}\n", ::getpid());
  if (mode != "container") message += "READY=1\n";
  try {
    sdnotify::send(socket, message);
  } catch (const Error& e) {
    log::warn("{}", e.what());
  }
}

// -p and -P for this start (free ports are chosen, and held, by the
// ContainerNetwork). A container on the host's network, or in another
// container's, publishes nothing (network/helper_plan.hpp).
std::vector<network::PortBinding> published_ports(const store::ContainerConfig& config) {
  if (!network::mode_publishes_ports(config.network_mode)) return {};
  return network::ports_to_publish(config.publish, config.publish_all, config.exposed_ports);
}

}  // namespace

void mark_stop_requested(const std::string& run_dir) {
  fs::mkdir_p(run_dir, 0700);
  fs::write_file_atomic(stop_marker_path(run_dir), "", 0600);
}

int run_monitored(MonitorRequest request) {
  store::Context context(request.paths);
  store::Store& store = context.store();
  store::ContainerStore containers(store);
  store::ContainerConfig config;
  runtime::ContainerSpec spec;
  MonitorOptions options;
  options.local = request.local;
  options.sig_proxy = request.sig_proxy;
  options.initial_clients = std::move(request.attach_clients);
  // $NOTIFY_SOCKET of a Type=notify unit: used here, never inherited by
  // what the monitor starts.
  const std::string notify_socket = sdnotify::socket_from_env();
  ::unsetenv("NOTIFY_SOCKET");
  std::string notify_mode;
  std::optional<network::ContainerNetwork> network;
  std::optional<StateRecorder> recorder;
  std::optional<Monitor> monitor;
  // The container's own cgroup where one is delegated to us (limits,
  // freezer); it outlives every (re)start this monitor makes.
  const runtime::CgroupSupport cgroups = runtime::detect_cgroups();
  std::optional<runtime::ContainerCgroup> cgroup;
  auto drop_cgroup = [&] {
    if (!cgroups.delegated() || config.id.empty()) return;
    try {
      runtime::remove_container_cgroup(cgroups, config.id);
    } catch (const Error& e) {
      log::warn("removing the cgroup of {}: {}", config.id.substr(0, 12), e.what());
    }
  };
  // Starting is serialised on the container's lock, held from the check
  // below until the start is recorded: two `start`s at once launch one
  // init, and an `rm` either removes the container before we look at it
  // or waits until it runs (and then kills it).
  FileLock start_lock;
  // Another monitor got there first: the container is running, so this
  // start has nothing to do (as `start` of a running container).
  bool already_running = false;
  try {
    if (!containers.exists(request.id)) fail("No such container: {}", request.id);
    start_lock = containers.lock(request.id);
    // Removed (or being removed) while we waited for the lock.
    if (!containers.exists(request.id)) fail("No such container: {}", request.id);
    store::ContainerStatus status = containers.state(request.id).status;
    if (status == store::ContainerStatus::Removing) fail("No such container: {}", request.id);
    already_running = status == store::ContainerStatus::Running || status == store::ContainerStatus::Paused;
  } catch (const Error& e) {
    report(request.ready_fd, encode_start_report(e.exit_code() ? e.exit_code() : 125, e.what()));
    throw;
  }
  if (already_running) {
    report(request.ready_fd, encode_start_report(0, ""));
    return 0;
  }
  try {
    config = containers.config(request.id);
    notify_mode = config.sdnotify.empty() ? "conmon" : config.sdnotify;
    options.tty = config.tty;
    options.open_stdin = config.open_stdin;
    if (config.log_driver == "journald") {
      options.journal = JournalIdentity{.container_id = config.id, .container_name = config.name, .tag = {}};
      for (const auto& [key, value] : config.log_options)
        if (key == "tag") options.journal->tag = value;
    } else if (config.log_driver != "none") {
      options.log_path = containers.log_path(config.id);
    }
    for (const auto& [key, value] : config.log_options)
      if (key == "max-size") options.log_max_size = parse_log_size(value);
    std::string run_dir = containers.run_dir(config.id);
    fs::mkdir_p(run_dir, 0700);
    ::unlink(stop_marker_path(run_dir).c_str());
    options.attach_socket = fs::join(run_dir, "attach");

    // Decided once for this start: the helper to run and the addresses the
    // userdata files name.
    network::UserModePlan plan = network::plan_user_mode_network(config.network_mode);
    SpecContext spec_context{store, containers, context.identity(), plan.host_address, plan.dns_forwarder};
    spec = build_container_spec(spec_context, config);
    if (!notify_socket.empty() && notify_mode == "container") pass_notify_socket(spec, notify_socket);
    if (!config.sdnotify.empty() || !notify_socket.empty()) {
      // Under a unit: systemd's SIGTERM stops the container cleanly.
      options.stop_on_term = MonitorOptions::StopOnTerm{
        .signal = sig::parse(config.stop_signal).value_or(SIGTERM),
        .timeout_ms = config.stop_timeout.value_or(10) * 1000,
        .on_stop = [run_dir] { mark_stop_requested(run_dir); },
      };
    }
    if (cgroups.delegated()) {
      cgroup = runtime::create_container_cgroup(cgroups, config.id,
                                                {config.memory, config.pids_limit, config.nano_cpus});
      spec.cgroup_fd = cgroup->fd.get();
    }
    network.emplace(network::NetworkRequest{
      .container_id = config.id,
      .mode = config.network_mode,
      .ports = published_ports(config),
      .run_dir = run_dir,
      .user_namespace = spec.identity.mode != IdentityMode::Root,
      .plan = plan,
    });
    become_subreaper();
    recorder.emplace(containers, config, std::move(start_lock), *network);
    monitor.emplace(
      std::move(options),
      [&spec, &network](const runtime::Stdio& io) {
        spec.bind_notify_socket = network->bind_notify_socket();
        return runtime::launch(spec, io, [&network](pid_t init_pid) { network->attach(init_pid); });
      },
      *recorder);
    monitor->start();
  } catch (const Error& e) {
    // Recording the failure takes the lock again (from a new file
    // description, which would wait for ours).
    start_lock.unlock();
    if (recorder) recorder->release_start_lock();
    if (!config.id.empty()) {
      drop_cgroup();
      record_start_failure(containers, config.id, e);
      if (config.auto_remove) remove_container(context, containers, config);
    }
    report(request.ready_fd, encode_start_report(e.exit_code() ? e.exit_code() : 125, e.what()));
    throw;
  }
  // Before the report: `kayak start` under a unit exits once it has the
  // report, and systemd must know the new MAINPID by then.
  if (!notify_socket.empty() && notify_mode != "ignore") notify_started(notify_socket, notify_mode);
  report(request.ready_fd, encode_start_report(0, ""));
  int code = monitor->run();
  drop_cgroup();
  if (config.auto_remove) remove_container(context, containers, config);
  return code;
}

}  // namespace kayak::monitor

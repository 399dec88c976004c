// The network a container gets beyond its own namespace, for one start:
// the user-mode helper that connects it to the outside (pasta or
// slirp4netns, network/user_mode_net.hpp) and kayak's forwarder for its
// published ports (network/port_forwarder.hpp).
//
// The monitor makes one per start, which binds the published host ports
// (choosing free ones: network/port_choice.hpp), and calls attach() from
// runtime::launch's namespaces_ready hook, so both are up before the
// container's first instruction; detach() (or the destructor) when the init
// has exited stops them, so the host ports are free at once.
#pragma once

#include "kayak/network/helper_plan.hpp"
#include "kayak/network/port_choice.hpp"
#include "kayak/network/port_spec.hpp"
#include "kayak/util/fd.hpp"

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace kayak::network {

class UserModeNetwork;
class PortForwarder;

struct NetworkRequest {
  std::string container_id;
  std::string mode;                // ContainerConfig::network_mode: "", "none", "host", "pasta", ...
  std::vector<PortBinding> ports;  // what to publish; host ports 0 and ranges are chosen by ContainerNetwork
  std::string run_dir;             // the container's runtime dir: pid files, sockets
  bool user_namespace = true;      // the init has a user namespace of its own (rootless)
  UserModePlan plan;               // the helper to start (plan_user_mode_network(mode))
};

class ContainerNetwork {
public:
  // Binds the host ports at once (a taken one throws), so a chosen port is
  // held from its choice on.
  explicit ContainerNetwork(NetworkRequest request);
  ~ContainerNetwork();
  ContainerNetwork(const ContainerNetwork&) = delete;
  ContainerNetwork& operator=(const ContainerNetwork&) = delete;

  // The init's namespaces exist (its ID maps are written) and it waits:
  // start the helper and the forwarding. Throws with nothing left running.
  // Again after a detach (a restart): the same host ports are bound anew.
  void attach(pid_t init_pid);
  // The init has exited: stop the helper and the forwarding.
  void detach();
  // Before each launch: a socket for ContainerSpec::bind_notify_socket,
  // or -1 when this start's published TCP ports are relayed only. Ours
  // until attach(), which gives its peer to the forwarder.
  int bind_notify_socket();
  // "pasta", "slirp4netns", or "" when no helper runs.
  std::string helper_name() const;
  // What this start publishes, every host port fixed.
  const std::vector<PortBinding>& ports() const { return request_.ports; }

private:
  void stop_serving();

  NetworkRequest request_;
  std::vector<HostListener> listeners_;  // bound, not yet served
  std::unique_ptr<UserModeNetwork> helper_;
  std::unique_ptr<PortForwarder> forwarder_;
  UniqueFd bind_notify_init_, bind_notify_forwarder_;  // a socket pair per start
};

}  // namespace kayak::network

#include "kayak/network/container_network.hpp"

#include "kayak/network/port_forwarder.hpp"
#include "kayak/network/user_mode_net.hpp"
#include "kayak/util/error.hpp"

#include <sys/socket.h>

#include <algorithm>

namespace kayak::network {

ContainerNetwork::ContainerNetwork(NetworkRequest request)
  : request_(std::move(request)), listeners_(bind_host_ports(request_.ports)) {
  request_.ports.clear();
  for (const auto& listener : listeners_) request_.ports.push_back(listener.binding);
}

ContainerNetwork::~ContainerNetwork() { detach(); }

void ContainerNetwork::attach(pid_t init_pid) {
  // A restart: the previous start's forwarder and helper go. Not the
  // listeners not yet served: the init waiting for us holds copies of them
  // until its execve, so a port closed here could not be bound again.
  stop_serving();
  try {
    helper_ = start_user_mode_network(request_, init_pid);
    if (listeners_.empty()) listeners_ = bind_host_ports(request_.ports);
    // The init holds its own copy of its end from the clone on.
    bind_notify_init_.reset();
    if (!listeners_.empty())
      forwarder_ = start_port_forwarder(std::move(listeners_), request_, init_pid, std::move(bind_notify_forwarder_));
  } catch (...) {
    detach();
    throw;
  }
}

namespace {

// A server handed a host socket could turn it into one that connects from
// the host (shutdown(SHUT_RD) undoes its listen). That reaches nothing new
// only where the helper already lets the container reach the host's own
// addresses: pasta, which maps its gateway to the host unless told
// --no-map-gw, and slirp4netns with allow_host_loopback. Elsewhere (none,
// --no-map-gw, slirp4netns' default) ports stay relayed.
bool container_reaches_host(const UserModePlan& plan) {
  if (plan.helper == "pasta")
    return std::find(plan.options.begin(), plan.options.end(), "--no-map-gw") == plan.options.end();
  if (plan.helper == "slirp4netns") return plan.allow_host_loopback;
  return false;
}

}  // namespace

int ContainerNetwork::bind_notify_socket() {
  bind_notify_init_.reset();
  bind_notify_forwarder_.reset();
  bool tcp = std::any_of(request_.ports.begin(), request_.ports.end(),
                         [](const PortBinding& binding) { return binding.proto == "tcp"; });
  if (!tcp || !container_reaches_host(request_.plan)) return -1;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) fail_errno("socketpair");
  bind_notify_init_.reset(fds[0]);
  bind_notify_forwarder_.reset(fds[1]);
  return bind_notify_init_.get();
}

std::string ContainerNetwork::helper_name() const { return helper_ ? helper_->name() : ""; }

void ContainerNetwork::detach() {
  stop_serving();
  listeners_.clear();
}

void ContainerNetwork::stop_serving() {
  // The forwarder first: its host ports are what a new start would bind.
  forwarder_.reset();
  helper_.reset();
}

}  // namespace kayak::network

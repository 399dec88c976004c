#include "kayak/network/container_network.hpp"

#include "kayak/network/port_forwarder.hpp"
#include "kayak/network/user_mode_net.hpp"

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
    if (!listeners_.empty()) forwarder_ = start_port_forwarder(std::move(listeners_), request_, init_pid);
  } catch (...) {
    detach();
    throw;
  }
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

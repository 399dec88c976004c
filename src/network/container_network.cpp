#include "kayak/network/container_network.hpp"

#include "kayak/network/port_forwarder.hpp"
#include "kayak/network/user_mode_net.hpp"

namespace kayak::network {

ContainerNetwork::ContainerNetwork(NetworkRequest request) : request_(std::move(request)) {}

ContainerNetwork::~ContainerNetwork() { detach(); }

void ContainerNetwork::attach(pid_t init_pid) {
  detach();
  try {
    helper_ = start_user_mode_network(request_, init_pid);
    if (!request_.ports.empty()) forwarder_ = start_port_forwarder(request_, init_pid);
  } catch (...) {
    detach();
    throw;
  }
}

std::string ContainerNetwork::helper_name() const { return helper_ ? helper_->name() : ""; }

void ContainerNetwork::detach() {
  // The forwarder first: its host ports are what a new start would bind.
  forwarder_.reset();
  helper_.reset();
}

}  // namespace kayak::network

// User-mode networking for a private network namespace: pasta (package
// passt) when installed, else slirp4netns, else none (loopback only, with
// one warning naming the package to install).
#pragma once

#include "kayak/network/container_network.hpp"

#include <memory>
#include <string>

namespace kayak::network {

class UserModeNetwork {
public:
  virtual ~UserModeNetwork() = default;
  // "pasta" or "slirp4netns" (shown by inspect and info).
  virtual std::string name() const = 0;
};

// Starts the helper for the namespace of init_pid, or returns nullptr when
// the mode needs none ("none", "host", "container:", "ns:") or none is
// installed.
std::unique_ptr<UserModeNetwork> start_user_mode_network(const NetworkRequest& request, pid_t init_pid);

}  // namespace kayak::network

// Which user-mode helper a start uses, decided before anything runs: the
// monitor needs the answer twice (the helper to start, and the addresses
// that /etc/hosts and /etc/resolv.conf name), and `create` once (to warn
// that no helper is installed, and to reject bad options early).
//
//   ""/private/bridge/default  pasta if installed, else slirp4netns, else
//                              loopback only (plan.warning says what to install)
//   pasta[:OPT,...]            pasta; OPTs are passed to pasta as arguments
//   slirp4netns[:K=V,...]      slirp4netns; allow_host_loopback, mtu, cidr
//   none, host, container:, ns:  no helper
#pragma once

#include <string>
#include <vector>

namespace kayak::network {

struct UserModePlan {
  std::string helper;                // "pasta", "slirp4netns", "" (none)
  std::string program;               // the helper's path, found on PATH
  std::vector<std::string> options;  // pasta: extra arguments
  // slirp4netns
  bool allow_host_loopback = false;  // 10.0.2.2 reaches the host's 127.0.0.1
  unsigned mtu = 65520;
  std::string cidr;                  // "" = slirp4netns' 10.0.2.0/24
  // What the container's /etc/hosts and /etc/resolv.conf name.
  std::string host_address;   // host.containers.internal; "" = left out
  std::string dns_forwarder;  // the nameserver; "" = the host's
  // A private namespace without a helper: why (one warning, at create).
  std::string warning;
};

// True for the modes that give the container a network namespace of its
// own that a helper connects ("", private, bridge, default, pasta*, slirp4netns*).
bool is_private_mode(const std::string& mode);

// False for the modes whose ports are not the container's to publish: host
// (they are the host's already) and container: (the owner of the
// namespace publishes them), as podman discards them there.
inline bool mode_publishes_ports(const std::string& mode) {
  return mode != "host" && !mode.starts_with("container:");
}

// The plan for a network mode. Throws for an explicit helper that is not
// installed or cannot run (no /dev/net/tun access), and for bad options.
UserModePlan plan_user_mode_network(const std::string& mode);

// The name of the helper the default mode would use now ("pasta",
// "slirp4netns" or "none"), for `info`.
std::string default_network_helper();

// The address pasta gives the container for its DNS forwarder.
inline constexpr const char* kPastaDnsForwarder = "169.254.1.1";

}  // namespace kayak::network

// The body of the forwarder process (forked by the monitor in attach()):
// its host sockets are bound already; it joins the container's user (when
// it has one of its own) and network namespaces, so the sockets it makes
// from then on connect inside the container, reports to the monitor, and
// serves until it is killed.
#pragma once

#include "kayak/network/port_choice.hpp"
#include "kayak/util/fd.hpp"

#include <vector>

namespace kayak::network {

struct ForwarderPlan {
  std::vector<HostListener> listeners;
  UniqueFd user_ns;  // /proc/PID/ns/user, or invalid: stay in ours (root)
  UniqueFd net_ns;   // /proc/PID/ns/net
  UniqueFd report;   // write end: "" then EOF when serving, else an error text
  UniqueFd bind_notify;  // the init sends its bind listener here (bind_redirect.hpp), or invalid
};

// Never returns; runs in the forked child only.
[[noreturn]] void run_forwarder_process(ForwarderPlan& plan);

}  // namespace kayak::network

// systemd's notify protocol: datagrams of "KEY=VALUE\n" lines to the unix
// socket named by $NOTIFY_SOCKET (a path, or "@name" in the abstract
// namespace). kayak speaks it itself: no libsystemd.
#pragma once

#include <string>

namespace kayak::sdnotify {

// $NOTIFY_SOCKET, or "" when kayak does not run under a Type=notify unit.
std::string socket_from_env();

// Sends message ("READY=1\nMAINPID=42") to socket; throws kayak::Error
// naming the socket when it cannot.
void send(const std::string& socket, const std::string& message);

}  // namespace kayak::sdnotify

// Small fd helpers the monitor and the attach client share.
#pragma once

#include "kayak/util/fd.hpp"

#include <string>
#include <string_view>

namespace kayak::monitor {

void set_nonblocking(int fd, bool on = true);
// Writes everything, waiting for a slow (even non-blocking) reader; false
// when the reader is gone (EPIPE, EIO).
bool write_fully(int fd, std::string_view data);
// Writes what fits now without blocking, removes it from buffer; false when
// the reader is gone.
bool write_some(int fd, std::string& buffer);
// pipe2 with O_CLOEXEC: {read end, write end}.
std::pair<UniqueFd, UniqueFd> make_pipe();
// A listening unix stream socket at path (an old socket file is replaced).
UniqueFd listen_unix(const std::string& path);
UniqueFd connect_unix(const std::string& path);
// kill() through the pidfd when there is one, so a recycled pid is never hit.
void send_signal(int pidfd, pid_t pid, int signo);

}  // namespace kayak::monitor

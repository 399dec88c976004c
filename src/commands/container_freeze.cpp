#include "container_freeze.hpp"

#include "container_join.hpp"

#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"

#include <unistd.h>

#include <cctype>
#include <csignal>
#include <cstring>
#include <set>

namespace kayak::commands {

namespace {

std::string ns_link(const std::string& pid, const char* name) {
  std::string path = "/proc/" + pid + "/ns/" + name;
  char buf[64];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// Runs in the helper (inside the container's user namespace).
void signal_all(pid_t init, int sig) {
  std::string target = ns_link(std::to_string(init), "pid");
  if (target.empty()) fail_errno("read /proc/{}/ns/pid", init);
  std::set<std::string> done;
  // Repeat until a pass finds no new process: one forked during a pass
  // (before its parent was stopped) is caught by the next.
  for (bool found = true; found;) {
    found = false;
    for (const auto& name : fs::list_dir("/proc")) {
      if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0])) || done.contains(name)) continue;
      if (ns_link(name, "pid") != target) continue;
      done.insert(name);
      found = true;
      if (::kill(static_cast<pid_t>(std::stoi(name)), sig) != 0 && errno != ESRCH) {
        fail_errno("send {} to process {} of the container", ::strsignal(sig), name);
      }
    }
  }
}

}  // namespace

void signal_pid_namespace(const Identity& id, pid_t init, int sig) {
  run_in_container(id, init, false, [&] { signal_all(init, sig); });
}

FrozenContainer::FrozenContainer(const Identity& id, pid_t init) : id_(id), init_(init) {
  if (init_) signal_pid_namespace(id_, init_, SIGSTOP);
}

FrozenContainer::~FrozenContainer() {
  if (!init_) return;
  try {
    signal_pid_namespace(id_, init_, SIGCONT);
  } catch (const Error& e) {
    log::warn("resuming the container after commit: {}", e.what());
  }
}

}  // namespace kayak::commands

#include "kayak/util/signals.hpp"

#include "kayak/util/strings.hpp"

#include <csignal>
#include <utility>

namespace kayak::sig {

namespace {

constexpr std::pair<const char*, int> kSignals[] = {
  {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},     {"TRAP", SIGTRAP},
  {"ABRT", SIGABRT},   {"IOT", SIGIOT},       {"BUS", SIGBUS},     {"FPE", SIGFPE},     {"KILL", SIGKILL},
  {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},
  {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},    {"CONT", SIGCONT},
  {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},   {"URG", SIGURG},
  {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
  {"IO", SIGIO},       {"POLL", SIGPOLL},     {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

}  // namespace

std::optional<int> parse(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (auto number = str::parse_int(text)) {
    if (*number > 0 && *number <= SIGRTMAX) return static_cast<int>(*number);
    return std::nullopt;
  }
  std::string upper;
  for (char c : text) upper += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  std::string_view bare = upper;
  if (bare.rfind("SIG", 0) == 0) bare.remove_prefix(3);
  for (const auto& [signal_name, number] : kSignals) {
    if (bare == signal_name) return number;
  }
  auto realtime = [&](std::string_view base, int origin, int direction) -> std::optional<int> {
    if (bare.rfind(base, 0) != 0) return std::nullopt;
    std::string_view rest = bare.substr(base.size());
    if (rest.empty()) return origin;
    if (rest[0] != (direction > 0 ? '+' : '-')) return std::nullopt;
    auto n = str::parse_int(rest.substr(1));
    if (!n || *n < 0) return std::nullopt;
    int value = origin + direction * static_cast<int>(*n);
    if (value < SIGRTMIN || value > SIGRTMAX) return std::nullopt;
    return value;
  };
  if (auto v = realtime("RTMIN", SIGRTMIN, 1)) return v;
  if (auto v = realtime("RTMAX", SIGRTMAX, -1)) return v;
  return std::nullopt;
}

std::string name(int signal) {
  for (const auto& [signal_name, number] : kSignals) {
    if (number == signal) return std::string("SIG") + signal_name;
  }
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
    return signal == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+" + std::to_string(signal - SIGRTMIN);
  }
  return std::to_string(signal);
}

}  // namespace kayak::sig

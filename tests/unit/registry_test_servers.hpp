// Servers for the registry client's tests, each a child process killed and
// reaped when the object goes: Debian's docker-registry on a free
// 127.0.0.1 port with its storage in a temp dir, and the fault server
// (registry_fault_server.py). Private to the unit tests.
#pragma once

#include "kayak/util/fs.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace registry_test {

inline int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

inline bool port_open(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

class Child {
public:
  // Starts argv; with capture, its stdout is a pipe read by first_line().
  Child(const std::vector<std::string>& argv, bool capture) {
    int pipe_fds[2] = {-1, -1};
    if (capture && pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
    pid_ = fork();
    if (pid_ == 0) {
      // Servers chatter (access logs): keep the test output readable.
      int null = open("/dev/null", O_WRONLY);
      dup2(capture ? pipe_fds[1] : null, 1);
      dup2(null, 2);
      std::vector<char*> args;
      for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    if (capture) {
      close(pipe_fds[1]);
      out_ = pipe_fds[0];
    }
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  std::string first_line() {
    std::string line;
    char c;
    while (read(out_, &c, 1) == 1 && c != '\n') line += c;
    return line;
  }

private:
  pid_t pid_ = -1;
  int out_ = -1;
};

inline void wait_for_port(int port) {
  for (int i = 0; i < 200 && !port_open(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
}

inline bool have(const char* program) {
  return std::system(("command -v " + std::string(program) + " >/dev/null 2>&1").c_str()) == 0;
}

inline void run_or_throw(const std::string& command) {
  if (std::system(command.c_str()) != 0) throw std::runtime_error("failed: " + command);
}

// A CA (ca.crt/ca.key) and a server certificate it signed for 127.0.0.1
// (server.crt/server.key), made with the openssl tool in dir.
inline void make_tls_files(const std::string& dir) {
  std::string q = " >/dev/null 2>&1";
  run_or_throw("cd '" + dir + "' && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=kayak-test-ca "
               "-keyout ca.key -out ca.crt" + q);
  run_or_throw("cd '" + dir + "' && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
               "-keyout server.key -out server.csr" + q);
  kayak::fs::write_file_atomic(dir + "/san.ext", "subjectAltName=IP:127.0.0.1\n");
  run_or_throw("cd '" + dir + "' && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
               "-days 2 -extfile san.ext -out server.crt" + q);
}

// docker-registry on 127.0.0.1:port, storage in a temp dir; plain HTTP, or
// TLS with the files make_tls_files wrote into tls_dir.
class Registry {
public:
  explicit Registry(const std::string& tls_dir = "") : port_(free_port()) {
    std::string config = kayak::fs::join(dir_.path(), "config.yml");
    std::string tls;
    if (!tls_dir.empty()) {
      tls = "  tls:\n    certificate: " + tls_dir + "/server.crt\n    key: " + tls_dir + "/server.key\n";
    }
    kayak::fs::write_file_atomic(config, "version: 0.1\n"
                                         "log:\n  level: error\n"
                                         "storage:\n  filesystem:\n    rootdirectory: " + dir_.path() + "/data\n"
                                         "  delete:\n    enabled: true\n"
                                         "http:\n  addr: 127.0.0.1:" + std::to_string(port_) + "\n" + tls);
    child_ = std::make_unique<Child>(std::vector<std::string>{"docker-registry", "serve", config}, false);
    wait_for_port(port_);
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // skopeo copies an OCI layout image into the registry.
  void push_with_skopeo(const std::string& source, const std::string& dest) const {
    std::string command = "skopeo copy -q --dest-tls-verify=false '" + source + "' 'docker://" + host() + "/" + dest +
                          "' >/dev/null";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("skopeo failed: " + command);
  }

private:
  kayak::fs::TempDir dir_;
  int port_;
  std::unique_ptr<Child> child_;
};

class FaultServer {
public:
  explicit FaultServer(const std::string& blob_path, const std::string& mode = "") {
    const char* script = std::getenv("KAYAK_TEST_FAULT_SERVER");
    std::vector<std::string> argv = {"python3", script ? script : "tests/unit/registry_fault_server.py", blob_path};
    if (!mode.empty()) argv.push_back(mode);
    child_ = std::make_unique<Child>(argv, true);
    port_ = std::atoi(child_->first_line().c_str());
    if (port_ <= 0) throw std::runtime_error("the fault server did not start");
  }
  int port() const { return port_; }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

private:
  std::unique_ptr<Child> child_;
  int port_ = 0;
};

}  // namespace registry_test

// The monitor's side of attach: the listening socket and the connected
// clients, each with its frame decoder and its queue of output not yet
// sent. Never blocks: the monitor's poll loop drives it.
#pragma once

#include "kayak/monitor/attach_protocol.hpp"
#include "kayak/util/fd.hpp"

#include <poll.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kayak::monitor {

class AttachServer {
public:
  using FrameHandler = std::function<void(const Frame&)>;
  // One fd for the loop to poll, and what to do when it is ready.
  using Watch = std::function<void(int fd, short events, std::function<void(short)> on_ready)>;

  explicit AttachServer(FrameHandler on_frame) : on_frame_(std::move(on_frame)) {}

  // Listens at path; "" does nothing.
  void listen(const std::string& path);
  // Removes the socket file and stops accepting; connected clients stay.
  void stop_listening();
  void add_client(UniqueFd fd);

  // Queues bytes (encoded frames) for every client.
  void broadcast(std::string_view bytes);
  // Registers the listener and every client with the loop.
  void watch(const Watch& watch);
  // Sends what is queued (at most timeout_ms), then closes every client.
  void flush_and_close(int timeout_ms);

private:
  struct Client {
    UniqueFd fd;
    FrameDecoder decoder;
    std::string outgoing;
    bool gone = false;
  };

  void accept_clients();
  void read_client(Client& client);
  void queue(Client& client, std::string_view bytes);
  void drop_gone();

  FrameHandler on_frame_;
  std::string path_;
  UniqueFd listener_;
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace kayak::monitor

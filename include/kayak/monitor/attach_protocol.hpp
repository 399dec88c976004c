// The attach protocol spoken on <runroot>/containers/<id>/attach (a unix
// stream socket the monitor listens on) and on the socketpair `run -i` and
// `start -a` hand to the monitor they spawn.
//
// Every message is a frame: a 1-byte type, a 4-byte big-endian payload
// length, the payload. Client to monitor: Stdin (bytes for the container's
// stdin), CloseStdin (EOF on the container's stdin), Resize (u16 rows, u16
// cols, big-endian), Signal (i32 signal number, for --sig-proxy).
// Monitor to client: Stdout and Stderr (output; with a tty everything is
// Stdout), Exit (i32 exit code, sent once the container has exited and its
// output has been sent; the monitor then closes the connection).
// Detaching is the client closing its end.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kayak::monitor {

enum class FrameType : uint8_t {
  Stdin = 1,
  CloseStdin = 2,
  Resize = 3,
  Signal = 4,
  Stdout = 5,
  Stderr = 6,
  Exit = 7,
};

struct Frame {
  FrameType type = FrameType::Stdin;
  std::string payload;
};

// Largest payload accepted; a longer frame means the peer speaks something
// else, and the connection is dropped.
constexpr uint32_t kMaxFramePayload = 1 << 20;
constexpr size_t kFrameHeaderSize = 5;

std::string encode_frame(FrameType type, std::string_view payload);
std::string encode_resize(uint16_t rows, uint16_t cols);
std::string encode_int(FrameType type, int32_t value);  // Signal, Exit

// Payload readers; nullopt when the payload has the wrong size.
std::optional<std::pair<uint16_t, uint16_t>> decode_resize(std::string_view payload);
std::optional<int32_t> decode_int(std::string_view payload);

// Splits a byte stream into frames.
class FrameDecoder {
public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete frame, if any. Throws kayak::Error on an unknown type
  // or an oversized frame.
  std::optional<Frame> next();

private:
  std::string buffer_;
};

}  // namespace kayak::monitor

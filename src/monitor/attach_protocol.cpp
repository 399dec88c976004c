#include "kayak/monitor/attach_protocol.hpp"

#include "kayak/util/error.hpp"

namespace kayak::monitor {

namespace {

void put_u32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

uint32_t get_u32(std::string_view in) {
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(in[i]);
  return value;
}

}  // namespace

std::string encode_frame(FrameType type, std::string_view payload) {
  std::string out;
  out.reserve(kFrameHeaderSize + payload.size());
  out += static_cast<char>(type);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

std::string encode_resize(uint16_t rows, uint16_t cols) {
  std::string payload;
  payload += static_cast<char>(rows >> 8);
  payload += static_cast<char>(rows & 0xff);
  payload += static_cast<char>(cols >> 8);
  payload += static_cast<char>(cols & 0xff);
  return encode_frame(FrameType::Resize, payload);
}

std::string encode_int(FrameType type, int32_t value) {
  std::string payload;
  put_u32(payload, static_cast<uint32_t>(value));
  return encode_frame(type, payload);
}

std::optional<std::pair<uint16_t, uint16_t>> decode_resize(std::string_view p) {
  if (p.size() != 4) return std::nullopt;
  auto byte = [&](size_t i) { return static_cast<uint16_t>(static_cast<uint8_t>(p[i])); };
  return std::pair<uint16_t, uint16_t>{static_cast<uint16_t>(byte(0) << 8 | byte(1)),
                                       static_cast<uint16_t>(byte(2) << 8 | byte(3))};
}

std::optional<int32_t> decode_int(std::string_view payload) {
  if (payload.size() != 4) return std::nullopt;
  return static_cast<int32_t>(get_u32(payload));
}

std::optional<Frame> FrameDecoder::next() {
  if (buffer_.size() < kFrameHeaderSize) return std::nullopt;
  auto type = static_cast<uint8_t>(buffer_[0]);
  if (type < static_cast<uint8_t>(FrameType::Stdin) || type > static_cast<uint8_t>(FrameType::Exit))
    fail("attach protocol: unknown frame type {}", type);
  uint32_t size = get_u32(std::string_view(buffer_).substr(1, 4));
  if (size > kMaxFramePayload) fail("attach protocol: frame of {} bytes is too large", size);
  if (buffer_.size() < kFrameHeaderSize + size) return std::nullopt;
  Frame frame{static_cast<FrameType>(type), buffer_.substr(kFrameHeaderSize, size)};
  buffer_.erase(0, kFrameHeaderSize + size);
  return frame;
}

}  // namespace kayak::monitor

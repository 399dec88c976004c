// SHA-256 (OpenSSL libcrypto), incremental, and the "sha256:<hex>" digest
// strings used throughout OCI images.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace kayak {

class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // Lower-case hex of the digest; the hasher cannot be updated afterwards.
  std::string hex();
  // "sha256:<hex>"
  std::string digest() { return "sha256:" + hex(); }

private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string sha256_hex(std::string_view data);
std::string sha256_digest(std::string_view data);  // "sha256:<hex>"
// Hash of a whole file's content.
std::string sha256_file_digest(const std::string& path);

// True for "sha256:" followed by exactly 64 lower-case hex digits.
bool is_sha256_digest(std::string_view digest);
// True for 64 lower-case hex digits.
bool is_sha256_hex(std::string_view hex);
// The hex part of a valid digest; throws kayak::Error otherwise.
std::string digest_hex(std::string_view digest);

}  // namespace kayak

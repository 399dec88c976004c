// `images` / `image ls`: one row per tag (and one for each untagged image),
// newest first, with the fields Docker's --format knows.
#pragma once

#include "kayak/store/store.hpp"
#include "kayak/util/json.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

struct ImageListOptions {
  bool all = false;
  bool digests = false;
  bool no_trunc = false;
  std::vector<std::string> filters;  // "dangling=true", "reference=PATTERN", "before=IMG", "since=IMG", "label=K[=V]"
  std::string repository;            // optional REPOSITORY[:TAG] argument
};

// Rows with Docker's field names: ID, Repository, Tag, Digest, CreatedSince,
// CreatedAt, Size, VirtualSize, SharedSize, UniqueSize, Containers.
std::vector<json::Value> list_images(store::Store& store, const ImageListOptions& options);

// Docker's CreatedAt rendering: "2024-05-06 07:08:09 +0000 UTC".
std::string docker_time(int64_t ns_since_epoch);

}  // namespace kayak::commands

// The image configuration (OCI image config / Docker image JSON): kept as
// a JSON tree, because Docker-compatible output must show fields exactly as
// the image carries them; these helpers read and build the parts kayak uses.
#pragma once

#include "kayak/util/json.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace kayak::image {

struct HistoryEntry {
  std::string created;     // RFC 3339, may be empty
  std::string created_by;
  std::string comment;
  std::string author;
  bool empty_layer = false;
};

struct ImageConfig {
  json::Value doc;  // the whole config document, as received
  std::string what = "image config";  // names the document in errors

  // rootfs.diff_ids; throws when rootfs.type is not "layers" or a diff_id is
  // not a sha256 digest.
  std::vector<std::string> diff_ids() const;
  std::vector<HistoryEntry> history() const;
  std::string created() const;       // "" when absent
  std::string architecture() const;
  std::string os() const;
  std::string variant() const;
  // The "config" member (Cmd, Env, Entrypoint, ...); null when absent.
  const json::Value& container_config() const;
};

ImageConfig parse_config(std::string_view bytes, std::string_view what = "image config");

// Chain IDs as in the OCI spec: chain[0] = diff[0];
// chain[n] = sha256(chain[n-1] + " " + diff[n]).
std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids);

// Parses a Dockerfile-style change ("CMD [\"x\"]", "ENV A=b", "WORKDIR /w",
// "EXPOSE 80", "ENTRYPOINT ...", "USER u", "LABEL k=v", "VOLUME /v",
// "STOPSIGNAL SIGTERM", "ONBUILD ...", "HEALTHCHECK ..."), as `import -c`
// and `commit -c` take, and applies it to a container config object (a null
// becomes an object when a change applies). Throws on unknown instructions with Docker's message
// ("foo is not a valid change command").
void apply_change(json::Value& container_config, std::string_view change);
// All of a command's -c changes at once, as Docker applies them: every
// change is checked before any is applied (the config is left untouched on
// error), and ENTRYPOINT clears the old Cmd unless one of these changes set
// a CMD, so `-c 'CMD ["a"]' -c 'ENTRYPOINT ["b"]'` keeps both.
void apply_changes(json::Value& container_config, const std::vector<std::string>& changes);

}  // namespace kayak::image

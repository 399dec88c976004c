// The commands that read a container's file system: `commit`, `diff`,
// `export` (and `cp`, container_cp.hpp).
#pragma once

#include "kayak/store/commit.hpp"
#include "kayak/store/container.hpp"
#include "kayak/store/container_changes.hpp"
#include "kayak/store/context.hpp"

#include <string>
#include <vector>

namespace kayak::commands {

// Where the container's files are: its upper dir (overlay drivers) or full
// copy (vfs), and the image's layer dirs.
store::ContainerRootfs container_rootfs(store::Context& ctx, const store::ContainerStore& containers,
                                        const store::ContainerConfig& config);

struct CommitOptions {
  std::string container;  // name or ID (prefix)
  std::string reference;  // optional REPO[:TAG]
  std::vector<std::string> changes;  // -c: Dockerfile instructions
  std::string message;    // -m
  std::string author;     // -a
  bool pause = true;      // -p (Docker's default)
};

// The new image's "config": the parent image's, with the container's
// Cmd, Entrypoint, Env, WorkingDir, User, ExposedPorts, Volumes, Labels and
// StopSignal, then the -c changes.
json::Value committed_config(const json::Value& parent_config, const store::ContainerConfig& container,
                             const std::vector<std::string>& changes);

// Returns the new image ID ("sha256:...").
std::string commit(store::Context& ctx, const CommitOptions& options);

// `diff`: the container's changes, in Docker's order.
std::vector<store::Change> diff(store::Context& ctx, const std::string& container);

struct ExportOptions {
  std::string container;
  std::string output;  // -o FILE; "" for stdout (never a terminal)
};

// `export`: the container's merged file system as a tar.
void export_container(store::Context& ctx, const ExportOptions& options);

}  // namespace kayak::commands

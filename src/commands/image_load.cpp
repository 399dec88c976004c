#include "kayak/commands/image_load.hpp"

#include "kayak/archive/image_archive.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/store/ingest.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fd.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/log.hpp"

#include <fmt/ranges.h>
#include <fcntl.h>
#include <unistd.h>

namespace kayak::commands {

namespace {

// A tag from an archive, normalized for the store: "busybox:latest" ->
// "docker.io/library/busybox:latest"; a bare tag ("1.38.0-musl", as OCI
// ref names often are) becomes <fallback_repo>:<tag>.
std::string normalize_archive_tag(const std::string& tag, const std::string& fallback_repo) {
  bool bare = tag.find_first_of("/:@") == std::string::npos && !fallback_repo.empty();
  try {
    if (bare) return image::parse_reference(fallback_repo + ":" + tag).str();
    return image::parse_reference(tag).str();
  } catch (const Error& e) {
    fail("the archive names an image \"{}\": {}", tag, e.what());
  }
}

struct Loaded {
  std::vector<std::string> names;  // familiar
  std::string id;
};

// Ingests every image of an unpacked or on-disk layout directory.
std::vector<Loaded> ingest_layout(store::Context& ctx, const std::string& dir, bool movable, bool quiet,
                                  const std::string& ref, const std::string& fallback_repo,
                                  store::EagerLayers* eager = nullptr) {
  std::vector<archive::ArchiveImage> images;
  switch (archive::detect_layout(dir)) {
  case archive::LayoutKind::DockerArchive:
    images = archive::read_docker_archive(dir);
    if (!ref.empty()) {
      // docker-archive:FILE:REF selects the image tagged REF.
      std::string wanted = image::parse_reference(ref).str();
      std::erase_if(images, [&](const archive::ArchiveImage& candidate) {
        for (const auto& tag : candidate.tags) {
          if (normalize_archive_tag(tag, "") == wanted) return false;
        }
        return true;
      });
      if (images.empty()) fail("no image tagged {} in the archive", ref);
      for (auto& selected : images) selected.tags = {ref};
    }
    break;
  case archive::LayoutKind::Oci:
    images = archive::read_oci_layout(dir, ref);
    if (ref.empty() && images.size() > 1 && !fallback_repo.empty()) {
      // pull names one image; a layout of several needs a choice.
      std::vector<std::string> refs;
      for (const auto& candidate : images) refs.insert(refs.end(), candidate.tags.begin(), candidate.tags.end());
      fail("{} holds {} images: choose one with oci:DIR:REF (available: {})", dir, images.size(),
           fmt::join(refs, ", "));
    }
    break;
  }
  if (images.empty()) fail("no image found in the archive");
  bool progress = !quiet && ::isatty(STDERR_FILENO);
  store::IngestOptions options;
  options.extract = ctx.layer_extract_options();
  options.blobs_movable = movable;
  options.eager = eager;
  if (progress) options.progress = [](const std::string& line) { fmt::print(stderr, "{}\n", line); };

  std::vector<Loaded> out;
  for (const auto& source : images) {
    std::vector<std::string> names;
    for (const auto& tag : source.tags) names.push_back(normalize_archive_tag(tag, fallback_repo));
    options.display_name = names.empty() ? "" : store::familiar_name(names[0]);
    store::IngestResult result = store::ingest_image(ctx.store(), source, names, options);
    if (result.squashed) {
      log::warn("{}: {} files are owned by IDs this user cannot map and were stored as owned by the caller, "
                "e.g. {}: add a range for {} to /etc/subuid and /etc/subgid to keep their owners",
                options.display_name.empty() ? "image " + result.image.id.substr(0, 12) : options.display_name,
                result.squashed, result.squashed_example, ctx.identity().user_name);
    }
    Loaded loaded;
    loaded.id = result.image.id;
    for (const auto& name : names) loaded.names.push_back(store::familiar_name(name));
    out.push_back(std::move(loaded));
  }
  return out;
}

json::Value to_json(const std::vector<Loaded>& loaded) {
  json::Value array = json::Value::array();
  for (const auto& item : loaded) {
    json::Value v = json::Value::object();
    v.set("id", item.id);
    v.set("names", json::Value::strings(item.names));
    array.push_back(std::move(v));
  }
  return array;
}

std::vector<Loaded> from_json(const json::Value& array) {
  std::vector<Loaded> out;
  for (const auto& v : array.as_array()) out.push_back({v.strings_at("names"), v.string_or("id")});
  return out;
}

// Unpacks an archive read from fd into a staging dir and ingests it.
std::vector<Loaded> load_archive_fd(store::Context& ctx, int fd, const std::string& shown, bool quiet,
                                    const std::string& ref) {
  store::StagingDir staging(ctx.store().tmp_dir(), "load");
  std::string unpacked = fs::join(staging.path(), "archive");
  fs::mkdir_p(unpacked, 0700);
  FdReader input(fd, shown);
  // Layers are extracted by child processes while the archive unpacks;
  // ingest then verifies and adopts them (store/eager_layers.hpp).
  store::EagerLayers eager(fs::join(staging.path(), "eager"), ctx.layer_extract_options());
  try {
    archive::unpack_archive(input, unpacked, [&](const std::string& path) { return eager.tap(path); });
  } catch (const Error& e) {
    fail("{}: {}", shown, e.what());
  }
  eager.finish();
  return ingest_layout(ctx, unpacked, true, quiet, ref, "", &eager);
}

UniqueFd open_input(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) fail_errno("open {}", path);
  return fd;
}

}  // namespace

LoadReport load_images(store::Context& ctx, const LoadOptions& options) {
  UniqueFd file;
  int fd = STDIN_FILENO;
  std::string shown = "stdin";
  if (!options.input.empty()) {
    file = open_input(options.input);
    fd = file.get();
    shown = options.input;
  } else if (::isatty(STDIN_FILENO)) {
    fail("cannot read an image archive from a terminal: use the -i flag or redirect stdin (kayak load < image.tar)");
  }
  json::Value result = ctx.write([&] { return to_json(load_archive_fd(ctx, fd, shown, options.quiet, "")); });
  LoadReport report;
  for (const auto& loaded : from_json(result)) {
    if (loaded.names.empty()) report.loaded_ids.push_back("sha256:" + loaded.id);
    for (const auto& name : loaded.names) report.loaded_names.push_back(name);
  }
  return report;
}

namespace {

struct Transport {
  std::string kind;  // "oci", "oci-archive", "docker-archive"
  std::string path;
  std::string ref;
};

Transport parse_transport(const std::string& source) {
  auto colon = source.find(':');
  if (colon == std::string::npos) {
    fail("pulling from registries is not supported yet: use a local transport (oci:DIR[:REF], "
         "oci-archive:FILE[:REF], docker-archive:FILE[:REF]) or kayak load");
  }
  Transport t;
  t.kind = source.substr(0, colon);
  if (t.kind != "oci" && t.kind != "oci-archive" && t.kind != "docker-archive") {
    fail("pulling \"{}\" from a registry is not supported yet: use oci:DIR[:REF], oci-archive:FILE[:REF] or "
         "docker-archive:FILE[:REF]", source);
  }
  std::string rest = source.substr(colon + 1);
  // The path ends at the first ':' after which the path no longer exists:
  // oci:/dir:busybox:1.38.0-musl -> path /dir, ref busybox:1.38.0-musl.
  auto split = rest.find(':');
  while (split != std::string::npos && !fs::exists(rest.substr(0, split))) split = rest.find(':', split + 1);
  if (split != std::string::npos && fs::exists(rest.substr(0, split)) && !fs::exists(rest)) {
    t.path = rest.substr(0, split);
    t.ref = rest.substr(split + 1);
  } else {
    t.path = rest;
  }
  if (t.path.empty()) fail("{}: missing path", source);
  if (!fs::exists(t.path)) fail_errno_value(ENOENT, "{}", t.path);
  return t;
}

}  // namespace

PullReport pull_image(store::Context& ctx, const PullOptions& options) {
  Transport t = parse_transport(options.source);
  json::Value result = ctx.write([&] {
    std::vector<Loaded> loaded;
    if (t.kind == "oci") {
      // A ref that is a full name names the image; a bare tag is given the
      // layout directory's name as repository, as podman does.
      std::string repo = "localhost/" + fs::basename(fs::absolute(t.path));
      loaded = ingest_layout(ctx, t.path, false, options.quiet, t.ref, repo);
    } else {
      UniqueFd fd = open_input(t.path);
      loaded = load_archive_fd(ctx, fd.get(), t.path, options.quiet, t.ref);
    }
    return to_json(loaded);
  });
  PullReport report;
  for (const auto& loaded : from_json(result)) {
    report.ids.push_back(loaded.id);
    for (const auto& name : loaded.names) report.names.push_back(name);
  }
  return report;
}

}  // namespace kayak::commands

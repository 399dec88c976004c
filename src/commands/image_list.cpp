#include "kayak/commands/image_list.hpp"

#include "kayak/format/units.hpp"
#include "kayak/image/reference.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/strings.hpp"
#include "kayak/util/time.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <ctime>

namespace kayak::commands {

std::string docker_time(int64_t ns) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  struct tm tm;
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
  return buf;
}

namespace {

struct Filters {
  std::optional<bool> dangling;
  std::vector<std::string> references;
  std::vector<std::pair<std::string, std::string>> labels;  // value "" = any
  std::optional<int64_t> before;  // created strictly before (ns)
  std::optional<int64_t> since;   // created strictly after (ns)
};

int64_t created_ns(const store::ImageRecord& image) {
  return timeutil::parse_rfc3339(image.created).value_or(timeutil::parse_rfc3339(image.stored).value_or(0));
}

Filters parse_filters(store::Store& store, const std::vector<std::string>& specs) {
  Filters f;
  for (const auto& spec : specs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos) fail("bad format of filter (expected name=value): {}", spec);
    std::string key = spec.substr(0, eq), value = spec.substr(eq + 1);
    if (key == "dangling") {
      if (value != "true" && value != "false" && value != "1" && value != "0") {
        fail("invalid filter 'dangling={}': use true or false", value);
      }
      f.dangling = value == "true" || value == "1";
    } else if (key == "reference") {
      f.references.push_back(value);
    } else if (key == "label") {
      auto eq2 = value.find('=');
      f.labels.emplace_back(value.substr(0, eq2), eq2 == std::string::npos ? "" : value.substr(eq2 + 1));
    } else if (key == "before") {
      f.before = created_ns(store.resolve_image(value));
    } else if (key == "since") {
      f.since = created_ns(store.resolve_image(value));
    } else {
      fail("invalid filter '{}'", key);
    }
  }
  return f;
}

// Docker's reference filter: a glob (path.Match: '*' stops at '/') against
// "repo:tag" or "repo" in familiar form, or the full name.
bool reference_matches(const std::string& pattern, const std::string& familiar_repo, const std::string& tag,
                       const std::string& full) {
  std::string with_tag = familiar_repo + ":" + tag;
  for (const std::string& candidate : {familiar_repo, with_tag, full}) {
    if (::fnmatch(pattern.c_str(), candidate.c_str(), FNM_PATHNAME) == 0) return true;
  }
  return false;
}

}  // namespace

std::vector<json::Value> list_images(store::Store& store, const ImageListOptions& options) {
  FileLock lock = store.lock_shared();
  Filters filters = parse_filters(store, options.filters);
  if (!options.repository.empty()) filters.references.push_back(options.repository);

  std::vector<store::ImageRecord> images = store.images();
  std::sort(images.begin(), images.end(), [](const auto& a, const auto& b) {
    int64_t ca = created_ns(a), cb = created_ns(b);
    return ca != cb ? ca > cb : a.id < b.id;
  });
  int64_t now = timeutil::now_ns();
  std::vector<json::Value> rows;
  for (const auto& image : images) {
    bool dangling = image.names.empty();
    if (filters.dangling && *filters.dangling != dangling) continue;
    int64_t created = created_ns(image);
    if (filters.before && created >= *filters.before) continue;
    if (filters.since && created <= *filters.since) continue;
    if (!filters.labels.empty()) {
      image::ImageConfig config = store.image_config(image);
      const json::Value& labels = config.container_config()["Labels"];
      bool ok = std::all_of(filters.labels.begin(), filters.labels.end(), [&](const auto& want) {
        const json::Value* have = labels.find(want.first);
        return have && (want.second.empty() || (have->is_string() && have->as_string() == want.second));
      });
      if (!ok) continue;
    }
    // One row per name, or a single <none> row.
    std::vector<std::pair<std::string, std::string>> repo_tags;  // familiar repo, tag
    std::vector<std::string> fulls;
    for (const auto& name : image.names) {
      auto ref = image::parse_reference(name, false);
      repo_tags.emplace_back(ref.familiar_name(), ref.tag);
      fulls.push_back(name);
    }
    if (repo_tags.empty()) {
      repo_tags.emplace_back("<none>", "<none>");
      fulls.emplace_back("");
    }
    for (size_t i = 0; i < repo_tags.size(); ++i) {
      const auto& [repo, tag] = repo_tags[i];
      if (!filters.references.empty()) {
        if (fulls[i].empty()) continue;
        bool any = std::any_of(filters.references.begin(), filters.references.end(),
                               [&](const auto& p) { return reference_matches(p, repo, tag, fulls[i]); });
        if (!any) continue;
      }
      std::string digest = "<none>";
      for (const auto& repo_digest : image.repo_digests) {
        auto at = repo_digest.find('@');
        if (at != std::string::npos && (fulls[i].empty() || fulls[i].compare(0, at, repo_digest, 0, at) == 0)) {
          digest = repo_digest.substr(at + 1);
          break;
        }
      }
      json::Value row = json::Value::object();
      row.set("Containers", "N/A");
      row.set("CreatedAt", docker_time(created));
      row.set("CreatedSince", format::human_duration(now - created) + " ago");
      row.set("Digest", digest);
      row.set("ID", options.no_trunc ? "sha256:" + image.id : image.id.substr(0, 12));
      row.set("Repository", repo);
      row.set("SharedSize", "N/A");
      row.set("Size", format::human_size(image.size));
      row.set("Tag", tag);
      row.set("UniqueSize", "N/A");
      row.set("VirtualSize", format::human_size(image.size));
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

}  // namespace kayak::commands

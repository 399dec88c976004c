// Reading, writing and removing credentials in auth.json / config.json and
// through credential helpers (auth_files.hpp describes the rules).
#include "kayak/registry/auth_files.hpp"

#include "kayak/util/base64.hpp"
#include "kayak/util/error.hpp"
#include "kayak/util/fs.hpp"
#include "kayak/util/json.hpp"

namespace kayak::registry {

namespace {

constexpr const char* kDockerHubServer = "https://index.docker.io/v1/";

// Standard alphabet, padding optional; nullopt on anything else.
std::optional<std::string> base64_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  while (text.ends_with('=')) text.remove_suffix(1);
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : text) {
    int v = value(c);
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  if (count >= 6) return std::nullopt;  // a lone trailing character
  return out;
}

// The file's JSON, an empty object when it does not exist.
json::Value read_auth_json(const std::string& path, bool& exists) {
  std::string text;
  exists = fs::read_file_if_exists(path, text);
  if (!exists || text.find_first_not_of(" \t\r\n") == std::string::npos) return json::Value::object();
  json::Value doc = json::parse(text, path);
  if (!doc.is_object()) fail("reading JSON file {}: not a JSON object", path);
  return doc;
}

void write_auth_json(const std::string& path, const json::Value& doc) {
  fs::mkdir_p(fs::dirname(path), 0700);
  fs::write_file_atomic(path, json::dump(doc, {.indent = 4}) + "\n", 0600);
}

// What a credential helper is asked for: Docker keys Docker Hub by its old
// index URL, podman by the registry name.
std::string helper_server(const std::string& registry, bool docker) {
  return docker && registry == "docker.io" ? kDockerHubServer : registry;
}

// The helper a file names for registry: credHelpers first, else credsStore.
std::string helper_for(const json::Value& doc, const std::string& registry, bool with_store) {
  if (const json::Value* helpers = doc.find("credHelpers"); helpers && helpers->is_object()) {
    for (const auto& [key, name] : helpers->as_object()) {
      if (normalize_auth_key(key) == registry && name.is_string() && !name.as_string().empty()) return name.as_string();
    }
  }
  if (with_store) return doc.string_or("credsStore");
  return "";
}

std::optional<Credentials> decode_entry(const json::Value& entry, const std::string& key, const std::string& path) {
  if (!entry.is_object()) return std::nullopt;
  Credentials creds;
  std::string auth = entry.string_or("auth");
  if (!auth.empty()) {
    auto decoded = base64_decode(auth);
    size_t colon = decoded ? decoded->find(':') : std::string::npos;
    // Never quote the value: it is the password.
    if (colon == std::string::npos) fail("{}: the \"auth\" value for {} is not base64 of user:password", path, key);
    creds.username = decoded->substr(0, colon);
    creds.password = decoded->substr(colon + 1);
  }
  creds.identity_token = entry.string_or("identitytoken");
  if (creds.empty()) return std::nullopt;
  return creds;
}

// want, then its parents down to the registry: "quay.io/a/b", "quay.io/a", "quay.io".
std::vector<std::string> candidate_keys(const std::string& want) {
  std::vector<std::string> out{want};
  std::string key = want;
  for (size_t slash; (slash = key.rfind('/')) != std::string::npos;) {
    key.resize(slash);
    out.push_back(key);
  }
  return out;
}

AuthFile write_target(const std::string& authfile) {
  std::string path = auth_file_to_write(authfile);
  for (const auto& file : auth_files_to_read(authfile)) {
    if (file.path == path) return file;
  }
  return {path, false};
}

// Keys of doc["auths"] that mean the same as want.
std::vector<std::string> matching_keys(const json::Value& doc, const std::string& want) {
  std::vector<std::string> out;
  if (const json::Value* auths = doc.find("auths"); auths && auths->is_object()) {
    for (const auto& [key, entry] : auths->as_object()) {
      if (normalize_auth_key(key) == want) out.push_back(key);
    }
  }
  return out;
}

}  // namespace

std::optional<FoundCredentials> find_credentials(std::string_view key, const std::string& authfile) {
  std::string want = normalize_auth_key(key);
  std::string registry = want.substr(0, want.find('/'));
  for (const auto& file : auth_files_to_read(authfile)) {
    bool exists = false;
    json::Value doc = read_auth_json(file.path, exists);
    if (!exists) continue;
    // A credHelpers entry owns the registry in this file.
    if (std::string helper = helper_for(doc, registry, false); !helper.empty()) {
      if (auto creds = credential_helper_get(helper, helper_server(registry, file.docker))) {
        return FoundCredentials{*creds, registry, file.path, "docker-credential-" + helper};
      }
      continue;
    }
    if (const json::Value* auths = doc.find("auths"); auths && auths->is_object()) {
      for (const auto& candidate : candidate_keys(want)) {
        for (const auto& [written, entry] : auths->as_object()) {
          if (normalize_auth_key(written) != candidate) continue;
          if (auto creds = decode_entry(entry, written, file.path)) return FoundCredentials{*creds, written, file.path, ""};
        }
      }
    }
    if (std::string store = doc.string_or("credsStore"); !store.empty()) {
      if (auto creds = credential_helper_get(store, helper_server(registry, file.docker))) {
        return FoundCredentials{*creds, registry, file.path, "docker-credential-" + store};
      }
    }
  }
  return std::nullopt;
}

void store_credentials(std::string_view key, const Credentials& credentials, const std::string& authfile) {
  AuthFile file = write_target(authfile);
  std::string want = normalize_auth_key(key);
  std::string registry = want.substr(0, want.find('/'));
  bool exists = false;
  json::Value doc = read_auth_json(file.path, exists);
  if (want == registry) {
    if (std::string helper = helper_for(doc, registry, true); !helper.empty()) {
      credential_helper_store(helper, helper_server(registry, file.docker), credentials);
      return;
    }
  }
  json::Value entry = json::Value::object();
  if (!credentials.username.empty() || !credentials.password.empty()) {
    entry.set("auth", base64_encode(credentials.username + ":" + credentials.password));
  }
  if (!credentials.identity_token.empty()) entry.set("identitytoken", credentials.identity_token);
  json::Value& auths = doc.slot("auths");
  if (!auths.is_object()) auths = json::Value::object();
  // Another spelling of the same key ("https://quay.io") would otherwise
  // keep answering with the old password.
  for (const auto& old : matching_keys(doc, want)) auths.erase(old);
  std::string written = file.docker && want == "docker.io" ? kDockerHubServer : want;
  auths.set(written, std::move(entry));
  write_auth_json(file.path, doc);
}

bool remove_credentials(std::string_view key, const std::string& authfile) {
  AuthFile file = write_target(authfile);
  std::string want = normalize_auth_key(key);
  std::string registry = want.substr(0, want.find('/'));
  bool exists = false;
  json::Value doc = read_auth_json(file.path, exists);
  if (!exists) return false;
  if (want == registry) {
    if (std::string helper = helper_for(doc, registry, false); !helper.empty()) {
      return credential_helper_erase(helper, helper_server(registry, file.docker));
    }
  }
  std::vector<std::string> keys = matching_keys(doc, want);
  if (!keys.empty()) {
    json::Value& auths = doc.slot("auths");
    for (const auto& old : keys) auths.erase(old);
    write_auth_json(file.path, doc);
  }
  bool removed = !keys.empty();
  if (want == registry) {
    if (std::string store = doc.string_or("credsStore"); !store.empty()) {
      removed = credential_helper_erase(store, helper_server(registry, file.docker)) || removed;
    }
  }
  return removed;
}

void remove_all_credentials(const std::string& authfile) {
  AuthFile file = write_target(authfile);
  bool exists = false;
  json::Value doc = read_auth_json(file.path, exists);
  if (!exists) return;
  if (const json::Value* helpers = doc.find("credHelpers"); helpers && helpers->is_object()) {
    for (const auto& [key, name] : helpers->as_object()) {
      if (name.is_string() && !name.as_string().empty()) {
        credential_helper_erase(name.as_string(), helper_server(normalize_auth_key(key), file.docker));
      }
    }
  }
  std::string store = doc.string_or("credsStore");
  if (const json::Value* auths = doc.find("auths"); auths && auths->is_object() && !store.empty()) {
    for (const auto& [key, entry] : auths->as_object()) {
      std::string registry = auth_key_registry(key);
      credential_helper_erase(store, helper_server(registry, file.docker));
    }
  }
  doc.set("auths", json::Value::object());
  write_auth_json(file.path, doc);
}

}  // namespace kayak::registry

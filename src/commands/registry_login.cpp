// login / logout (registry_login.hpp).
#include "kayak/commands/registry_login.hpp"

#include "kayak/image/reference.hpp"
#include "kayak/registry/client.hpp"
#include "kayak/registry/config.hpp"
#include "kayak/util/error.hpp"

namespace kayak::commands {

namespace {

// "https://quay.io/v1/" -> "quay.io": a URL stands for its host.
std::string strip_url(std::string_view argument) {
  for (std::string_view scheme : {"https://", "http://"}) {
    if (argument.starts_with(scheme)) {
      std::string_view rest = argument.substr(scheme.size());
      return std::string(rest.substr(0, rest.find('/')));
    }
  }
  return std::string(argument);
}

}  // namespace

LoginTarget login_target(std::string_view argument) {
  LoginTarget target;
  target.key = argument.empty() ? "docker.io" : strip_url(argument);
  if (target.key.empty()) fail("invalid registry \"{}\"", argument);
  if (target.key.find('/') != std::string::npos) {
    // A repository key: a name only, with its registry spelled out.
    image::Reference ref = image::parse_reference(target.key, false);
    if (!ref.tag.empty() || !ref.digest.empty()) fail("reference \"{}\" contains tag or digest", target.key);
    if (registry::is_short_name(target.key)) fail("credentials key \"{}\" must start with a registry", target.key);
  }
  target.registry = registry::auth_key_registry(target.key);
  return target;
}

std::optional<registry::FoundCredentials> stored_login(const LoginTarget& target, const LoginOptions& options) {
  return registry::find_credentials(target.key, options.authfile);
}

void verify_login(const LoginTarget& target, const registry::Credentials& credentials, const LoginOptions& options) {
  registry::RegistriesConf conf = registry::RegistriesConf::load_default();
  registry::ClientOptions client_options;
  client_options.registry = target.registry;
  client_options.insecure = conf.is_insecure(target.registry, options.tls_verify);
  client_options.certs_dirs = options.cert_dir.empty() ? registry::certs_dirs()
                                                        : std::vector<std::string>{options.cert_dir};
  client_options.credentials = credentials;
  registry::Client client(std::move(client_options));
  try {
    client.check_login();
  } catch (const Error& e) {
    throw Error(fmt::format("logging into \"{}\": {}", target.key, e.what()), e.exit_code());
  }
}

void login(const LoginTarget& target, const registry::Credentials& credentials, const LoginOptions& options) {
  verify_login(target, credentials, options);
  registry::store_credentials(target.key, credentials, options.authfile);
}

std::string get_login(const LoginTarget& target, const LoginOptions& options) {
  auto found = stored_login(target, options);
  if (!found) fail("not logged into {}", target.key);
  if (found->credentials.username.empty()) return "<token>";
  return found->credentials.username;
}

void logout(const LoginTarget& target, const LoginOptions& options) {
  if (registry::remove_credentials(target.key, options.authfile)) return;
  if (options.authfile.empty()) {
    if (auto found = stored_login(target, options); found && found->file != registry::auth_file_to_write("")) {
      fail("not logged into {} with current tool. Existing credentials were established in {}: remove them there "
           "(docker logout for Docker's config.json)", target.key, found->file);
    }
  }
  fail("not logged into {}", target.key);
}

void logout_all(const LoginOptions& options) { registry::remove_all_credentials(options.authfile); }

}  // namespace kayak::commands

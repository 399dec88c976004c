// Container names: Docker's validity rule and kayak's default names,
// "adjective_surname" as Docker makes them, from word lists of our own
// (paddlers' moods and the surnames of explorers and navigators).
#include "kayak/store/container.hpp"

#include "kayak/util/error.hpp"

#include <array>
#include <random>

namespace kayak::store {

namespace {

constexpr std::array kAdjectives = {
  "agile",    "amber",    "ardent",   "balmy",    "bold",     "bright",   "brisk",    "buoyant",
  "calm",     "candid",   "careful",  "cheery",   "clever",   "cosy",     "curious",  "daring",
  "deft",     "dreamy",   "eager",    "earnest",  "easy",     "fearless", "fleet",    "fluent",
  "gallant",  "gentle",   "glad",     "graceful", "hardy",    "hearty",   "hopeful",  "humble",
  "jolly",    "keen",     "kindly",   "lively",   "loyal",    "lucid",    "mellow",   "merry",
  "mindful",  "modest",   "nimble",   "noble",    "patient",  "placid",   "plucky",   "polite",
  "proud",    "quiet",    "quick",    "radiant",  "ready",    "serene",   "sincere",  "smooth",
  "spirited", "steady",   "sturdy",   "sunny",    "swift",    "tidy",     "tranquil", "trusty",
  "upbeat",   "valiant",  "vivid",    "wakeful",  "warm",     "wise",     "witty",    "zesty",
};

constexpr std::array kSurnames = {
  "amundsen", "baffin",    "balboa",    "barents",   "bering",    "bird",      "burton",   "cabot",
  "cartier",  "champlain", "clark",     "columbus",  "cook",      "dampier",   "drake",    "elcano",
  "flinders", "franklin",  "frobisher", "gama",      "hanno",     "henson",    "heyerdahl","hillary",
  "hudson",   "ibnbattuta","kingsley",  "lewis",     "livingstone","magellan","mawson",
  "nansen",   "norgay",    "park",      "peary",     "polo",      "pytheas",   "raleigh",  "ross",
  "sacagawea","scott",     "shackleton","speke",     "stanley",   "tasman",    "thompson", "vancouver",
  "verrazzano","vespucci", "zheng",     "tereshkova","earhart",   "humboldt",  "wallace",  "bates",
};

bool name_char(char c, bool first) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return !first && (c == '_' || c == '.' || c == '-');
}

}  // namespace

std::string validate_container_name(std::string_view name) {
  std::string_view bare = name;
  if (!bare.empty() && bare.front() == '/') bare.remove_prefix(1);
  bool ok = bare.size() >= 2;
  for (size_t i = 0; ok && i < bare.size(); ++i) ok = name_char(bare[i], i == 0);
  if (!ok) fail("Invalid container name ({}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
  return std::string(bare);
}

std::string random_container_name(int attempt) {
  static std::mt19937 engine{std::random_device{}()};
  for (;;) {
    std::uniform_int_distribution<size_t> adjective(0, kAdjectives.size() - 1);
    std::uniform_int_distribution<size_t> surname(0, kSurnames.size() - 1);
    std::string name = std::string(kAdjectives[adjective(engine)]) + "_" + kSurnames[surname(engine)];
    // Names must stay within Docker's character set.
    bool ascii = true;
    for (char c : name) ascii = ascii && name_char(c, false);
    if (!ascii) continue;
    if (attempt > 0) name += std::to_string(std::uniform_int_distribution<int>(0, 9)(engine));
    return name;
  }
}

}  // namespace kayak::store

// `kayak completion fish`: the table as fish functions (a switch per
// question: which node a typed path is, its subcommands and flags with
// their descriptions), then a fixed driver registered for kayak. Values come
// from `kayak __complete`.
#include "completion_model.hpp"

namespace kayak::cli {

namespace {

constexpr std::string_view kDriver = R"FISH(
# Values: what `kayak __complete` answers (candidates, then ":DIRECTIVE").
function __kayak_dynamic
    set -l cur $argv[-1]
    set -l out ($argv[1] __complete -- $argv[2..-1] 2>/dev/null)
    or return
    set -l directive 0
    if set -q out[1]; and string match -q -- ':*' $out[-1]
        set directive (string sub -s 2 -- $out[-1])
        set -e out[-1]
    end
    set -l prefix (string match -r -- '^--[^=]*=' $cur)
    set -l word (string sub -s (math (string length -- "$prefix") + 1) -- $cur)
    if test (math "bitand($directive, 2)") -ne 0
        for path in (__fish_complete_path $word)
            echo "$prefix$path"
        end
    else if test (math "bitand($directive, 4)") -ne 0
        for path in (__fish_complete_directories $word)
            echo "$prefix$path"
        end
    else
        printf '%s\n' $out
    end
end

function __kayak_complete
    set -l w (commandline -opc)
    set -l cur (commandline -ct)
    set -l key kayak
    set -l typed kayak
    set -l nargs 0
    set -l expect 0
    set -l flags_done 0
    for word in $w[2..-1]
        if test $expect = 1
            set expect 0
            continue
        end
        if test $flags_done = 0; and test "x$word" = x--; and test "$key" != kayak
            set flags_done 1
            continue
        end
        if test $flags_done = 0; and string match -qr -- '^-.' $word
            set -l vflags (__kayak_vflags $key)
            if string match -q -- '--*' $word
                if not string match -q -- '*=*' $word; and contains -- $word $vflags
                    set expect 1
                end
            else
                set -l n (string length -- $word)
                for j in (seq 2 $n)
                    if contains -- -(string sub -s $j -l 1 -- $word) $vflags
                        test $j = $n; and set expect 1
                        break
                    end
                end
            end
            continue
        end
        if test $nargs = 0; and __kayak_is_group $key
            set -l next (__kayak_node "$typed $word")
            if test -n "$next"
                set typed "$typed $word"
                set key $next
                continue
            end
        end
        set nargs (math $nargs + 1)
        __kayak_args_only $key; and set flags_done 1
    end
    if test $expect = 1; or begin; test $flags_done = 0; and string match -q -- '--*=*' "$cur"; end
        __kayak_dynamic $w "$cur"
    else if test $flags_done = 0; and string match -q -- '-*' "$cur"
        __kayak_flags $key
    else if __kayak_is_group $key
        test $nargs = 0; and __kayak_subs $key
    else
        __kayak_dynamic $w "$cur"
    end
end

complete -c kayak -e
complete -c kayak -f -a '(__kayak_complete)'
)FISH";

std::string fish_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// function NAME KEY: a switch over the keys in `cases` (key, body lines).
std::string switch_function(std::string_view name, std::string_view comment,
                            const std::vector<std::pair<std::string, std::string>>& cases, std::string_view fallback) {
  std::string out = "# " + std::string(comment) + "\nfunction " + std::string(name) + "\n    switch $argv[1]\n";
  for (const auto& [key, body] : cases) out += "        case " + fish_quote(key) + "\n            " + body + "\n";
  if (!fallback.empty()) out += "        case '*'\n            " + std::string(fallback) + "\n";
  return out + "    end\nend\n\n";
}

}  // namespace

std::string fish_script(const ScriptModel& model) {
  std::vector<std::pair<std::string, std::string>> node, group, args_only, subs, flags, vflags;
  for (const auto& [typed, key] : model.paths) node.emplace_back(typed, "echo " + fish_quote(key));
  for (const ScriptNode& n : model.nodes) {
    if (n.group) group.emplace_back(n.key, "return 0");
    if (n.args_only) args_only.emplace_back(n.key, "return 0");
    if (!n.subcommands.empty()) {
      std::string args;
      for (const auto& [word, summary] : n.subcommands) args += " " + fish_quote(word) + " " + fish_quote(summary);
      subs.emplace_back(n.key, "printf '%s\\t%s\\n'" + args);
    }
    std::string described, with_value;
    for (const ScriptFlag& flag : n.flags) {
      described += " " + fish_quote(flag.name) + " " + fish_quote(flag.description);
      if (flag.takes_value) with_value += " " + fish_quote(flag.name);
    }
    if (!described.empty()) flags.emplace_back(n.key, "printf '%s\\t%s\\n'" + described);
    if (!with_value.empty()) vflags.emplace_back(n.key, "printf '%s\\n'" + with_value);
  }
  std::string text =
    "# fish completion for kayak\n"
    "# Generated by `kayak completion fish` from kayak's command table: do not edit.\n"
    "# Enable: kayak completion fish | source, or install it as\n"
    "# share/fish/vendor_completions.d/kayak.fish.\n\n";
  text += switch_function("__kayak_node", "The node of a typed command path (aliases too).", node, "");
  text += switch_function("__kayak_is_group", "Whether a node takes a subcommand.", group, "return 1");
  text += switch_function("__kayak_args_only", "Whether a node's flags end at its first argument.", args_only,
                          "return 1");
  text += switch_function("__kayak_subs", "A node's subcommands and their summaries.", subs, "");
  text += switch_function("__kayak_flags", "A node's flags and their descriptions.", flags, "");
  text += switch_function("__kayak_vflags", "A node's flags that take a value.", vflags, "");
  text += kDriver;
  return text;
}

}  // namespace kayak::cli

#!/usr/bin/env bats
# Shell completion: `kayak completion bash|zsh|fish` loaded into real
# shells that complete real command lines against a real store (running,
# stopped containers, images, volumes), and the hidden `kayak __complete`
# that answers the names.

load helpers

setup() {
    basic_setup
    # The scripts run "kayak" as typed on the line: put the binary under test there.
    mkdir -p "$TEST_DIR/bin"
    ln -s "$(readlink -f "$KAYAK_BINARY")" "$TEST_DIR/bin/kayak"
    export PATH=$TEST_DIR/bin:$PATH
    # fish and zsh keep state under these; the test users' homes may not be writable.
    export XDG_CONFIG_HOME=$TEST_DIR/config XDG_DATA_HOME=$TEST_DIR/data XDG_CACHE_HOME=$TEST_DIR/cache
}

# complete_bash WORD...: what bash offers for `kayak WORD...`, the last word
# under the cursor. Words are given as bash splits them (at "=" and ":").
complete_bash() {
    run bash --norc --noprofile -c '
        source <(kayak completion bash) || exit 99
        COMP_WORDS=(kayak "$@")
        COMP_CWORD=$#
        COMP_LINE="kayak $*"
        COMP_POINT=${#COMP_LINE}
        _kayak 2>/dev/null
        printf "%s\n" "${COMPREPLY[@]}"' bash "$@"
    echo "# bash: kayak $* -> ${lines[*]}"
    assert "$status" -eq 0
}

# complete_zsh WORD...: the candidates zsh's _kayak passes to _describe or
# _files (stubbed to print them), as "value:description" lines.
complete_zsh() {
    run zsh -f -c '
        autoload -Uz compinit && compinit -u -D
        source <(kayak completion zsh) || exit 99
        # As _describe, offer the entries that start with the word typed.
        _describe() { local -a all=("${(@P)4}"); print -rl -- "${(@M)all:#${(b)_kayak_w[-1]}*}"; }
        _files() { print -r -- "(files $*)"; }
        words=(kayak "$@")
        CURRENT=${#words}
        _kayak' zsh "$@"
    echo "# zsh: kayak $* -> ${lines[*]}"
    assert "$status" -eq 0
}

# complete_fish LINE: fish's own `complete -C` for LINE, values only.
complete_fish() {
    run fish --no-config -c 'kayak completion fish | source; complete -C $argv[1] | cut -f1' "$1"
    echo "# fish: $1 -> ${lines[*]}"
    assert "$status" -eq 0
}

# A store with one running container (web), two stopped ones, an image and volumes.
make_store() {
    make_busybox_image
    run_kayak run -d --name web "$BUSYBOX_REF" sleep 1000
    run_kayak create --name fresh "$BUSYBOX_REF" true
    run_kayak run --name done "$BUSYBOX_REF" true
    run_kayak volume create data
    run_kayak volume create cache
}

sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }

@test "completion: the scripts in completions/ are what kayak prints (regenerate when the table changes)" {
    local dir=$KAYAK_TESTS_DIR/../../completions
    [[ -d $dir ]] || skip "the repository's completions/ is not part of this test copy"
    local shell file
    for shell in bash zsh fish; do
        case $shell in bash) file=kayak.bash ;; zsh) file=_kayak ;; fish) file=kayak.fish ;; esac
        kayak completion $shell | cmp -s - "$dir/$file" ||
            die "completions/$file is stale; regenerate: for s in bash:kayak.bash zsh:_kayak fish:kayak.fish; do build/kayak completion \${s%%:*} > completions/\${s#*:}; done"
    done
    run_kayak 125 completion tcsh
    assert_contains "tcsh" "$output"
}

@test "completion bash: commands, groups, aliases and flags" {
    complete_bash ""
    assert_contains "run" "${lines[*]}"
    assert_contains "images" "${lines[*]}"
    assert_contains "container" "${lines[*]}"
    assert_not_contains "__complete" "${lines[*]}"
    complete_bash ima
    assert "$(sorted "${lines[@]}")" == "image images "
    complete_bash image ""
    assert_contains "ls" "${lines[*]}"
    assert_contains "save" "${lines[*]}"
    assert_contains "prune" "${lines[*]}"
    complete_bash run --de
    assert "$(sorted "${lines[@]}")" == "--detach --detach-keys "
    complete_bash run --
    assert_contains "--network" "${lines[*]}"
    assert_contains "--env-file" "${lines[*]}"
    assert_not_contains "--net " "${lines[*]}"
}

@test "completion bash: exec offers running containers, start stopped ones, rmi images, volume rm volumes" {
    make_store
    complete_bash exec ""
    assert "${lines[*]}" == "web"
    complete_bash container exec -it ""
    assert "${lines[*]}" == "web"
    complete_bash start ""
    assert "$(sorted "${lines[@]}")" == "done fresh "
    complete_bash rm ""
    assert "$(sorted "${lines[@]}")" == "done fresh web "
    complete_bash rmi ""
    assert_contains "$BUSYBOX_REF" "${lines[*]}"
    complete_bash volume rm ""
    assert "$(sorted "${lines[@]}")" == "cache data "
    # IDs once something is typed.
    local id
    id=$(kayak inspect --format '{{.Id}}' web)
    complete_bash stop "${id:0:3}"
    assert "${lines[*]}" == "${id:0:12}"
    # After the container, exec's words are the command's: nothing offered.
    complete_bash exec web ""
    assert "${#lines[@]}" -eq 0
    # The running one stops: exec has nothing to offer, start has it too.
    run_kayak stop -t 0 web
    complete_bash exec ""
    assert "${#lines[@]}" -eq 0
    complete_bash start ""
    assert "$(sorted "${lines[@]}")" == "done fresh web "
}

@test "completion bash: --network modes, signals, --format fields, files" {
    make_store
    complete_bash run --network ""
    assert "$(sorted "${lines[@]}")" == "container: host none ns: pasta private slirp4netns "
    # bash splits at "=" and ":": the reply is the part after them.
    complete_bash run --network = ho
    assert "${lines[*]}" == "host"
    complete_bash run --network container : w
    assert "${lines[*]}" == "web"
    complete_bash kill -s ""
    assert_contains " KILL " " ${lines[*]} "
    assert_contains " TERM " " ${lines[*]} "
    complete_bash kill -s SIGK
    assert "${lines[*]}" == "SIGKILL"
    complete_bash run --stop-signal HU
    assert "${lines[*]}" == "HUP"
    complete_bash ps --format '{{.'
    assert_contains " {{.Names}} " " ${lines[*]} "
    complete_bash ps --format '{{.St'
    assert "$(sorted "${lines[@]}")" == "{{.State}} {{.Status}} "
    mkdir "$TEST_DIR/files" && touch "$TEST_DIR/files/busybox.tar" "$TEST_DIR/files/env.list"
    complete_bash save -o "$TEST_DIR/files/bu"
    assert "${lines[*]}" == "$TEST_DIR/files/busybox.tar"
    complete_bash run --env-file "$TEST_DIR/files/e"
    assert "${lines[*]}" == "$TEST_DIR/files/env.list"
    complete_bash load -i "$TEST_DIR/files/"
    assert "$(sorted "${lines[@]}")" == "$TEST_DIR/files/busybox.tar $TEST_DIR/files/env.list "
}

@test "completion: --format fields are the keys of the command's JSON rows" {
    make_store
    local cmd fields keys
    for cmd in "ps -a" "images" "volume ls"; do
        # shellcheck disable=SC2086
        run_kayak $cmd --format json
        keys=$(python3 -c '
import json, sys
text = sys.stdin.read().strip()
rows = json.loads(text) if text.startswith("[") else [json.loads(l) for l in text.splitlines()]
print(" ".join(sorted(rows[0].keys())))' <<<"$output")
        # shellcheck disable=SC2086
        run kayak __complete $cmd --format '{{.'
        assert "$status" -eq 0
        fields=$(printf '%s\n' "${lines[@]}" | sed -n 's/^{{\.\(.*\)}}$/\1/p' | sort | tr '\n' ' ')
        assert "$fields" == "$keys "
    done
}

@test "completion: __complete answers from the store, never fails and prints nothing on errors" {
    make_store
    run_kayak __complete exec ""
    assert "$output" == "web"
    # --root before the command picks the store, as for any command.
    run_kayak __complete -- --root "$TEST_DIR/elsewhere" exec ""
    assert "$output" == ""
    [[ ! -e $TEST_DIR/elsewhere ]] || die "__complete created a store"
    run_kayak __complete -- --root "$KAYAK_ROOT" volume rm d
    assert "$output" == "data"
    # A store that does not exist: no output, exit 0, nothing created.
    KAYAK_ROOT=$TEST_DIR/none run_kayak_split __complete start ""
    assert "$output" == ""
    assert "$stderr" == ""
    [[ ! -e $TEST_DIR/none ]] || die "__complete created $TEST_DIR/none"
    # A store that cannot be read: the same.
    echo junk > "$TEST_DIR/file"
    KAYAK_ROOT=$TEST_DIR/file run_kayak_split __complete -- rmi ""
    assert "$output" == ""
    assert "$stderr" == ""
    run_kayak_split __complete -- --no-such-flag nonsense ""
    assert "$output$stderr" == ""
    # Directives: 2 = files, 1 = no space after the value.
    run_kayak __complete save -o ""
    assert "$output" == ":2"
    run_kayak __complete run --network cont
    assert "$output" == $'container:\n:1'
}

@test "completion zsh: commands with descriptions, flags, running containers, files" {
    command -v zsh >/dev/null || skip "zsh is not installed"
    make_store
    complete_zsh ima
    assert "$(sorted "${lines[@]}")" == "image:Manage images images:List images "
    complete_zsh run --det
    assert_contains "--detach:Run container in background and print container ID" "${lines[*]}"
    complete_zsh exec ""
    assert "${lines[*]}" == "web"
    complete_zsh start ""
    assert "$(sorted "${lines[@]}")" == "done fresh "
    complete_zsh kill -s SIGT
    assert "$(sorted "${lines[@]}")" == "SIGTERM SIGTRAP SIGTSTP SIGTTIN SIGTTOU "
    complete_zsh run --network c
    assert "${lines[*]}" == 'container\:'
    complete_zsh save -o ""
    assert "${lines[*]}" == "(files )"
    complete_zsh ps --format '{{.Na'
    assert "${lines[*]}" == "{{.Names}}"
}

@test "completion fish: commands, flags, running containers, images, files" {
    command -v fish >/dev/null || skip "fish is not installed"
    make_store
    complete_fish "kayak ima"
    assert "$(sorted "${lines[@]}")" == "image images "
    complete_fish "kayak image "
    assert_contains " ls " " ${lines[*]} "
    complete_fish "kayak run --det"
    assert "$(sorted "${lines[@]}")" == "--detach --detach-keys "
    complete_fish "kayak exec "
    assert "${lines[*]}" == "web"
    complete_fish "kayak start "
    assert "$(sorted "${lines[@]}")" == "done fresh "
    complete_fish "kayak rmi kayak/"
    assert "${lines[*]}" == "$BUSYBOX_REF"
    complete_fish "kayak kill -s KI"
    assert "${lines[*]}" == "KILL"
    complete_fish "kayak volume rm "
    assert "$(sorted "${lines[@]}")" == "cache data "
    mkdir "$TEST_DIR/files" && touch "$TEST_DIR/files/busybox.tar"
    complete_fish "kayak save -o $TEST_DIR/files/b"
    assert "${lines[*]}" == "$TEST_DIR/files/busybox.tar"
    # Descriptions come along.
    run fish --no-config -c 'kayak completion fish | source; complete -C "kayak run --detach-"'
    assert "$output" == $'--detach-keys\tOverride the key sequence for detaching a container'
}

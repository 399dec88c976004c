#!/usr/bin/env bats
# Help, version and the command-line grammar shared by every command.

load helpers

# Every command and group of the image foundation, as a user types them.
ALL_COMMANDS=(
    "image" "image ls" "image list" "images" "image rm" "image remove" "rmi"
    "image tag" "tag" "image inspect" "inspect" "image save" "save"
    "image load" "load" "image import" "import" "image history" "history"
    "image prune" "image pull" "pull" "info" "system info" "system" "version"
)

@test "kayak --help lists the commands and global flags" {
    run_kayak --help
    assert "$output" =~ "Usage:" "usage line"
    for cmd in images image load save tag rmi inspect history import info version; do
        assert "$output" =~ "$NL  $cmd +[A-Z]" "--help lists $cmd"
    done
    for flag in --root --runroot --log-level; do
        assert_contains "$flag"
    done
}

@test "kayak with no command prints the usage" {
    run_kayak '?'
    assert "$output" =~ "Usage:"
    assert "$output" =~ "$NL  images "
}

@test "--help and -h work for every command and group" {
    local cmd
    for cmd in "${ALL_COMMANDS[@]}"; do
        # shellcheck disable=SC2086
        run_kayak $cmd --help
        assert "$output" =~ "Usage:" "$cmd --help shows the usage"
        # shellcheck disable=SC2086
        run_kayak $cmd -h
        assert "$output" =~ "Usage:" "$cmd -h shows the usage"
    done
}

@test "group help lists the subcommands" {
    run_kayak image --help
    for sub in ls rm tag inspect save load import history prune pull; do
        assert "$output" =~ "$NL  $sub " "image --help lists $sub"
    done
}

@test "command help shows the flags from the command table" {
    run_kayak images --help
    for flag in "-a, --all" "--digests" "-f, --filter" "--format" "--no-trunc" "-q, --quiet"; do
        assert_contains "$flag"
    done
    run_kayak save --help
    for flag in "-o, --output" "--format"; do assert_contains "$flag"; done
    run_kayak_split load --help
    for flag in "-i, --input" "-q, --quiet"; do assert_contains "$flag"; done
    run_kayak import --help
    for flag in "-c, --change" "-m, --message"; do assert_contains "$flag"; done
    run_kayak rmi --help
    for flag in "-a, --all" "-f, --force"; do assert_contains "$flag"; done
    run_kayak image inspect --help
    assert_contains "-f, --format"
    run_kayak history --help
    for flag in "-H, --human" "--no-trunc" "-q, --quiet" "--format"; do assert_contains "$flag"; done
    run_kayak image prune --help
    for flag in "-a, --all" "-f, --force"; do assert_contains "$flag"; done
}

@test "kayak help COMMAND is the same as COMMAND --help" {
    run_kayak images --help
    local want=$output
    run_kayak help images
    assert "$output" == "$want"
}

@test "kayak version shows the project version" {
    local want=
    if [[ -f $KAYAK_TESTS_DIR/../../meson.build ]]; then
        want=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$KAYAK_TESTS_DIR/../../meson.build")
    fi
    run_kayak version
    assert "$output" =~ "Version: +${want:-[0-9]+\.[0-9]+\.[0-9]+}" "version line"
    assert "$output" =~ "OS/Arch: +linux/(amd64|arm64|[a-z0-9]+)" "OS/Arch line"

    run_kayak version --format json
    check_with_python 'import json,sys; json.load(sys.stdin)'
    run_kayak version -f '{{.Client.Os}}/{{.Client.Arch}}'
    assert "$output" =~ "^linux/[a-z0-9]+$"
}

@test "unknown flag: Error line, a hint, exit 125" {
    run_kayak 125 images --x
    assert "${lines[0]}" == "Error: unknown flag: --x"
    assert "${#lines[@]}" -ge 2 "a hint follows the error"
    assert "$output" =~ "kayak images --help"

    run_kayak 125 --bogus-global images
    assert "${lines[0]}" == "Error: unknown flag: --bogus-global"

    run_kayak 125 images -z
    assert "${lines[0]}" =~ "^Error: unknown shorthand flag: 'z' in -z"
}

@test "unknown command: Error, a suggestion, exit 125" {
    run_kayak 125 nosuchcommand
    assert "${lines[0]}" =~ "^Error: .*nosuchcommand"

    run_kayak 125 imagse
    assert "$output" =~ "images" "suggests images"

    run_kayak 125 image nosuch
    assert "${lines[0]}" =~ "^Error: .*nosuch"
}

@test "wrong number of arguments: exit 125" {
    run_kayak 125 tag onlyone
    assert "${lines[0]}" =~ "^Error: .*requires at least 2 arguments"
    run_kayak 125 history
    assert "${lines[0]}" =~ "^Error: "
    run_kayak 125 load extra-arg
    assert "${lines[0]}" =~ "^Error: "
    run_kayak 125 images a b
    assert "${lines[0]}" =~ "^Error: "
}

@test "flag values: --flag=value, --flag value, -fvalue, repeated, combined shorts" {
    make_busybox_image
    run_kayak tag "$BUSYBOX_REF" one:1
    run_kayak tag "$BUSYBOX_REF" two:2

    run_kayak images --format '{{.Repository}}:{{.Tag}}' --filter reference=one
    assert "one:1"
    run_kayak images --format='{{.Repository}}:{{.Tag}}' --filter=reference=two
    assert "two:2"
    run_kayak images --format '{{.Repository}}:{{.Tag}}' -freference=two
    assert "two:2"
    # Repeated --filter reference=: images matching any of them.
    run_kayak images --format '{{.Repository}}:{{.Tag}}' \
        --filter reference=one --filter reference=two
    assert "$(sort <<<"$output")" == $'one:1\ntwo:2'

    # -aq is -a -q.
    run_kayak images -a -q
    local want=$output
    run_kayak images -aq
    assert "$output" == "$want"
    assert "${lines[0]}" =~ '^[0-9a-f]{12}$'
}

@test "-- ends the flags" {
    make_busybox_image
    run_kayak tag -- "$BUSYBOX_REF" after/dashes:v1
    run_kayak image inspect --format '{{.RepoTags}}' -- after/dashes:v1
    assert_contains "after/dashes:v1"
    # After --, a word that looks like a flag is an argument (and here a
    # reference that does not exist), not an unknown flag.
    run_kayak 125 image inspect -- --x
    assert "${lines[0]}" != "Error: unknown flag: --x"
}

@test "a flag that needs a value and gets none" {
    run_kayak 125 images --format
    assert "${lines[0]}" =~ "^Error: .*format"
}

@test "global flags: --root beats KAYAK_ROOT, --runroot, --log-level" {
    make_busybox_image
    mkdir other
    run_kayak --root "$TEST_DIR/other" --runroot "$TEST_DIR/other-run" images -q
    assert "" "a different --root is a different store"
    run_kayak --root="$TEST_DIR/other" import "$(busybox_rootfs)" in/other:v1
    run_kayak --root "$TEST_DIR/other" images --format '{{.Repository}}'
    assert "in/other"
    run_kayak images --format '{{.Repository}}' --filter reference=in/other
    assert "" "KAYAK_ROOT's store does not see it"

    # KAYAK_ROOT alone selects the store.
    KAYAK_ROOT=$TEST_DIR/other run_kayak images --format '{{.Repository}}'
    assert "in/other"

    # --runroot beats KAYAK_RUNROOT (the defaults: 100-info.bats).
    run_kayak info -f '{{.RunRoot}}'
    assert "$KAYAK_RUNROOT"
    KAYAK_RUNROOT=$TEST_DIR/env-run run_kayak info -f '{{.RunRoot}}'
    assert "$TEST_DIR/env-run"
    KAYAK_RUNROOT=$TEST_DIR/env-run run_kayak --runroot "$TEST_DIR/flag-run" info -f '{{.RunRoot}}'
    assert "$TEST_DIR/flag-run"

    # The next writer sweeps a stale directory left in the store; only
    # --log-level debug tells.
    mkdir "$KAYAK_ROOT/tmp/stale-one"
    run_kayak_split --log-level debug tag "$BUSYBOX_REF" swept:1
    assert "$stderr" =~ "removing stale directory .*stale-one" "debug message"
    [[ ! -e $KAYAK_ROOT/tmp/stale-one ]] || die "the stale directory was not swept"
    mkdir "$KAYAK_ROOT/tmp/stale-two"
    run_kayak_split --log-level=error tag "$BUSYBOX_REF" swept:2
    assert "$stderr" == "" "no debug output at --log-level=error"
    [[ ! -e $KAYAK_ROOT/tmp/stale-two ]] || die "the stale directory was not swept"
    run_kayak 125 --log-level bogus images
    assert "${lines[0]}" =~ "^Error: .*bogus"
}

#!/usr/bin/env bats
# Pull through registries.conf: mirrors tried in order (a failing mirror
# moves on to the next source), and prefix -> location rewriting. The
# image keeps the name the user asked for.

load helpers
load registry_helpers

BUSYBOX_REF=busybox:1.38.0-musl

setup() {
    basic_setup
    skip_if_no_registry
    skip_if_no_skopeo
}

# write_registries_conf TEXT: a registries.conf only this test reads.
write_registries_conf() {
    export CONTAINERS_REGISTRIES_CONF=$TEST_DIR/registries.conf
    printf '%s\n' "$1" >"$CONTAINERS_REGISTRIES_CONF"
    chmod a+r "$CONTAINERS_REGISTRIES_CONF"
}

@test "mirrors: a dead mirror is skipped, the next one serves, the image keeps its own name" {
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    local mirror=$REGISTRY dead origin
    dead=127.0.0.1:$(_free_port)
    # The registry itself is not running at all: only the mirror has it.
    origin=127.0.0.1:$(_free_port)
    write_registries_conf "[[registry]]
location = \"$origin\"

[[registry.mirror]]
location = \"$dead\"

[[registry.mirror]]
location = \"$mirror\""

    run_kayak_split pull "$origin/library/busybox:1.38.0-musl"
    assert "$output" == "$origin/library/busybox:1.38.0-musl" "stdout: the reference as asked"
    run_kayak images --format '{{.Repository}}:{{.Tag}}'
    assert "$output" == "$origin/library/busybox:1.38.0-musl" "named as asked, not after the mirror"
    run_kayak run --rm "$origin/library/busybox:1.38.0-musl" echo from-mirror
    assert "$output" == "from-mirror"
}

@test "mirrors: when every mirror fails the registry's own error is shown" {
    local origin dead
    origin=127.0.0.1:$(_free_port)
    dead=127.0.0.1:$(_free_port)
    write_registries_conf "[[registry]]
location = \"$origin\"

[[registry.mirror]]
location = \"$dead\""

    run_kayak 125 pull "$origin/library/busybox:1.38.0-musl"
    assert "$output" =~ "$origin" "the error names the registry, not the mirror"
    run_kayak images -q
    assert "$output" == "" "nothing stored"
}

@test "prefix -> location: a reference under a prefix is pulled from the location" {
    start_registry plain
    push_fixture busybox "$BUSYBOX_REF"
    write_registries_conf "[[registry]]
prefix = \"example.test/mirrored\"
location = \"$REGISTRY/library\""

    run_kayak_split pull example.test/mirrored/busybox:1.38.0-musl
    assert "$output" == "example.test/mirrored/busybox:1.38.0-musl"
    run_kayak image inspect --format '{{index .RepoTags 0}}' example.test/mirrored/busybox:1.38.0-musl
    assert "$output" == "example.test/mirrored/busybox:1.38.0-musl"
}

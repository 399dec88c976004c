#!/usr/bin/env bats
# Exit codes of the verbs given a container or image that does not exist,
# as podman 4.3's: 1 from the removal verbs (rm, rmi, volume rm), 2 when what
# they would remove is in use, 125 from every other verb. (Docker's CLI
# exits 1 for all of them.) The messages keep Docker's texts.

load helpers

@test "exit codes: a missing container is 125 for every verb but rm, which says 1" {
    local verb
    for verb in kill stop wait start pause unpause restart logs port inspect "container inspect"; do
        run_kayak_split 125 $verb nope
        assert "$stderr" =~ "^Error: No such (container|object): nope" "$verb"
    done
    run_kayak_split 125 exec nope true
    assert "$stderr" == "Error: No such container: nope"
    # inspect still prints its (empty) array, as podman and Docker.
    run_kayak_split 125 inspect nope
    assert "$output" == "[]"

    run_kayak_split 1 rm nope
    assert "$stderr" == "Error: No such container: nope"
    run_kayak_split 1 container rm nope other-nope
    assert "$stderr" == "Error: No such container: nope${NL}Error: No such container: other-nope"
    # -f and -i: gone is what was asked for.
    run_kayak rm -f nope
    assert ""
    run_kayak rm -i nope
    assert ""
    run_kayak stop -i nope
    assert ""
}

@test "exit codes: rm of a running container is 2; a missing one among them makes it 1" {
    make_busybox_image
    run_kayak run -d --name up "$BUSYBOX_REF" sleep 1000
    run_kayak create --name idle "$BUSYBOX_REF"
    run_kayak_split 2 rm up
    assert "$stderr" =~ "^Error: cannot remove container \"/up\": container is running"
    # Each is still reported on its own; the removable one goes.
    run_kayak_split 1 rm up nope idle
    assert "$output" == "idle"
    assert "${stderr_lines[0]}" =~ "container is running"
    assert "${stderr_lines[1]}" == "Error: No such container: nope"
    run_kayak rm -f up
    assert "up"
}

@test "exit codes: rmi of a missing image is 1, of one in use 2, other refusals 125" {
    run_kayak_split 1 rmi nope
    assert "$stderr" == "Error: No such image: nope"
    run_kayak rmi -f nope
    assert ""
    run_kayak_split 125 image inspect nope
    assert "$stderr" == "Error: No such image: nope"

    make_busybox_image
    run_kayak create --name user "$BUSYBOX_REF"
    run_kayak_split 2 rmi "$BUSYBOX_REF"
    assert "$stderr" =~ "^Error: conflict: unable to remove repository reference"
    # A missing one among them: 1 wins, as podman's.
    run_kayak_split 1 rmi nope "$BUSYBOX_REF"
    run_kayak rm user
    # An image with two names, by ID without -f: neither missing nor in use.
    run_kayak tag "$BUSYBOX_REF" second:1
    run_kayak_split 125 rmi "$(short_id "$(image_id "$BUSYBOX_REF")")"
    assert "$stderr" =~ "multiple repositories"
}

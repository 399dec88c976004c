#!/usr/bin/env bats
# kayak rm / container rm, rename, and rmi of images containers use.

load helpers

@test "rm removes the container, its name and its dirs; prints the names as typed" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF"
    local web=$output
    run_kayak create "$BUSYBOX_REF"
    local other=$output
    run_kayak rm web "${other:0:8}"
    assert "web${NL}${other:0:8}"
    run_kayak ps -a -q
    assert ""
    [[ ! -e $KAYAK_ROOT/containers/$web && ! -e $KAYAK_ROOT/containers/$other ]] || die "container dirs left"
    [[ -z $(ls -A "$KAYAK_ROOT/containers/names") ]] || die "names left: $(ls "$KAYAK_ROOT/containers/names")"
    # The name is free again.
    run_kayak create --name web "$BUSYBOX_REF"
}

@test "rm of several: one failure does not stop the others; exit 1 for a missing one (podman)" {
    make_busybox_image
    run_kayak create --name one "$BUSYBOX_REF"
    run_kayak create --name two "$BUSYBOX_REF"
    run_kayak_split 1 rm one nope two
    assert "one${NL}two"
    assert "$stderr" == "Error: No such container: nope"
    run_kayak ps -a -q
    assert ""
}

@test "rm --all removes every container; rejects names with --all" {
    make_busybox_image
    run_kayak create "$BUSYBOX_REF"
    run_kayak create "$BUSYBOX_REF"
    run_kayak 125 rm --all web
    assert_error "when using the --all switch, you may not pass any containers names or IDs"
    run_kayak rm -a
    assert_line_count 2
    assert "${lines[0]}" =~ ^[0-9a-f]{64}$
    run_kayak ps -a -q
    assert ""
    run_kayak 125 rm
    assert_error "requires at least 1 argument"
}

@test "rm -v of a container with anonymous volumes" {
    make_busybox_image
    run_kayak create -v /data "$BUSYBOX_REF"
    run_kayak rm -v "$output"
    run_kayak ps -a -q
    assert ""
}

@test "rm as another user's files: the writable layer may hold subordinate owners" {
    skip_if_no_subuid
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF"
    local id=$output upper=$KAYAK_ROOT/containers/$output/upper
    [[ -d $upper ]] || skip "the store's driver has no upper dir"
    # What a container writes as its user 1000 belongs to a subordinate ID.
    if [[ -n $IS_ROOTLESS ]]; then
        unshare --map-root-user --map-auto -- sh -c "mkdir -p '$upper/home/u' && echo x > '$upper/home/u/f' && chown -R 1000:1000 '$upper/home' && chmod 700 '$upper/home/u'"
    else
        mkdir -p "$upper/home/u" && echo x > "$upper/home/u/f" && chown -R 1000:1000 "$upper/home" && chmod 700 "$upper/home/u"
    fi
    run_kayak rm web
    [[ ! -e $KAYAK_ROOT/containers/$id ]] || die "the container dir is left"
}

@test "rename: the old name goes, the new one resolves, conflicts use Docker's text" {
    make_busybox_image
    run_kayak create --name old "$BUSYBOX_REF"
    local id=$output
    run_kayak create --name taken "$BUSYBOX_REF"
    local taken=$output
    run_kayak rename old new
    assert ""
    run_kayak inspect -f '{{.Name}}' "$id"
    assert "/new"
    run_kayak 125 inspect --type container old
    assert_error "No such container: old"
    run_kayak 125 container rename new taken
    assert_error "Conflict. The container name \"/taken\" is already in use by container \"$taken\""
    run_kayak 125 rename new new
    assert_error "Renaming a container with the same name as its current name"
    run_kayak 125 rename nope other
    assert_error "No such container: nope"
    run_kayak 125 rename new 'bad name'
    assert_error "Invalid container name"
}

@test "rmi refuses an image a container uses, with Docker's texts; -f untags and keeps it" {
    make_busybox_image
    run_kayak create --name web "$BUSYBOX_REF"
    local cid=$output image
    image=$(image_id "$BUSYBOX_REF")
    run_kayak 2 rmi "$BUSYBOX_REF"
    assert_error "conflict: unable to remove repository reference \"$BUSYBOX_REF\" \\(must force\\) - container ${cid:0:12} is using its referenced image $(short_id "$image")"
    run_kayak 2 rmi "$(short_id "$image")"
    assert_error "conflict: unable to delete $(short_id "$image") \\(must be forced\\) - image is being used by stopped container ${cid:0:12}"
    # Another tag of the image can go: the image keeps a name.
    run_kayak tag "$BUSYBOX_REF" extra:1
    run_kayak rmi extra:1
    assert "Untagged: extra:1"
    # Forced: the name goes, the image stays while the container uses it.
    run_kayak rmi -f "$BUSYBOX_REF"
    assert "Untagged: $BUSYBOX_REF"
    run_kayak images -a --format '{{.Repository}} {{.ID}}'
    assert "<none> $(short_id "$image")"
    run_kayak image prune -f
    run_kayak images -a -q
    assert "$(short_id "$image")" "prune keeps images containers use"
    run_kayak rm web
    run_kayak rmi "$(short_id "$image")"
    assert "${lines[0]}" == "Deleted: $image"
}

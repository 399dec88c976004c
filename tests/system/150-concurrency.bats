#!/usr/bin/env bats
# Several kayak commands at once on one store: file locks, no daemon.

load helpers

@test "two loads in parallel that share a base layer both succeed" {
    local dir
    dir=$(fixture debian-apps)
    # docker-archives of nginx and redis, written by kayak itself.
    run_kayak pull "oci:$dir:nginx-latest"
    run_kayak pull "oci:$dir:redis-latest"
    local nginx redis
    nginx=$(oci_image_id "$dir" nginx-latest)
    redis=$(oci_image_id "$dir" redis-latest)
    run_kayak tag "$nginx" nginx:par
    run_kayak tag "$redis" redis:par
    run_kayak save -o nginx.tar nginx:par
    run_kayak save -o redis.tar redis:par
    run_kayak rmi -a -f

    kayak load -i nginx.tar > nginx.out 2> nginx.err &
    local p1=$!
    kayak load -i redis.tar > redis.out 2> redis.err &
    local p2=$!
    local s1=0 s2=0
    wait $p1 || s1=$?
    wait $p2 || s2=$?
    echo "# nginx: $(cat nginx.out nginx.err)"
    echo "# redis: $(cat redis.out redis.err)"
    assert "$s1" -eq 0 "nginx load"
    assert "$s2" -eq 0 "redis load"
    assert "$(cat nginx.out)" == "Loaded image: nginx:par"
    assert "$(cat redis.out)" == "Loaded image: redis:par"

    assert "$(image_id nginx:par)" == "$nginx"
    assert "$(image_id redis:par)" == "$redis"
    local n
    n=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)
    assert "$n" -eq 3 "the shared base layer is stored once"

    # Both still save to the same bytes as before.
    run_kayak save -o nginx2.tar nginx:par
    cmp nginx.tar nginx2.tar || die "nginx saves differently after the parallel load"
}

@test "the same archive loaded four times at once" {
    make_busybox_image
    run_kayak save -o bb.tar "$BUSYBOX_REF"
    run_kayak rmi -a -f
    local pids=() i failed=0
    for i in 1 2 3 4; do
        kayak load -i bb.tar > "out.$i" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || failed=$((failed + 1))
    done
    for i in 1 2 3 4; do echo "# $i: $(cat "out.$i")"; done
    assert "$failed" -eq 0 "every load succeeded"
    run_kayak images --format '{{.Repository}}:{{.Tag}}'
    assert "kayak/busybox:latest"
    local n
    n=$(find "$KAYAK_ROOT/layers" -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l)
    assert "$n" -eq 1 "one layer"
}

@test "many tags and untags at once lose nothing" {
    make_busybox_image
    local pids=() i
    for i in $(seq 1 16); do
        kayak tag "$BUSYBOX_REF" "par:$i" &
        pids+=($!)
    done
    local failed=0
    for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
    assert "$failed" -eq 0
    run_kayak images --format '{{.Tag}}' par
    assert "$(sort -n <<<"$output")" == "$(seq 1 16)" "every tag is there"

    pids=()
    for i in $(seq 1 8); do
        kayak rmi "par:$i" >/dev/null &
        pids+=($!)
    done
    failed=0
    for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
    assert "$failed" -eq 0
    run_kayak images --format '{{.Tag}}' par
    assert "$(sort -n <<<"$output")" == "$(seq 9 16)"
}

@test "images and inspect work while a load runs" {
    local dir
    dir=$(fixture debian-apps)
    make_busybox_image
    run_kayak pull "oci:$dir:nginx-latest"
    run_kayak tag "$(oci_image_id "$dir" nginx-latest)" nginx:par
    run_kayak save -o nginx.tar nginx:par
    run_kayak rmi nginx:par
    kayak load -i nginx.tar > load.out 2>&1 &
    local p=$! i
    for i in 1 2 3 4 5; do
        run_kayak images -q
        run_kayak image inspect -f '{{.Config.Cmd}}' "$BUSYBOX_REF"
        assert "[sh]"
    done
    wait $p || die "load failed: $(cat load.out)"
}

@test "a killed load leaves the store consistent" {
    local dir
    dir=$(fixture debian-apps)
    run_kayak pull "oci:$dir:nginx-latest"
    run_kayak tag "$(oci_image_id "$dir" nginx-latest)" nginx:kill
    run_kayak save -o nginx.tar nginx:kill
    run_kayak rmi -a -f
    "$KAYAK_BINARY" load -i nginx.tar > /dev/null 2>&1 &
    local p=$!
    sleep 0.3
    kill -KILL $p 2>/dev/null || true
    wait $p 2>/dev/null || true
    # Whatever was half-written is swept; the store lists only whole images
    # and the next load succeeds.
    run_kayak images -a --format '{{.Repository}}:{{.Tag}}'
    assert "$output" =~ "^(nginx:kill)?$"
    run_kayak_split load -i nginx.tar
    assert "Loaded image: nginx:kill"
    # The next writer swept the killed load's staging directory and lock.
    assert "$(ls -A "$KAYAK_ROOT/tmp")" == "" "leftovers in the store's tmp"
    [[ ! -e $KAYAK_ROOT/incomplete.json ]] || die "an incomplete marker is left"
    run_kayak save -o again.tar nginx:kill
    cmp nginx.tar again.tar || die "the image differs after a killed load"
}

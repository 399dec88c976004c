#!/usr/bin/env bats
# contrib/: the example units and Quadlet files are valid for systemd, the
# registries.conf sample is read by kayak, the CI recipes are valid YAML.

load helpers

GENERATOR=${KAYAK_QUADLET_GENERATOR:-$(dirname "$KAYAK_BINARY")/kayak-quadlet-generator}
[[ -x $GENERATOR ]] || GENERATOR=$(dirname "$KAYAK_BINARY")/src/quadlet/kayak-quadlet-generator

skip_if_no_analyze() {
    command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
}

@test "contrib: the Quadlet examples generate units that systemd-analyze accepts" {
    QUADLET_UNIT_DIRS=$KAYAK_CONTRIB/systemd KAYAK_QUADLET_BINARY=$KAYAK_BINARY \
        run --separate-stderr "$GENERATOR" "$TEST_DIR/out"
    echo "$stderr"
    assert "$status" -eq 0 "generator exit status"
    assert "$stderr" == "" "no errors or warnings"
    [[ -f $TEST_DIR/out/web.service && -f $TEST_DIR/out/data-volume.service ]] ||
        die "units missing: $(ls "$TEST_DIR/out")"
    assert "$(cat "$TEST_DIR/out/web.service")" =~ "--publish=8080:80 --volume=systemd-data:/usr/share/nginx/html:ro"
    skip_if_no_analyze
    cd "$TEST_DIR/out"
    run systemd-analyze verify --man=no web.service data-volume.service
    echo "$output"
    assert "$status" -eq 0 "systemd-analyze verify"
}

@test "contrib: the example web unit is a valid notify unit" {
    skip_if_no_analyze
    mkdir -p "$TEST_DIR/units"
    # The example names the installed kayak; verify wants it to exist.
    sed "s|/usr/local/bin/kayak|$KAYAK_BINARY|g" "$KAYAK_CONTRIB/systemd/kayak-web.service" \
        > "$TEST_DIR/units/kayak-web.service"
    grep -q '^Type=notify$' "$TEST_DIR/units/kayak-web.service" || die "not Type=notify"
    grep -q -- '--sdnotify=conmon' "$TEST_DIR/units/kayak-web.service" || die "no --sdnotify=conmon"
    cd "$TEST_DIR/units"
    run systemd-analyze verify --man=no kayak-web.service
    echo "$output"
    assert "$status" -eq 0 "systemd-analyze verify"
}

@test "contrib: kayak reads the registries.conf sample (its blocked registry is refused)" {
    CONTAINERS_REGISTRIES_CONF=$KAYAK_CONTRIB/registries.conf run_kayak 125 pull untrusted.example.org/app:1
    assert_error "registry untrusted.example.org is blocked in .*registries.conf"
}

@test "contrib: the CI recipes are valid YAML and run a container as a user without subuid" {
    python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed"
    local recipe
    for recipe in "$KAYAK_CONTRIB"/ci/*.yml; do
        run python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$recipe"
        assert "$status" -eq 0 "$recipe parses: $output"
        grep -q "install-deps.sh" "$recipe" || die "$recipe does not install with the README's commands"
        grep -q "/etc/subuid" "$recipe" || die "$recipe does not run without a subuid range"
        grep -q "kayak run --rm" "$recipe" || die "$recipe runs no container"
    done
}

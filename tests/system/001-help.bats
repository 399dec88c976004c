#!/usr/bin/env bats
# Help, version and command-line grammar.

load helpers

@test "kayak --help lists the image commands" {
    run_kayak --help
    assert "$output" =~ "Usage:" "usage line"
    for cmd in images image load save tag rmi inspect history import info version; do
        assert "$output" =~ "(^|$NL)  $cmd " "--help lists $cmd"
    done
}

@test "kayak version shows the project version" {
    local want
    want=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$KAYAK_TESTS_DIR/../../meson.build" 2>/dev/null || true)
    run_kayak version
    assert "$output" =~ "Version: +${want:-[0-9]+\.[0-9]+\.[0-9]+}" "version line"
}

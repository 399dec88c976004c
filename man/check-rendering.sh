#!/bin/sh
# Renders converted man pages with man(1) and fails on what a broken
# conversion leaves: raw markdown (**, ```, "# " headings, "% " title lines),
# escaped HTML entities, or a page without its NAME/SYNOPSIS sections.
#   check-rendering.sh PAGE.1...
# Exit 77 (meson's "skipped") when man(1) is not installed.
command -v man >/dev/null 2>&1 || { echo "man(1) not installed: skipped"; exit 77; }
status=0
for page in "$@"; do
    text=$(MANWIDTH=100 LC_ALL=C.UTF-8 man -l "$page" 2>&1) || {
        echo "$page: man -l failed: $text"; status=1; continue; }
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES "EXIT STATUS" "SEE ALSO"; do
        printf '%s\n' "$text" | grep -qx "$section" ||
            { echo "$page: no $section section in the rendered page"; status=1; }
    done
    bad=$(printf '%s\n' "$text" | grep -nE '\*\*|```|^ *#+ [A-Z]|^% |&lt;|&gt;|&amp;')
    if [ -n "$bad" ]; then
        echo "$page: raw markup in the rendered page:"; printf '%s\n' "$bad"; status=1
    fi
done
exit $status

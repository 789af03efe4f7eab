#!/usr/bin/env sh
# Renders an egressproof HTML report to a PNG with headless Chromium, to look at it.
#
#   scripts/screenshot-report.sh report.html [out.png]     an existing HTML report
#   scripts/screenshot-report.sh infra/ [out.png]          scans infra/ first (--format html)
#
# Chromium: $CHROMIUM, else `chromium` (apt-get install -y chromium). Window size:
# $WIDTH x $HEIGHT (default 1280 x 2400).
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 REPORT.html|PATH-TO-SCAN [OUT.png]" >&2
    exit 2
fi
input=$1
out=${2:-report.png}
chromium=${CHROMIUM:-chromium}
width=${WIDTH:-1280}
height=${HEIGHT:-2400}

if ! command -v "$chromium" >/dev/null 2>&1; then
    echo "$0: Chromium not found ($chromium); install it (apt-get install -y chromium) or set CHROMIUM" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $input in
    *.html | *.htm)
        page=$input
        ;;
    *)
        page=$work/report.html
        # The scan exits 1 (leaks) or 3 (unproven) when it finds something: still a report.
        cargo run --quiet --package egressproof -- scan "$input" --format html -o "$page" || true
        if [ ! -s "$page" ]; then
            echo "$0: the scan wrote no report" >&2
            exit 1
        fi
        ;;
esac

abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
case $out in
    /*) shot=$out ;;
    *) shot=$(pwd)/$out ;;
esac

"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars \
    --window-size="$width,$height" --screenshot="$shot" "file://$abs" >/dev/null 2>&1
echo "$shot"

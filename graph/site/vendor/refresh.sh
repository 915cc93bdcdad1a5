#!/usr/bin/env bash
# Refresh the vendored map libraries from the npm registry with `npm pack` (no CDN, no build step).
#   bash graph/site/vendor/refresh.sh
# Each package is unpacked into a temporary folder; only the files the site uses are copied here,
# with the package's licence beside them. Versions are pinned below; change them, run this, run the
# tests (tests/test_site.py draws the map from these files), commit.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LEAFLET=1.9.4            # BSD-2-Clause
MARKERCLUSTER=1.5.3      # MIT
WORLD_ATLAS=2.0.2        # ISC (data: Natural Earth, public domain)
TOPOJSON_CLIENT=3.1.0    # ISC
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
cd "$TMP"
npm pack --silent "leaflet@$LEAFLET" "leaflet.markercluster@$MARKERCLUSTER" "world-atlas@$WORLD_ATLAS" \
  "topojson-client@$TOPOJSON_CLIENT" >/dev/null
unpack() { mkdir -p "$1" && tar -xzf "$2" -C "$1" --strip-components=1; }
unpack leaflet "leaflet-$LEAFLET.tgz"
unpack mc "leaflet.markercluster-$MARKERCLUSTER.tgz"
unpack wa "world-atlas-$WORLD_ATLAS.tgz"
unpack tc "topojson-client-$TOPOJSON_CLIENT.tgz"

rm -rf "$HERE/leaflet" "$HERE/markercluster" "$HERE/world-atlas" "$HERE/topojson-client"
mkdir -p "$HERE/leaflet/images" "$HERE/markercluster" "$HERE/world-atlas" "$HERE/topojson-client"
# no source-map references: the site must never ask for a file it does not ship
strip_map() { sed -e '/^\/\/# sourceMappingURL=/d' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$1" > "$2"; }
strip_map leaflet/dist/leaflet.js "$HERE/leaflet/leaflet.js"
cp leaflet/dist/leaflet.css "$HERE/leaflet/leaflet.css"
cp leaflet/dist/images/*.png "$HERE/leaflet/images/"
cp leaflet/LICENSE "$HERE/leaflet/LICENSE"
strip_map mc/dist/leaflet.markercluster.js "$HERE/markercluster/leaflet.markercluster.js"
cp mc/dist/MarkerCluster.css mc/dist/MarkerCluster.Default.css "$HERE/markercluster/"
cp mc/MIT-LICENCE.txt "$HERE/markercluster/LICENSE" 2>/dev/null || cp mc/LICENSE* "$HERE/markercluster/LICENSE"
strip_map tc/dist/topojson-client.min.js "$HERE/topojson-client/topojson-client.min.js"
cp tc/LICENSE "$HERE/topojson-client/LICENSE"
# the country outlines as a script (a page opened from file:// cannot fetch JSON)
{ printf 'window.CKG_WORLD = '; cat wa/countries-110m.json; printf ';\n'; } > "$HERE/world-atlas/countries-110m.js"
cp wa/LICENSE "$HERE/world-atlas/LICENSE"
cat > "$HERE/VERSIONS" <<V
leaflet $LEAFLET BSD-2-Clause
leaflet.markercluster $MARKERCLUSTER MIT
world-atlas $WORLD_ATLAS ISC (Natural Earth data, public domain)
topojson-client $TOPOJSON_CLIENT ISC
V
echo "refreshed: $(tr '\n' ';' < "$HERE/VERSIONS")"

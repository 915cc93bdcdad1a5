#!/usr/bin/env bash
# Refresh the vendored editor from the npm registry (no CDN at run time: the files ship in the package).
#   bash graph/serve/static/vendor/refresh.sh [VERSION]      (default: the pinned version below)
# Takes CodeMirror 5's single-file build, its stylesheet, the SPARQL mode and the licence, and
# records the version and checksums in VERSIONS.
set -euo pipefail
VERSION="${1:-5.65.21}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "codemirror@${VERSION}" >/dev/null && tar -xzf codemirror-*.tgz)
out="$here/codemirror"
mkdir -p "$out"
cp "$work/package/lib/codemirror.js" "$work/package/lib/codemirror.css" "$out/"
cp "$work/package/mode/sparql/sparql.js" "$out/sparql.js"
cp "$work/package/LICENSE" "$out/LICENSE"
{
  echo "codemirror ${VERSION} (npm: codemirror@${VERSION}; MIT, see codemirror/LICENSE)"
  (cd "$out" && sha256sum codemirror.js codemirror.css sparql.js LICENSE)
} > "$here/VERSIONS"
echo "refreshed $out from codemirror@${VERSION}"

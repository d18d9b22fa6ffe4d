#!/bin/sh
# build.sh: regenerates core-js.js, jsfpm's subset of core-js, from the npm
# registry with core-js-builder at the version pinned below and the modules
# listed in modules.txt.  A maintainer's tool (needs Node.js and npm); the
# build of jsfpm only reads the committed core-js.js.
set -eu
VERSION=3.50.0
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "core-js-builder@$VERSION" >/dev/null
modules=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/modules.txt" | tr '\n' ' ')
# shellcheck disable=SC2086
node -e '
  require("core-js-builder")({ modules: process.argv.slice(1), format: "bundle", minify: false })
    .then(function (code) { process.stdout.write(code); });
' $modules >"$here/core-js.js"
echo "core-js.js: core-js $VERSION, $(echo $modules | wc -w) modules, $(wc -c <"$here/core-js.js") bytes"

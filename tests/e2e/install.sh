#!/usr/bin/env bash
# An installed ipasim works on its own: installed into a prefix, that prefix
# moved elsewhere, and the source and build trees hidden (a mount namespace,
# where this machine allows one), it still runs the headline command and a
# C policy, finding the shipped files and runtime headers beside itself,
# and copies a lab.
# usage: install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
mv "$tmp/prefix" "$tmp/moved"
cat >"$tmp/check.sh" <<EOT
set -eu
cd "$tmp"
export PATH="$tmp/moved/bin:/usr/bin:/bin" IPASIM_CACHE_DIR="$tmp/cache"
unset IPASIM_DATA_DIR IPASIM_INCLUDE_DIR
[ "\$(command -v ipasim)" = "$tmp/moved/bin/ipasim" ]
ipasim --topo 64core.xml --policy cfs.ipa --trace db.json > headline.txt
grep -q '^work conservation (cfs.ipa on cores 0-63):' headline.txt
ipasim --topo 4core.xml --policy fifo.c --trace db.json --until 200ms > c.txt
grep -q '^work conservation (fifo.c on cores 0-3):' c.txt
ipasim --topo 4core.xml --policy cfs.ipa --mode compiled --trace db.json --until 200ms > compiled.txt
grep -q '^work conservation (cfs.ipa on cores 0-3):' compiled.txt
ipasim lab init wasted-cores lab > /dev/null
[ -f lab/group-imbalance/policy.ipa ] && [ ! -e lab/solutions ]
for l in \$(grep -o '](/[^)#]*' lab/README.md | cut -c3-); do
    case "\$l" in "$tmp/moved/"*) [ -e "\$l" ] ;; *) exit 1 ;; esac
done
grep -q '](/.*docs/monitor.md)' lab/README.md
(cd lab && ipasim test group-imbalance.json > ../lab.txt) || true
grep -q '^FAIL wasted-cores-group-imbalance: group-imbalance/policy.ipa' lab.txt
EOT
if unshare -m true 2>/dev/null; then
    unshare -m sh -c "mount -t tmpfs none '$build' && mount -t tmpfs none '$src' && \
        [ ! -e '$src/policies' ] && sh '$tmp/check.sh'"
    echo "installed copy ran with $src and $build hidden"
else
    echo "note: no mount namespace here: the source tree stays visible"
    sh "$tmp/check.sh"
    echo "installed copy ran from a moved prefix"
fi

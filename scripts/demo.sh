#!/bin/sh
# Install what is missing, build, and show what pynqfs works with: the
# example designs, packed into xclbins and inspected.
set -eu
cd "$(dirname "$0")/.."

./scripts/deps.sh
./scripts/build.sh build

for d in build/examples/*.xclbin; do
	echo
	echo "\$ pynqfs-xclbin inspect $d"
	build/pynqfs-xclbin inspect "$d"
done

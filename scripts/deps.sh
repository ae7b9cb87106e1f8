#!/bin/sh
# Installs the Debian packages reprise needs to build and test, if any are missing.
set -eu
packages="build-essential pkg-config libzstd-dev libseccomp-dev libxxhash-dev libcmocka-dev clang
libclang-rt-14-dev strace sqlite3 python3 tar tmux man-db libsimgrid-dev iperf3 curl"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "reprise: installing missing packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing

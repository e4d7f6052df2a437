#!/bin/sh
# install-deps.sh: install the Debian 12 packages mmdsguard builds and
# tests with, if any is missing. Safe to run again.
set -eu

pkgs="build-essential cmake pkg-config libcurl4-openssl-dev libssl-dev
libjansson-dev libcmocka-dev libmicrohttpd-dev python3 ca-certificates"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "installing:$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "install-deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null

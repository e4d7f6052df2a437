#!/bin/sh
# test.sh: build mmdsguard twice (plain, and with ASan + UBSan) and run
# the whole test suite against each build.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
./scripts/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
for variant in build build-asan; do
	flags="-DCMAKE_BUILD_TYPE=RelWithDebInfo"
	[ "$variant" = build-asan ] && flags="-DCMAKE_BUILD_TYPE=Debug -DMG_SANITIZE=ON"
	echo "== $variant" >&2
	# shellcheck disable=SC2086
	cmake -S . -B "$variant" $flags >/dev/null
	cmake --build "$variant" -j "$jobs"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --test-dir "$variant" --output-on-failure -j "$jobs"
done

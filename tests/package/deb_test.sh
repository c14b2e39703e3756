#!/bin/sh
# deb_test.sh - build the Debian packages from a copy of the source tree
# (dpkg-buildpackage -b -us -uc, as on Debian 12), unpack the three .debs
# with dpkg-deb -x into a scratch root, and check that tree as installed
# (check_install.sh): headers, libraries, pkg-config, CMake package, tool.
# usage: deb_test.sh SRC WORK [JOBS]
set -eu
src=$1 work=$2 jobs=${3:-2}
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
rm -rf "$work"
mkdir -p "$work/kheap-$version" "$work/root"

# the tracked files only: no build directories, nothing left over
if git -C "$src" rev-parse --git-dir > /dev/null 2>&1; then
	git -C "$src" ls-files -z | (cd "$src" && xargs -0 tar cf -) |
		tar xf - -C "$work/kheap-$version"
else
	tar cf - -C "$src" --exclude='./build*' --exclude=./.git . |
		tar xf - -C "$work/kheap-$version"
fi
(cd "$work/kheap-$version" &&
	DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=$jobs" \
	dpkg-buildpackage -b -us -uc > "$work/build.log" 2>&1) ||
	{ tail -40 "$work/build.log"; echo "deb_test: dpkg-buildpackage failed" >&2; exit 1; }

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for p in libkheap0 libkheap-dev kheap-tools; do
	deb=$work/${p}_${version}_$arch.deb
	[ -f "$deb" ] || { echo "deb_test: no $p package" >&2; exit 1; }
	[ "$(dpkg-deb -f "$deb" Package)" = "$p" ] ||
		{ echo "deb_test: $deb is not $p" >&2; exit 1; }
	dpkg-deb -x "$deb" "$work/root"
done
# each file in the package its kind says: the library alone in libkheap0
dpkg-deb -c "$work/libkheap0_${version}_$arch.deb" | grep -q 'include/' &&
	{ echo "deb_test: headers in libkheap0" >&2; exit 1; }
dpkg-deb -c "$work/kheap-tools_${version}_$arch.deb" | grep -q 'usr/bin/kheap$' ||
	{ echo "deb_test: no usr/bin/kheap in kheap-tools" >&2; exit 1; }
exec sh "$src/tests/package/check_install.sh" "$src" "$work/root/usr" \
	"lib/$multiarch" "$work/check"

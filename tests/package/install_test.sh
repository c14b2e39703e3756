#!/bin/sh
# install_test.sh - `make install` (cmake --install) of a build into a
# scratch prefix, then check_install.sh on it.
# usage: install_test.sh SRC BUILD
set -eu
src=$1 build=$2
work=$build/package-install
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" > "$work.log"
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
exec sh "$src/tests/package/check_install.sh" "$src" "$work/prefix" \
	"${libdir:-lib}" "$work/check"

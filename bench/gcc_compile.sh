#!/bin/sh
# SPDX-License-Identifier: MIT
# gcc-compile - a real program: gcc -O2 compiling one of kheap's own larger
# files (mm/slub.c, about 2500 lines), three times.  The allocator under
# test serves the gcc driver and cc1 (LD_PRELOAD reaches the children).
#
#   gcc_compile.sh SRCDIR [ROUNDS]
#
# Prints "RESULT gcc-compile <s> s": the wall time of the compiles.
src=${1:?usage: gcc_compile.sh SRCDIR [ROUNDS]}
rounds=${2:-3}
cc=${CC:-gcc}
t0=$(date +%s.%N)
i=0
while [ "$i" -lt "$rounds" ]; do
	"$cc" -O2 -std=gnu11 -I"$src/include" -I"$src/mm" -I"$src" \
		-c "$src/mm/slub.c" -o /dev/null || exit 1
	i=$((i + 1))
done
t1=$(date +%s.%N)
echo "RESULT gcc-compile $(echo "$t1 - $t0" | awk '{ print $1 - $3 }') s"

#!/bin/sh
# Every public header of kheap compiles on its own as C (gnu11) and C++17
# with -Wall -Wextra -Werror; the mm headers coexist with the system's UAPI
# <linux/types.h> and with a kernel project's own types.h/kernel.h/list.h.
# usage: check_headers.sh SOURCE_DIR BUILD_DIR
set -e
src=$1; bin=$2
cd "$bin"
fail=0
for h in "$src"/include/linux/*.h "$src"/include/kheap/*.h; do
	rel=${h#"$src"/include/}
	printf '#include <%s>\n#include <%s>\nint kheap_header_check;\n' "$rel" "$rel" > hdr.c
	cp hdr.c hdr.cc
	if ! cc -std=gnu11 -Wall -Wextra -Werror -I"$src/include" -c hdr.c -o /dev/null; then
		echo "FAIL: <$rel> as C"; fail=1
	fi
	if ! c++ -std=c++17 -Wall -Wextra -Werror -I"$src/include" -c hdr.cc -o /dev/null; then
		echo "FAIL: <$rel> as C++17"; fail=1
	fi
done
# the system's UAPI <linux/types.h> first (same guard, no list_head)
printf '#include <linux/types.h>\n#include <linux/slab.h>\n#include <linux/mm.h>\nint main(void){struct page *p = alloc_page(GFP_KERNEL); __free_page(p); return 0;}\n' > uapi.c
if ! cc -std=gnu11 -Wall -Wextra -Werror -isystem /usr/include -I"$src/include" uapi.c -o uapi -L"$bin" -lkheap; then
	echo "FAIL: with the system's UAPI <linux/types.h> first"; fail=1
fi
# a kernel project with its own base headers
if ! cc -std=gnu11 -Wall -Wextra -Werror -I"$src/tests/headers/fakekernel" -I"$src/include" \
	"$src/tests/headers/module.c" -o module -L"$bin" -lkheap; then
	echo "FAIL: beside a project's own types.h/kernel.h/list.h"; fail=1
elif ! LD_LIBRARY_PATH="$bin" ./module; then
	echo "FAIL: the module did not run"; fail=1
fi
# a C++17 program using the API
if ! c++ -std=c++17 -Wall -Wextra -Werror -I"$src/include" "$src/tests/headers/cxx_user.cc" \
	-o cxx_user -L"$bin" -lkheap; then
	echo "FAIL: a C++17 program using the API does not build"; fail=1
elif ! LD_LIBRARY_PATH="$bin" ./cxx_user; then
	echo "FAIL: the C++17 program failed"; fail=1
fi
[ $fail = 0 ] && echo "headers: all checks passed"
exit $fail

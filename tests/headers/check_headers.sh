#!/bin/sh
# Every public header of kheap compiles on its own as C (gnu11) and C++17
# with -Wall -Wextra -Werror; the mm headers coexist with the system's UAPI
# <linux/types.h> and with a kernel project's own types.h/kernel.h/list.h/
# compiler.h in every include order.
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
# A kernel-style project's own headers in every include order against every
# kheap header: each kheap header before, between and after the project's
# types.h, compiler.h/kernel.h and list.h, in a project like the kernel tree
# (fakekernel) and one like tools/include (faketools); the kernel-shaped
# mm/slab.h as kernel code reaches it ("../mm/slab.h" from include/).
mkdir -p order/lib
nord=0
for proj in fakekernel faketools; do
	if [ $proj = fakekernel ]; then
		projhdrs="linux/types.h linux/compiler.h linux/kernel.h linux/list.h"
	else
		projhdrs="linux/types.h linux/list.h"
	fi
	for h in "$src"/include/linux/*.h "$src"/include/kheap/*.h MMSLAB; do
		case $h in
		MMSLAB) inc='"../mm/slab.h"' ;;
		*) inc="<${h#"$src"/include/}>" ;;
		esac
		n=$(echo $projhdrs | wc -w)
		pos=0
		while [ $pos -le $n ]; do
			i=0; : > order/lib/order.c
			for p in $projhdrs; do
				[ $i = $pos ] && echo "#include $inc" >> order/lib/order.c
				echo "#include <$p>" >> order/lib/order.c
				i=$((i + 1))
			done
			[ $pos = $n ] && echo "#include $inc" >> order/lib/order.c
			echo 'int kheap_order_check;' >> order/lib/order.c
			if ! cc -std=gnu11 -Wall -Wextra -Werror -fsyntax-only \
				-I"$src/tests/headers/$proj" -I"$src/include" order/lib/order.c; then
				echo "FAIL: $proj, include order:"; cat order/lib/order.c; fail=1
			fi
			nord=$((nord + 1)); pos=$((pos + 1))
		done
	done
done
echo "headers: $nord include orders compiled"
# a C++17 program using the API
if ! c++ -std=c++17 -Wall -Wextra -Werror -I"$src/include" "$src/tests/headers/cxx_user.cc" \
	-o cxx_user -L"$bin" -lkheap; then
	echo "FAIL: a C++17 program using the API does not build"; fail=1
elif ! LD_LIBRARY_PATH="$bin" ./cxx_user; then
	echo "FAIL: the C++17 program failed"; fail=1
fi
[ $fail = 0 ] && echo "headers: all checks passed"
exit $fail

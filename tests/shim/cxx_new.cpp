// SPDX-License-Identifier: MIT
// cxx_new.cpp - C++ on the shim: operator new/delete (libstdc++ calls
// malloc), aligned new (aligned_alloc), containers, exceptions, threads.
#include <malloc.h>
#include "expect.h"
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

static int failures;
#define EXPECT(c) do { if (!(c)) { std::fprintf(stderr, "FAIL %d: %s\n", __LINE__, #c); failures++; } } while (0)

struct alignas(64) Line { char b[64]; };
struct alignas(4096) Page { char b[4096]; };
struct alignas(65536) Big { char b[100]; };

int main()
{
	int *i = new int(42);
	EXPECT(*i == 42 && malloc_usable_size(i) == shim_usable(sizeof(int)));	// the shim
	delete i;

	Line *l = new Line[7];
	EXPECT(reinterpret_cast<std::uintptr_t>(l) % 64 == 0);
	delete[] l;
	auto p = std::make_unique<Page>();
	EXPECT(reinterpret_cast<std::uintptr_t>(p.get()) % 4096 == 0);
	Big *b = new Big;
	EXPECT(reinterpret_cast<std::uintptr_t>(b) % 65536 == 0);
	delete b;

	std::map<std::string, std::vector<int>> m;
	for (int k = 0; k < 20000; k++)
		m[std::to_string(k * 7919 % 20011)].push_back(k);
	std::unordered_map<int, std::string> u;
	for (int k = 0; k < 20000; k++)
		u[k] = std::string(k % 100, 'x');
	EXPECT(m.size() == 20000 && u[99].size() == 99);

	try {
		throw std::string("exception objects are malloc'ed too");
	} catch (const std::string &s) {
		EXPECT(s.size() > 10);
	}

	std::vector<std::thread> ts;
	for (int t = 0; t < 4; t++)
		ts.emplace_back([] {
			std::vector<std::unique_ptr<std::string>> v;
			for (int k = 0; k < 50000; k++)
				v.push_back(std::make_unique<std::string>(k % 300, 'y'));
		});
	for (auto &t : ts)
		t.join();
	std::printf("cxx_new: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}

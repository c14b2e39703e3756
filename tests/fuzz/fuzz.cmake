# tests/fuzz/fuzz.cmake - the libFuzzer targets (KHEAP_SANITIZE=fuzz, clang):
#   fuzz_kapi     an operation sequence over the kernel API, shadow model
#   fuzz_malloc   the malloc API through the shim's entry points
#   fuzz_options  the kernel-style command line parser
#   fuzz_trace    the trace readers of `kheap trace` (binary and ftrace text)
# Each is ASan + UBSan, linked with the debug library.  CTest runs each for
# a short fixed time over its seed corpus (tests/fuzz/corpus/NAME), and
# once over its regression inputs (tests/fuzz/regressions/NAME: every
# input that ever crashed a target); `make fuzz` runs them for longer.
set(KHEAP_FUZZ_SECONDS 10 CACHE STRING "seconds each fuzz target runs in CTest")
set(FUZZ_DIR ${PROJECT_SOURCE_DIR}/tests/fuzz)

function(kheap_fuzz name)
  add_executable(${name} ${FUZZ_DIR}/${name}.c ${ARGN})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}
                             ${PROJECT_SOURCE_DIR}/mm ${PROJECT_SOURCE_DIR}/include)
  # the library's own definitions (CONFIG_SLUB_STATS changes struct
  # kmem_cache_cpu, which the shim's inline fast paths index)
  target_compile_definitions(${name} PRIVATE
    $<TARGET_PROPERTY:kheap_debug,COMPILE_DEFINITIONS>)
  target_link_libraries(${name} PRIVATE kheap_debug)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  # a short run from the seeds (CTest: KHEAP_FUZZ_SECONDS each)
  add_test(NAME ${name}
           COMMAND sh ${FUZZ_DIR}/run.sh $<TARGET_FILE:${name}>
                   ${KHEAP_FUZZ_SECONDS} ${FUZZ_DIR}/corpus/${name})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 300)
  # every committed input once: the seeds and the regressions
  add_test(NAME ${name}_inputs
           COMMAND sh ${FUZZ_DIR}/run.sh $<TARGET_FILE:${name}> 0
                   ${FUZZ_DIR}/corpus/${name} ${FUZZ_DIR}/regressions/${name})
  set_tests_properties(${name}_inputs PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()

kheap_fuzz(fuzz_kapi)
# the shim's sources once more, its entry points renamed (SHIM_ENTRY)
kheap_fuzz(fuzz_malloc ${PROJECT_SOURCE_DIR}/shim/malloc.c
           ${PROJECT_SOURCE_DIR}/shim/publish.c)
target_compile_definitions(fuzz_malloc PRIVATE KHEAP_SHIM_FUZZ=1)
kheap_fuzz(fuzz_options)
# the readers and the ftrace printer of tools/trace/, not replay
kheap_fuzz(fuzz_trace ${PROJECT_SOURCE_DIR}/tools/trace/read.c
           ${PROJECT_SOURCE_DIR}/tools/trace/parse.c
           ${PROJECT_SOURCE_DIR}/tools/trace/text.c)
target_link_libraries(fuzz_trace PRIVATE m)

#!/usr/bin/env bash
# Runs every libFuzzer target for a short smoke period (scripts/fuzz --smoke,
# about 60 s in all). Skipped (77) when clang or its libFuzzer runtime is not
# installed or the fuzz build (CLAIMKIT_FUZZ_BUILD, default build-fuzz in the
# source tree: cmake -DCLAIMKIT_FUZZ=ON with CC=clang CXX=clang++) is absent.
set -u
src=${CLAIMKIT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${CLAIMKIT_FUZZ_BUILD:-$src/build-fuzz}
command -v clang++ >/dev/null || { echo "skipped: clang++ not installed"; exit 77; }
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
  ls /usr/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
  { echo "skipped: libFuzzer runtime (libclang-rt-14-dev) not installed"; exit 77; }
[ -x "$build/fuzz/fuzz_x12_claims" ] || { echo "skipped: no fuzz build at $build"; exit 77; }
exec "$src/scripts/fuzz" --smoke --no-build --build "$build"

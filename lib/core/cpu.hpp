// The vector widths this CPU runs, for the kernels that choose theirs when
// the program starts (the X12 block scan, status-normalize's JSON index).
#pragma once

namespace claimkit::cpu {

enum class vector_isa { best, sse2, avx2, avx512 };

/// True when the CPU runs isa together with the bit instructions the kernels
/// use beside it (BMI1, BMI2, POPCNT, PCLMUL). sse2 and best: always.
inline bool has(vector_isa isa) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool bits = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt") &&
           __builtin_cpu_supports("pclmul");
  }();
  static const bool avx2 = bits && __builtin_cpu_supports("avx2");
  static const bool avx512 = bits && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
  if (isa == vector_isa::avx512) return avx512;
  if (isa == vector_isa::avx2) return avx2;
  return true;
#else
  return isa == vector_isa::sse2 || isa == vector_isa::best;
#endif
}

}  // namespace claimkit::cpu

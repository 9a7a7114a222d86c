// Default sizes of the streaming buffers. Large buffers make big inputs fast,
// up to a point: the X12 reader's stays well inside a core's L2 cache, where
// read(2) copies in and the tokenizer then finds the bytes;
// fuzz builds (CLAIMKIT_SMALL_BUFFERS) use small ones so that a run on a few
// hundred bytes does not allocate and poison megabytes under ASan, and so
// that buffer growth and refills are exercised on small inputs too.
#pragma once

#include <cstddef>

namespace claimkit::buffers {

#ifdef CLAIMKIT_SMALL_BUFFERS
inline constexpr std::size_t x12_read = 4u << 10;
inline constexpr std::size_t ndjson_read = 1u << 10;
inline constexpr std::size_t stage_memory = 16u << 10;
inline constexpr std::size_t output_flush = 4u << 10;
#else
inline constexpr std::size_t x12_read = 512u << 10;
inline constexpr std::size_t ndjson_read = 1u << 20;
inline constexpr std::size_t stage_memory = 4u << 20;
inline constexpr std::size_t output_flush = 256u << 10;
#endif

}  // namespace claimkit::buffers

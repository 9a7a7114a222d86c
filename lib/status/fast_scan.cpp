#include "status/fast_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace claimkit::status::fast {
namespace {

constexpr int kMaxDepth = 64;

// Appends a member field by field. Building a json::member on the stack and
// copying it in makes the copy wait on the stores that built it (a 16-byte
// load cannot be forwarded from two 8-byte stores): a measurable stall when
// this runs for every member of every record.
inline void add_member(std::vector<json::member>& to, std::string_view key, const char* value, std::size_t size,
                       json::kind kind) {
  json::member& m = to.emplace_back();
  m.key = key;
  m.value = std::string_view(value, size);
  m.kind = kind;
}
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHighs = 0x8080808080808080ull;

inline bool is_ws(char c) {
  // Records are mostly compact: one compare settles nearly every byte.
  return static_cast<unsigned char>(c) <= ' ' && (c == ' ' || c == '\t' || c == '\n' || c == '\r');
}
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Non-zero when any of the 8 bytes is '"', '\\', a control character or
// not ASCII: the bytes a string scan has to look at one by one.
inline std::uint64_t special(std::uint64_t x) {
  std::uint64_t q = x ^ (kOnes * '"');
  std::uint64_t b = x ^ (kOnes * '\\');
  std::uint64_t zq = (q - kOnes) & ~q;
  std::uint64_t zb = (b - kOnes) & ~b;
  std::uint64_t ctl = (x - kOnes * 0x20) & ~x;
  return (zq | zb | ctl | x) & kHighs;
}


// Bytes to the first '"', '\\', control or non-ASCII byte in the next 16
// (16 when none): one step of a string scan.
#if defined(__SSE2__)
inline unsigned special16(const char* p) {
  __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i q = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
  __m128i b = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
  __m128i c = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(q, b), c))) |
               static_cast<unsigned>(_mm_movemask_epi8(x));
  return m == 0 ? 16u : static_cast<unsigned>(__builtin_ctz(m));
}
inline unsigned quote_or_backslash16(const char* p) {
  __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i q = _mm_cmpeq_epi8(x, _mm_set1_epi8('"'));
  __m128i b = _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'));
  unsigned m = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(q, b)));
  return m == 0 ? 16u : static_cast<unsigned>(__builtin_ctz(m));
}
#endif

struct validator {
  const char* p;
  const char* e;

  void ws() {
    while (p < e && is_ws(*p)) ++p;
  }

  bool string() {
    ++p;
    for (;;) {
#if defined(__SSE2__)
      while (e - p >= 16) {
        unsigned n = special16(p);
        p += n;
        if (n < 16) goto look;
      }
#endif
      while (e - p >= 8) {
        std::uint64_t x;
        std::memcpy(&x, p, 8);
        std::uint64_t m = special(x);
        if (m != 0) {
          // The lowest flagged byte is exact (false flags only sit above a true one).
          p += __builtin_ctzll(m) >> 3;
          break;
        }
        p += 8;
      }
    look:
      if (p >= e) return false;
      auto c = static_cast<unsigned char>(*p);
      if (c == '"') {
        ++p;
        return true;
      }
      if (c < 0x20) return false;
      if (c == '\\') {
        if (e - p < 2) return false;
        char x = p[1];
        if (x == 'u') {
          if (e - p < 6 || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5])) return false;
          p += 6;
          continue;
        }
        if (x != '"' && x != '\\' && x != '/' && x != 'b' && x != 'f' && x != 'n' && x != 'r' && x != 't') return false;
        p += 2;
        continue;
      }
      if (c < 0x80) {
        ++p;
        continue;
      }
      int n;
      std::uint32_t cp;
      if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
      else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
      else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
      else return false;
      if (e - p < n) return false;
      for (int i = 1; i < n; ++i) {
        auto cc = static_cast<unsigned char>(p[i]);
        if ((cc & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (cc & 0x3F);
      }
      if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return false;
      }
      p += n;
    }
  }

  bool number() {
    if (*p == '-') ++p;
    if (p >= e || !is_digit(*p)) return false;
    if (*p == '0') ++p;
    else while (p < e && is_digit(*p)) ++p;
    if (p < e && *p == '.') {
      ++p;
      if (p >= e || !is_digit(*p)) return false;
      while (p < e && is_digit(*p)) ++p;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < e && (*p == '+' || *p == '-')) ++p;
      if (p >= e || !is_digit(*p)) return false;
      while (p < e && is_digit(*p)) ++p;
    }
    return true;
  }

  bool literal(const char* w, std::size_t n) {
    if (static_cast<std::size_t>(e - p) < n || std::memcmp(p, w, n) != 0) return false;
    p += n;
    return true;
  }

  bool value(int depth, json::kind* k) {
    switch (*p) {
      case '"': *k = json::kind::string; return string();
      case '{': *k = json::kind::object; return object(depth + 1, nullptr);
      case '[': *k = json::kind::array; return array(depth + 1);
      case 't': *k = json::kind::boolean; return literal("true", 4);
      case 'f': *k = json::kind::boolean; return literal("false", 5);
      case 'n': *k = json::kind::null; return literal("null", 4);
      default:
        *k = json::kind::number;
        return (*p == '-' || is_digit(*p)) && number();
    }
  }

  bool object(int depth, std::vector<json::member>* members) {
    if (depth > kMaxDepth) return false;
    ++p;
    ws();
    if (p < e && *p == '}') {
      ++p;
      return true;
    }
    for (;;) {
      ws();
      if (p >= e || *p != '"') return false;
      const char* ks = p + 1;
      if (!string()) return false;
      std::string_view key(ks, static_cast<std::size_t>(p - 1 - ks));
      ws();
      if (p >= e || *p != ':') return false;
      ++p;
      ws();
      if (p >= e) return false;
      const char* vs = p;
      json::kind k{};
      if (!value(depth, &k)) return false;
      if (members != nullptr) add_member(*members, key, vs, static_cast<std::size_t>(p - vs), k);
      ws();
      if (p < e && *p == ',') {
        ++p;
        continue;
      }
      if (p < e && *p == '}') {
        ++p;
        return true;
      }
      return false;
    }
  }

  bool array(int depth) {
    if (depth > kMaxDepth) return false;
    ++p;
    ws();
    if (p < e && *p == ']') {
      ++p;
      return true;
    }
    for (;;) {
      ws();
      if (p >= e) return false;
      json::kind k{};
      if (!value(depth, &k)) return false;
      ws();
      if (p < e && *p == ',') {
        ++p;
        continue;
      }
      if (p < e && *p == ']') {
        ++p;
        return true;
      }
      return false;
    }
  }
};

// Past the end of the string that starts at p (at the opening quote).
const char* skip_string(const char* p, const char* e) {
  ++p;
  for (;;) {
#if defined(__SSE2__)
    while (e - p >= 16) {
      unsigned n = quote_or_backslash16(p);
      p += n;
      if (n < 16) goto look;
    }
#endif
    while (e - p >= 8) {
      std::uint64_t x;
      std::memcpy(&x, p, 8);
      std::uint64_t q = x ^ (kOnes * '"');
      std::uint64_t b = x ^ (kOnes * '\\');
      std::uint64_t m = (((q - kOnes) & ~q) | ((b - kOnes) & ~b)) & kHighs;
      if (m != 0) {
        p += __builtin_ctzll(m) >> 3;
        break;
      }
      p += 8;
    }
  look:
    if (p >= e) return e;
    if (*p == '"') return p + 1;
    if (*p == '\\') {
      p += 2;
      continue;
    }
    ++p;
  }
}

}  // namespace

const char* skip_ws(const char* p, const char* e) {
  while (p < e && is_ws(*p)) ++p;
  return p;
}

namespace {

json::kind kind_of(char c) {
  switch (c) {
    case '"': return json::kind::string;
    case '{': return json::kind::object;
    case '[': return json::kind::array;
    case 't':
    case 'f': return json::kind::boolean;
    case 'n': return json::kind::null;
    default: return json::kind::number;
  }
}

// The structural path: records that are plain ASCII without escapes (nearly
// all of them) are checked block by block. Bit masks of 64 bytes find the
// quotes and, outside strings, the brackets, colons and commas; the grammar
// is then checked on those positions alone, and only the short gaps between
// them (numbers, literals, whitespace) are read byte by byte. The same pass
// lists the members of every object in the record, so the splitters below
// answer from that list instead of reading the record again.

// One object or array of the indexed record.
struct container {
  std::uint32_t open = 0, close = 0;   // offsets of its brackets
  std::uint32_t first = 0, count = 0;  // an object's members: pool of its depth, [first, first + count)
  std::uint32_t depth = 0;             // the record itself is 1
};

// Longer lines take the byte-wise path: the index costs about 20 bytes of
// memory per byte of text at worst.
constexpr std::size_t kIndexLimit = 4u << 20;
// Copies of the first structural (a '{') after the last one: a scan that
// runs past the end meets a '{' where it wants anything else and fails
// within two steps, so the grammar loop needs no bounds checks.
constexpr std::size_t kSentinels = 4;

// The record scan_object accepted last on the mask path. Objects of one
// depth never overlap, so each depth's members are one array in which every
// object of that depth owns a contiguous range.
struct record_index {
  const char* base = nullptr;  // null: no record indexed
  std::size_t size = 0;
  std::vector<std::uint32_t> pos;  // structural positions
  std::vector<container> containers;
  container* cdata = nullptr;
  std::uint32_t ccap = 0, nc = 0;  // in document order, so sorted by open
  std::vector<json::member> pool[kMaxDepth + 1];
  json::member* data[kMaxDepth + 1] = {};
  json::member* limit[kMaxDepth + 1] = {};
  json::member* fill[kMaxDepth + 1] = {};  // next free entry; used only while a record is checked
  int deepest = 0;
  int full_depth = 0;  // see check_structure
};
thread_local record_index g_index;
// What the splitters read of the indexed record, in a plainly constructed
// thread_local: read without the guard call g_index costs on every use.
struct span {
  const char* base;  // null: no record indexed
  std::size_t size;
  const container* containers;
  std::uint32_t count;
  json::member* const* data;  // record_index::data
};
thread_local span g_plain = {nullptr, 0, nullptr, 0, nullptr};

// Room for more members at depth d, whose next free entry is w: returns w
// in the new storage.
[[gnu::noinline, gnu::cold]] void grow_pool(record_index& x, int d) {
  std::vector<json::member>& v = x.pool[d];
  v.resize(std::max<std::size_t>(64, v.size() * 2));
  x.data[d] = v.data();
  x.limit[d] = v.data() + v.size();
}

[[gnu::noinline, gnu::cold]] void grow_containers(record_index& x) {
  x.containers.resize(std::max<std::size_t>(64, x.containers.size() * 2));
  x.cdata = x.containers.data();
  x.ccap = static_cast<std::uint32_t>(x.containers.size());
}

[[gnu::noinline]] bool ws_only(const char* p, std::size_t a, std::size_t b) {
  for (; a < b; ++a) {
    if (!is_ws(p[a])) return false;
  }
  return true;
}

// The gap between two structurals holds only whitespace (compact records:
// none at all). Read in line, not by a call: a call in the grammar loop, even
// one never taken, makes the compiler keep the loop's state in memory.
[[gnu::always_inline]] inline bool gap_ws(const char* p, std::uint32_t a, std::uint32_t b) {
  if (__builtin_expect(a >= b, 1)) return true;
  for (; a < b; ++a) {
    if (!is_ws(p[a])) return false;
  }
  return true;
}

// What check_structure found. The *_full answers ask the caller for room
// and a fresh start: growing storage from inside the loop would take a call.
enum class checked { invalid, valid, pool_full, containers_full };

// The number or literal that fills [a, b) up to whitespace: its end, a moved
// to its start; null when there is none.
[[gnu::always_inline]] inline const char* scalar(const char*& a, const char* b, json::kind& k) {
  while (a < b && is_ws(*a)) ++a;
  if (a == b) return nullptr;
  const char* q = a;
  switch (*q) {
    case 't':
      k = json::kind::boolean;
      return b - q >= 4 && std::memcmp(q, "true", 4) == 0 ? q + 4 : nullptr;
    case 'f':
      k = json::kind::boolean;
      return b - q >= 5 && std::memcmp(q, "false", 5) == 0 ? q + 5 : nullptr;
    case 'n':
      k = json::kind::null;
      return b - q >= 4 && std::memcmp(q, "null", 4) == 0 ? q + 4 : nullptr;
    default: break;
  }
  k = json::kind::number;
  if (*q == '-') ++q;
  if (q == b || !is_digit(*q)) return nullptr;
  if (*q == '0') ++q;
  else while (q < b && is_digit(*q)) ++q;
  if (q < b && *q == '.') {
    ++q;
    if (q == b || !is_digit(*q)) return nullptr;
    while (q < b && is_digit(*q)) ++q;
  }
  if (q < b && (*q == 'e' || *q == 'E')) {
    ++q;
    if (q < b && (*q == '+' || *q == '-')) ++q;
    if (q == b || !is_digit(*q)) return nullptr;
    while (q < b && is_digit(*q)) ++q;
  }
  return q;
}

// The grammar over the structural positions s[0..ns) of p[0..n) (followed by
// kSentinels copies of s[0]), as validator checks it byte by byte; records
// every container and the members of every object in x (x.full_depth names
// the depth whose pool is full). Kept out of line: inlined into its caller it
// loses registers in the loop that matters.
[[gnu::noinline]] checked check_structure(const char* p, std::size_t n, const std::uint32_t* s, std::size_t ns,
                                          record_index& x) {
  if (ns == 0) return checked::invalid;
  const std::uint32_t* const end_of_s = s + ns;
  std::uint32_t q = s[0];
  if (p[q] != '{' || !ws_only(p, 0, q)) return checked::invalid;
  char open_of[kMaxDepth + 1];  // '{' or '[' at each depth
  std::uint32_t container_of[kMaxDepth + 1];
  const char* key_of[kMaxDepth + 1];  // the key a container is the value of
  std::uint32_t key_len_of[kMaxDepth + 1];
  int depth = 0;
  bool in_object = false;
  json::member* w = nullptr;  // next free member of the current depth
  json::member* wl = nullptr;
  std::uint32_t prev = 0;  // past the last byte accounted for
  const char* key = nullptr;
  std::uint32_t key_len = 0;
  char c = '{';

  // One member into the current depth's array.
  auto emit = [&](const char* k, std::uint32_t kl, const char* v, std::size_t vl, json::kind kind)
      __attribute__((always_inline)) {
    if (__builtin_expect(w == wl, 0)) {
      x.full_depth = depth;
      return false;
    }
    w->key = std::string_view(k, kl);
    w->value = std::string_view(v, vl);
    w->kind = kind;
    ++w;
    return true;
  };

open:  // *s == q opens a container (c); the gap before it is checked
  if (depth == kMaxDepth) return checked::invalid;
  if (depth > 0) x.fill[depth] = w;
  ++depth;
  if (depth > x.deepest) {
    x.deepest = depth;
    x.fill[depth] = x.data[depth];
  }
  w = x.fill[depth];
  wl = x.limit[depth];
  open_of[depth] = c;
  in_object = c == '{';
  key_of[depth] = key;
  key_len_of[depth] = key_len;
  if (__builtin_expect(x.nc == x.ccap, 0)) return checked::containers_full;
  {
    container& k = x.cdata[x.nc];
    k.open = q;
    k.depth = static_cast<std::uint32_t>(depth);
    k.first = static_cast<std::uint32_t>(w - x.data[depth]);
  }
  container_of[depth] = x.nc++;
  ++s;
  prev = q + 1;
  q = *s;
  if (p[q] == c + 2 && gap_ws(p, prev, q)) {  // {} or [] ('{' + 2 is '}', '[' + 2 is ']')
    ++s;
    prev = q + 1;
    goto close;
  }
  if (!in_object) goto value;  // [1]: a scalar comes first

key:
  q = *s;
  if (p[q] != '"' || !gap_ws(p, prev, q)) return checked::invalid;
  {
    // Inside a string only quotes are structural: s[1] closes the key.
    const std::uint32_t close_quote = s[1], colon = s[2];
    if (p[colon] != ':' || !gap_ws(p, close_quote + 1, colon)) return checked::invalid;
    key = p + q + 1;
    key_len = close_quote - q - 1;
    s += 3;
    prev = colon + 1;
  }

value:
  q = *s;
  c = p[q];
  if (c == '"') {
    if (!gap_ws(p, prev, q)) return checked::invalid;
    const std::uint32_t end = s[1] + 1;
    s += 2;
    if (in_object && !emit(key, key_len, p + q, end - q, json::kind::string)) return checked::pool_full;
    prev = end;
    goto after;
  }
  if (c == '{' || c == '[') {
    if (!gap_ws(p, prev, q)) return checked::invalid;
    goto open;
  }
  {
    // A number or literal fills the gap before the next structural, which
    // the next state reads.
    const char* a = p + prev;
    json::kind k = json::kind::number;
    const char* end = scalar(a, p + q, k);
    if (end == nullptr) return checked::invalid;
    prev = static_cast<std::uint32_t>(end - p);
    if (!gap_ws(p, prev, q)) return checked::invalid;
    if (in_object && !emit(key, key_len, a, static_cast<std::size_t>(end - a), k)) return checked::pool_full;
  }

after:
  q = *s;
  c = p[q];
  if (!gap_ws(p, prev, q)) return checked::invalid;
  ++s;
  prev = q + 1;
  if (c == ',') {
    if (in_object) goto key;
    goto value;
  }
  if (c != open_of[depth] + 2) return checked::invalid;

close:  // q closes the container of depth; s and prev are past it
  {
    container& k = x.cdata[container_of[depth]];
    k.close = q;
    k.count = static_cast<std::uint32_t>(w - x.data[depth]) - k.first;
    x.fill[depth] = w;
    const std::uint32_t at = k.open;
    const json::kind kind = in_object ? json::kind::object : json::kind::array;
    const char* ck = key_of[depth];
    const std::uint32_t ckl = key_len_of[depth];
    --depth;
    if (depth == 0) return s == end_of_s && ws_only(p, prev, n) ? checked::valid : checked::invalid;
    w = x.fill[depth];
    wl = x.limit[depth];
    in_object = open_of[depth] == '{';
    if (in_object && !emit(ck, ckl, p + at, q + 1 - at, kind)) return checked::pool_full;
  }
  goto after;
}

enum class outcome { valid, invalid, general };

#if defined(__SSE2__)
struct block_masks {
  std::uint64_t quote = 0, backslash = 0, control = 0, high = 0, op = 0;
};

inline std::uint64_t bits16(__m128i m) { return static_cast<std::uint32_t>(_mm_movemask_epi8(m)); }

inline void classify(const char* p, block_masks& b) {
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), x1f = _mm_set1_epi8(0x1F),
                x20 = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}'),
                colon = _mm_set1_epi8(':'), comma = _mm_set1_epi8(',');
  b = {};
  for (int k = 0; k < 4; ++k) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    __m128i folded = _mm_or_si128(x, x20);  // '[' -> '{', ']' -> '}'
    const int at = 16 * k;
    b.quote |= bits16(_mm_cmpeq_epi8(x, quote)) << at;
    b.backslash |= bits16(_mm_cmpeq_epi8(x, backslash)) << at;
    b.control |= bits16(_mm_cmpeq_epi8(_mm_max_epu8(x, x1f), x1f)) << at;
    b.high |= bits16(x) << at;
    b.op |= bits16(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(folded, open), _mm_cmpeq_epi8(folded, close)),
                                _mm_or_si128(_mm_cmpeq_epi8(x, colon), _mm_cmpeq_epi8(x, comma))))
            << at;
  }
}

inline std::uint64_t prefix_xor(std::uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

// Writes the structural positions of t[0..n) to out (room for n + 72) and
// their number to count. general: t has a backslash or a non-ASCII byte,
// which only the byte-wise validator checks.
[[gnu::noinline]] outcome index_sse2(const char* t, std::size_t n, std::uint32_t* out, std::size_t& count) {
  std::size_t k = 0;
  std::uint64_t carry = 0;  // all ones when the previous block ended inside a string
  char tail[64];
  for (std::size_t at = 0; at < n; at += 64) {
    const char* blk = t + at;
    if (n - at < 64) {
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, blk, n - at);
      blk = tail;
    }
    block_masks b;
    classify(blk, b);
    if ((b.backslash | b.high) != 0) return outcome::general;
    const std::uint64_t inside = prefix_xor(b.quote) ^ carry;
    carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(inside) >> 63);
    if ((b.control & inside) != 0) return outcome::invalid;  // a raw control byte in a string
    std::uint64_t s = b.quote | (b.op & ~inside);
    while (s != 0) {
      out[k++] = static_cast<std::uint32_t>(at + static_cast<std::size_t>(__builtin_ctzll(s)));
      s &= s - 1;
    }
  }
  if (carry != 0) return outcome::invalid;  // an unterminated string
  count = k;
  return outcome::valid;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define CLAIMKIT_FAST_SCAN_AVX2 1
// The same on 32-byte registers, where the CPU has them: half the
// instructions per block, the quote prefix in one carry-less multiply, and
// positions written eight at a time without a branch per position.
#define CLAIMKIT_AVX2 __attribute__((target("avx2,bmi,bmi2,pclmul,popcnt")))

CLAIMKIT_AVX2 inline std::uint64_t mask64(__m256i lo, __m256i hi) {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(lo)) |
         (static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(hi))) << 32);
}

CLAIMKIT_AVX2 inline void flatten(std::uint32_t* out, std::uint64_t s, std::uint32_t at) {
  const int cnt = __builtin_popcountll(s);
#pragma GCC unroll 8
  for (int j = 0; j < 8; ++j) {
    out[j] = at + static_cast<std::uint32_t>(_tzcnt_u64(s));
    s = _blsr_u64(s);
  }
  if (cnt > 8) {
#pragma GCC unroll 8
    for (int j = 8; j < 16; ++j) {
      out[j] = at + static_cast<std::uint32_t>(_tzcnt_u64(s));
      s = _blsr_u64(s);
    }
    for (int j = 16; s != 0; ++j) {
      out[j] = at + static_cast<std::uint32_t>(_tzcnt_u64(s));
      s = _blsr_u64(s);
    }
  }
}

[[gnu::noinline]] CLAIMKIT_AVX2 outcome index_avx2(const char* t, std::size_t n, std::uint32_t* out,
                                                   std::size_t& count) {
  const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\'), x1f = _mm256_set1_epi8(0x1F),
                x20 = _mm256_set1_epi8(0x20), open = _mm256_set1_epi8('{'), close = _mm256_set1_epi8('}'),
                colon = _mm256_set1_epi8(':'), comma = _mm256_set1_epi8(',');
  const __m128i ones = _mm_set1_epi8(static_cast<char>(0xFF));
  std::size_t k = 0;
  std::uint64_t carry = 0;
  char tail[64];
  for (std::size_t at = 0; at < n; at += 64) {
    const char* blk = t + at;
    if (n - at < 64) {
      std::memset(tail, ' ', sizeof tail);
      std::memcpy(tail, blk, n - at);
      blk = tail;
    }
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 32));
    // The sign bit of a byte marks non-ASCII; or-ing in the backslash
    // compare marks those too.
    if (mask64(_mm256_or_si256(lo, _mm256_cmpeq_epi8(lo, backslash)),
               _mm256_or_si256(hi, _mm256_cmpeq_epi8(hi, backslash))) != 0) {
      return outcome::general;
    }
    const std::uint64_t quotes = mask64(_mm256_cmpeq_epi8(lo, quote), _mm256_cmpeq_epi8(hi, quote));
    const std::uint64_t control = mask64(_mm256_cmpeq_epi8(_mm256_max_epu8(lo, x1f), x1f),
                                         _mm256_cmpeq_epi8(_mm256_max_epu8(hi, x1f), x1f));
    const __m256i flo = _mm256_or_si256(lo, x20), fhi = _mm256_or_si256(hi, x20);
    const std::uint64_t op =
        mask64(_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(flo, open), _mm256_cmpeq_epi8(flo, close)),
                               _mm256_or_si256(_mm256_cmpeq_epi8(lo, colon), _mm256_cmpeq_epi8(lo, comma))),
               _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(fhi, open), _mm256_cmpeq_epi8(fhi, close)),
                               _mm256_or_si256(_mm256_cmpeq_epi8(hi, colon), _mm256_cmpeq_epi8(hi, comma))));
    const std::uint64_t inside =
        static_cast<std::uint64_t>(_mm_cvtsi128_si64(
            _mm_clmulepi64_si128(_mm_cvtsi64_si128(static_cast<long long>(quotes)), ones, 0))) ^
        carry;
    carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(inside) >> 63);
    if ((control & inside) != 0) return outcome::invalid;
    const std::uint64_t s = quotes | (op & ~inside);
    flatten(out + k, s, static_cast<std::uint32_t>(at));
    k += static_cast<std::size_t>(__builtin_popcountll(s));
  }
  if (carry != 0) return outcome::invalid;
  count = k;
  return outcome::valid;
}

// And on 64-byte registers: compares give the block masks directly, and
// positions are compressed out sixteen at a time.
#define CLAIMKIT_AVX512 __attribute__((target("avx512f,avx512bw,bmi,bmi2,pclmul,popcnt")))

[[gnu::noinline]] CLAIMKIT_AVX512 outcome index_avx512(const char* t, std::size_t n, std::uint32_t* out,
                                                       std::size_t& count) {
  const __m512i quote = _mm512_set1_epi8('"'), backslash = _mm512_set1_epi8('\\'), x1f = _mm512_set1_epi8(0x1F),
                x20 = _mm512_set1_epi8(0x20), open = _mm512_set1_epi8('{'), close = _mm512_set1_epi8('}'),
                colon = _mm512_set1_epi8(':'), comma = _mm512_set1_epi8(',');
  const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i sixteen = _mm512_set1_epi32(16);
  const __m128i ones = _mm_set1_epi8(static_cast<char>(0xFF));
  std::uint32_t* o = out;
  std::uint64_t carry = 0;
  for (std::size_t at = 0; at < n; at += 64) {
    // The last block reads only the bytes there are: the rest are zero,
    // which is never structural (and inside an unterminated string the
    // record is invalid anyway).
    const std::size_t left = n - at;
    const __m512i x = left >= 64 ? _mm512_loadu_si512(t + at)
                                 : _mm512_maskz_loadu_epi8((std::uint64_t{1} << left) - 1, t + at);
    if ((_mm512_movepi8_mask(x) | _mm512_cmpeq_epi8_mask(x, backslash)) != 0) return outcome::general;
    const std::uint64_t quotes = _mm512_cmpeq_epi8_mask(x, quote);
    const std::uint64_t control = _mm512_cmple_epu8_mask(x, x1f) &
                                  (left >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << left) - 1);
    const __m512i f = _mm512_or_si512(x, x20);
    const std::uint64_t op = _mm512_cmpeq_epi8_mask(f, open) | _mm512_cmpeq_epi8_mask(f, close) |
                             _mm512_cmpeq_epi8_mask(x, colon) | _mm512_cmpeq_epi8_mask(x, comma);
    const std::uint64_t inside =
        static_cast<std::uint64_t>(_mm_cvtsi128_si64(
            _mm_clmulepi64_si128(_mm_cvtsi64_si128(static_cast<long long>(quotes)), ones, 0))) ^
        carry;
    carry = static_cast<std::uint64_t>(static_cast<std::int64_t>(inside) >> 63);
    if ((control & inside) != 0) return outcome::invalid;
    const std::uint64_t s = quotes | (op & ~inside);
    __m512i pos = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(at)), iota);
#pragma GCC unroll 4
    for (int c = 0; c < 4; ++c) {
      const auto m = static_cast<__mmask16>(s >> (16 * c));
      _mm512_storeu_si512(o, _mm512_maskz_compress_epi32(m, pos));
      o += __builtin_popcount(m);
      pos = _mm512_add_epi32(pos, sixteen);
    }
  }
  if (carry != 0) return outcome::invalid;
  count = static_cast<std::size_t>(o - out);
  return outcome::valid;
}

#endif

using index_fn = outcome (*)(const char*, std::size_t, std::uint32_t*, std::size_t&);

index_fn best_index() {
#if defined(CLAIMKIT_FAST_SCAN_AVX2)
  if (cpu::has(cpu::vector_isa::avx512)) return index_avx512;
  if (cpu::has(cpu::vector_isa::avx2)) return index_avx2;
#endif
  return index_sse2;
}

index_fn g_index_fn = best_index();

inline outcome index_structurals(const char* t, std::size_t n, std::uint32_t* out, std::size_t& count) {
  return g_index_fn(t, n, out, count);
}
#endif

// The container of the indexed record that opens at p, or null.
const container* container_at(const char* p) {
  const span r = g_plain;
  if (r.base == nullptr || p < r.base || p >= r.base + r.size) return nullptr;
  const auto off = static_cast<std::uint32_t>(p - r.base);
  std::uint32_t lo = 0, hi = r.count;
  while (lo < hi) {
    const std::uint32_t mid = (lo + hi) / 2;
    if (r.containers[mid].open < off) lo = mid + 1;
    else hi = mid;
  }
  return lo < r.count && r.containers[lo].open == off ? &r.containers[lo] : nullptr;
}

}  // namespace

// Past the end of the (valid) value at p.
const char* skip_value(const char* p, const char* e) {
  char c = *p;
  if (c == '"') return skip_string(p, e);
  if (c == '{' || c == '[') {
    if (const container* k = container_at(p)) return g_plain.base + k->close + 1;
    int depth = 0;
    while (p < e) {
      char x = *p;
      if (x == '"') {
        p = skip_string(p, e);
        continue;
      }
      if (x == '{' || x == '[') ++depth;
      else if (x == '}' || x == ']') {
        if (--depth == 0) return p + 1;
      }
      ++p;
    }
    return e;
  }
  while (p < e && *p != ',' && *p != '}' && *p != ']' && !is_ws(*p)) ++p;
  return p;
}

bool escape_free(std::string_view text) {
  const span r = g_plain;
  return r.base != nullptr && text.data() >= r.base && text.data() + text.size() <= r.base + r.size;
}

bool use_block_isa(cpu::vector_isa isa) {
#if defined(__SSE2__)
  switch (isa) {
    case cpu::vector_isa::best: g_index_fn = best_index(); return true;
    case cpu::vector_isa::sse2: g_index_fn = index_sse2; return true;
#if defined(CLAIMKIT_FAST_SCAN_AVX2)
    case cpu::vector_isa::avx2:
      if (!cpu::has(isa)) return false;
      g_index_fn = index_avx2;
      return true;
    case cpu::vector_isa::avx512:
      if (!cpu::has(isa)) return false;
      g_index_fn = index_avx512;
      return true;
#endif
    default: return false;
  }
#else
  return isa == cpu::vector_isa::best;
#endif
}

bool scan_object(std::string_view text, std::vector<json::member>& members) {
  members.clear();
  record_index& x = g_index;
  x.base = nullptr;
  g_plain = {nullptr, 0, nullptr, 0, nullptr};
#if defined(__SSE2__)
  const std::size_t n = text.size();
  if (n <= kIndexLimit) {
    if (x.pos.size() < n + 72) x.pos.resize(n + 72);
    std::size_t ns = 0;
    switch (index_structurals(text.data(), n, x.pos.data(), ns)) {
      case outcome::invalid: return false;
      case outcome::valid: {
        std::uint32_t* s = x.pos.data();
        for (std::size_t j = 0; j < kSentinels && ns > 0; ++j) s[ns + j] = s[0];
        checked c;
        for (;;) {
          for (int d = 1; d <= x.deepest; ++d) x.fill[d] = x.data[d];
          x.nc = 0;
          c = check_structure(text.data(), n, s, ns, x);
          if (c == checked::pool_full) grow_pool(x, x.full_depth);
          else if (c == checked::containers_full) grow_containers(x);
          else break;
        }
        if (c != checked::valid) return false;
        members.assign(x.data[1], x.fill[1]);
        x.base = text.data();
        x.size = n;
        g_plain = {x.base, n, x.cdata, x.nc, x.data};
        return true;
      }
      case outcome::general: break;
    }
  }
#endif
  validator v{text.data(), text.data() + text.size()};
  v.ws();
  if (v.p >= v.e || *v.p != '{') return false;
  if (!v.object(1, &members)) return false;
  v.ws();
  return v.p == v.e;
}

const json::member* indexed_members(const char* p, std::size_t& count, const char*& end) {
  const container* k = container_at(p);
  if (k == nullptr || *p != '{') return nullptr;
  count = k->count;
  end = g_plain.base + k->close + 1;
  return g_plain.data[k->depth] + k->first;
}

const char* members_at(const char* p, const char* e, std::vector<json::member>& members) {
  if (const container* k = container_at(p); k != nullptr && *p == '{') {
    const json::member* m = g_plain.data[k->depth] + k->first;
    members.insert(members.end(), m, m + k->count);
    return g_plain.base + k->close + 1;
  }
  ++p;  // '{'
  for (;;) {
    p = skip_ws(p, e);
    if (p >= e) return e;
    if (*p == '}') return p + 1;
    if (*p != '"') return e;
    const char* ks = p + 1;
    p = skip_string(p, e);
    std::string_view key(ks, static_cast<std::size_t>(p - 1 - ks));
    p = skip_ws(p, e);
    if (p >= e || *p != ':') return e;
    p = skip_ws(p + 1, e);
    if (p >= e) return e;
    const char* vs = p;
    p = skip_value(p, e);
    add_member(members, key, vs, static_cast<std::size_t>(p - vs), kind_of(*vs));
    p = skip_ws(p, e);
    if (p < e && *p == ',') ++p;
  }
}

std::string_view member_value(std::string_view obj, std::string_view key) {
  const char* p = obj.data();
  const char* e = p + obj.size();
  p = skip_ws(p, e);
  if (p >= e || *p != '{') return {};
  if (const container* k = container_at(p)) {
    const json::member* m = g_plain.data[k->depth] + k->first;
    for (std::uint32_t j = 0; j < k->count; ++j) {
      if (m[j].key == key) return m[j].value;
    }
    return {};
  }
  ++p;
  for (;;) {
    p = skip_ws(p, e);
    if (p >= e || *p != '"') return {};
    const char* ks = p + 1;
    p = skip_string(p, e);
    std::string_view k(ks, static_cast<std::size_t>(p - 1 - ks));
    p = skip_ws(p, e);
    if (p >= e || *p != ':') return {};
    p = skip_ws(p + 1, e);
    if (p >= e) return {};
    const char* vs = p;
    p = skip_value(p, e);
    if (k == key) return std::string_view(vs, static_cast<std::size_t>(p - vs));
    p = skip_ws(p, e);
    if (p >= e || *p != ',') return {};
    ++p;
  }
}

void members_of(std::string_view obj, std::vector<json::member>& members) {
  members.clear();
  const char* p = obj.data();
  const char* e = p + obj.size();
  p = skip_ws(p, e);
  if (p >= e || *p != '{') return;
  members_at(p, e, members);
}

void elements_of(std::string_view arr, std::vector<std::string_view>& elements) {
  elements.clear();
  const char* p = arr.data();
  const char* e = p + arr.size();
  p = skip_ws(p, e);
  if (p >= e || *p != '[') return;
  ++p;
  for (;;) {
    p = skip_ws(p, e);
    if (p >= e || *p == ']') return;
    const char* vs = p;
    p = skip_value(p, e);
    elements.emplace_back(vs, static_cast<std::size_t>(p - vs));
    p = skip_ws(p, e);
    if (p >= e || *p != ',') return;
    ++p;
  }
}

}  // namespace claimkit::status::fast

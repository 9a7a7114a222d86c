#include "status/fast_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
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
json::kind kind_of(char c);
constexpr std::size_t kNone = ~std::size_t{0};
std::size_t structural_at(const char* p);
const char* walk_container(std::size_t& j);
}  // namespace

// Past the end of the (valid) value at p.
const char* skip_value(const char* p, const char* e) {
  char c = *p;
  if (c == '"') return skip_string(p, e);
  if (c == '{' || c == '[') {
    std::size_t j = structural_at(p);
    if (j != kNone) return walk_container(j);
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

}  // namespace

// The structural path: records that are plain ASCII without escapes (nearly
// all of them) are checked block by block. Bit masks of 64 bytes find the
// quotes and, outside strings, the brackets, colons and commas; the grammar
// is then checked on those positions alone, and only the short gaps between
// them (numbers, literals, whitespace) are read byte by byte.
namespace {

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

enum class outcome { valid, invalid, general };

// Fills pos with the structural positions of t. general: t has a backslash
// or a non-ASCII byte, which only the byte-wise validator checks.
outcome index_structurals(std::string_view t, std::vector<std::uint32_t>& pos, std::size_t& count) {
  const std::size_t n = t.size();
  if (n >= 0xFFFFFFFFu) return outcome::general;
  if (pos.size() < n + 72) pos.resize(n + 72);
  std::uint32_t* out = pos.data();
  std::size_t k = 0;
  std::uint64_t carry = 0;  // all ones when the previous block ended inside a string
  char tail[64];
  for (std::size_t at = 0; at < n; at += 64) {
    const char* blk = t.data() + at;
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
  count = k;
  return outcome::valid;
}

inline bool ws_only(const char* p, std::size_t a, std::size_t b) {
  for (; a < b; ++a) {
    if (!is_ws(p[a])) return false;
  }
  return true;
}

// The grammar over the structural positions s[0..ns) of t, as validator does
// it byte by byte; the top-level members go to members.
bool check_structure(std::string_view t, const std::uint32_t* s, std::size_t ns, std::vector<json::member>& members) {
  const char* p = t.data();
  enum class state { object_first, key, array_first, value, after_value };
  char stack[kMaxDepth];
  int depth = 0;
  std::size_t i = 0, prev = 0;
  std::string_view key;
  std::size_t value_begin = 0, value_end = 0;
  json::kind kind{};
  if (ns == 0 || p[s[0]] != '{' || !ws_only(p, 0, s[0])) return false;
  stack[depth++] = '{';
  prev = s[0] + 1;
  i = 1;
  state st = state::object_first;
  for (;;) {
    if (i >= ns) return false;
    const std::size_t q = s[i];
    const char c = p[q];
    bool closed = false;
    switch (st) {
      case state::object_first:
        if (c == '}') {
          if (!ws_only(p, prev, q)) return false;
          ++i;
          prev = q + 1;
          closed = true;
          break;
        }
        [[fallthrough]];
      case state::key: {
        // Inside a string only quotes are structural: s[i + 1] closes the key.
        if (c != '"' || !ws_only(p, prev, q) || i + 2 >= ns) return false;
        const std::size_t close_quote = s[i + 1], colon = s[i + 2];
        if (p[colon] != ':' || !ws_only(p, close_quote + 1, colon)) return false;
        if (depth == 1) key = std::string_view(p + q + 1, close_quote - q - 1);
        i += 3;
        prev = colon + 1;
        st = state::value;
        break;
      }
      case state::array_first:
        if (c == ']' && ws_only(p, prev, q)) {  // [] (else a scalar comes first: [1])
          ++i;
          prev = q + 1;
          closed = true;
          break;
        }
        [[fallthrough]];
      case state::value:
        if (c == '"') {
          if (!ws_only(p, prev, q) || i + 1 >= ns) return false;
          const std::size_t close_quote = s[i + 1];
          i += 2;
          prev = close_quote + 1;
          if (depth == 1) {
            value_begin = q;
            value_end = prev;
            kind = json::kind::string;
          }
          st = state::after_value;
        } else if (c == '{' || c == '[') {
          if (!ws_only(p, prev, q) || depth >= kMaxDepth) return false;
          if (depth == 1) {
            value_begin = q;
            kind = c == '{' ? json::kind::object : json::kind::array;
          }
          stack[depth++] = c;
          ++i;
          prev = q + 1;
          st = c == '{' ? state::object_first : state::array_first;
        } else {
          // A number or literal fills the gap before the next structural.
          std::size_t a = prev;
          while (a < q && is_ws(p[a])) ++a;
          if (a == q) return false;
          validator v{p + a, p + q};
          json::kind k{};
          if (!v.value(depth, &k)) return false;
          const std::size_t end = static_cast<std::size_t>(v.p - p);
          if (!ws_only(p, end, q)) return false;
          if (depth == 1) {
            value_begin = a;
            value_end = end;
            kind = k;
          }
          prev = end;
          st = state::after_value;  // q itself is read in that state
        }
        break;
      case state::after_value: {
        if (!ws_only(p, prev, q)) return false;
        const char top = stack[depth - 1];
        const bool ends = (c == '}' && top == '{') || (c == ']' && top == '[');
        if (c != ',' && !ends) return false;
        if (depth == 1) {
          add_member(members, key, p + value_begin, value_end - value_begin, kind);
        }
        ++i;
        prev = q + 1;
        if (ends) {
          closed = true;
        } else {
          st = top == '{' ? state::key : state::value;
        }
        break;
      }
    }
    if (!closed) continue;
    if (--depth == 0) return i == ns && ws_only(p, prev, t.size());
    if (depth == 1) value_end = prev;
    st = state::after_value;
  }
}
#endif

// The structural positions of the record scan_object accepted last on the
// mask path. The splitters below use them for text inside that record, so
// nested objects are walked from position to position instead of re-read.
struct record_index {
  const char* base = nullptr;  // null: no record indexed
  std::size_t size = 0;
  std::vector<std::uint32_t> pos;
  std::size_t count = 0;
};
thread_local record_index g_index;

// Which structural of the indexed record is at p, or kNone.
std::size_t structural_at(const char* p) {
  const record_index& x = g_index;
  if (x.base == nullptr || p < x.base || p >= x.base + x.size) return kNone;
  const auto off = static_cast<std::uint32_t>(p - x.base);
  const std::uint32_t* end = x.pos.data() + x.count;
  const std::uint32_t* it = std::lower_bound(x.pos.data(), end, off);
  return it != end && *it == off ? static_cast<std::size_t>(it - x.pos.data()) : kNone;
}

// Past the container whose opening bracket is structural j of the index;
// j is left on the structural after it.
const char* walk_container(std::size_t& j) {
  const char* b = g_index.base;
  const std::uint32_t* s = g_index.pos.data();
  int depth = 0;
  do {
    const char x = b[s[j]];
    if (x == '"') {
      j += 2;
      continue;
    }
    if (x == '{' || x == '[') ++depth;
    else if (x == '}' || x == ']') --depth;
    ++j;
  } while (depth > 0);
  return b + s[j - 1] + 1;
}

}  // namespace

bool scan_object(std::string_view text, std::vector<json::member>& members) {
  members.clear();
  g_index.base = nullptr;
#if defined(__SSE2__)
  std::size_t count = 0;
  switch (index_structurals(text, g_index.pos, count)) {
    case outcome::invalid: return false;
    case outcome::valid:
      if (check_structure(text, g_index.pos.data(), count, members)) {
        g_index.base = text.data();
        g_index.size = text.size();
        g_index.count = count;
        return true;
      }
      members.clear();
      return false;
    case outcome::general: break;
  }
#endif
  validator v{text.data(), text.data() + text.size()};
  v.ws();
  if (v.p >= v.e || *v.p != '{') return false;
  if (!v.object(1, &members)) return false;
  v.ws();
  return v.p == v.e;
}

const char* members_at(const char* p, const char* e, std::vector<json::member>& members) {
  std::size_t j = structural_at(p);
  if (j != kNone) {
    const char* b = g_index.base;
    const std::uint32_t* s = g_index.pos.data();
    ++j;  // past '{'
    for (;;) {
      if (b[s[j]] == '}') return b + s[j] + 1;
      // A key (two quotes) and its colon, then the value.
      std::string_view key(b + s[j] + 1, s[j + 1] - s[j] - 1);
      const char* vs = skip_ws(b + s[j + 2] + 1, e);
      j += 3;
      const char* ve;
      if (*vs == '"') {
        ve = b + s[j + 1] + 1;
        j += 2;
      } else if (*vs == '{' || *vs == '[') {
        ve = walk_container(j);
      } else {
        ve = b + s[j];  // a scalar runs up to the ',' or '}' after it
        while (ve > vs && is_ws(ve[-1])) --ve;
      }
      add_member(members, key, vs, static_cast<std::size_t>(ve - vs), kind_of(*vs));
      if (b[s[j]] == ',') ++j;
    }
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

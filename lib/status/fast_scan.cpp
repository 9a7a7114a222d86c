#include "status/fast_scan.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace claimkit::status::fast {
namespace {

constexpr int kMaxDepth = 64;
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
      if (members != nullptr) members->push_back(json::member{key, std::string_view(vs, static_cast<std::size_t>(p - vs)), k});
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
}  // namespace

// Past the end of the (valid) value at p.
const char* skip_value(const char* p, const char* e) {
  char c = *p;
  if (c == '"') return skip_string(p, e);
  if (c == '{' || c == '[') {
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

bool scan_object(std::string_view text, std::vector<json::member>& members) {
  members.clear();
  validator v{text.data(), text.data() + text.size()};
  v.ws();
  if (v.p >= v.e || *v.p != '{') return false;
  if (!v.object(1, &members)) return false;
  v.ws();
  return v.p == v.e;
}

const char* members_at(const char* p, const char* e, std::vector<json::member>& members) {
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
    members.push_back(json::member{key, std::string_view(vs, static_cast<std::size_t>(p - vs)), kind_of(*vs)});
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

#include "ndjson/value.hpp"

#include <algorithm>
#include <cstring>

#include <simdjson.h>

#include "core/utf8.hpp"

namespace claimkit::ndjson {

namespace od = simdjson::ondemand;

struct document::impl {
  od::parser parser;
  // The members of every object and elements of every array, each
  // container's children contiguous; containers in order of their opening
  // bracket (so a binary search finds one by its first byte).
  struct container {
    const char* start;
    std::uint32_t first, count;
  };
  std::vector<member> entries;
  std::vector<container> containers;
  std::vector<member> stack;  // children of the containers still open
  std::string copy;           // padded copy of a text that came without padding
};

namespace {

constexpr int kMaxDepth = 64;

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

enum class where { object, array, root };

// simdjson's first stage reports bad UTF-8, raw control characters in
// strings and unclosed strings for the text as a whole; the position and
// wording every tool prints come from here. Runs only for rejected lines.
void locate_stage1(simdjson::error_code code, const char* text, std::size_t n, parse_error& err) {
  if (code == simdjson::UNCLOSED_STRING) {
    err = parse_error{n, "unterminated string"};
    return;
  }
  const auto* b = reinterpret_cast<const unsigned char*>(text);
  bool in = false;
  for (std::size_t i = 0; i < n;) {
    unsigned c = b[i];
    if (in && c == '\\') {
      i += 2;
      continue;
    }
    if (c == '"') {
      in = !in;
      ++i;
      continue;
    }
    if (in && c < 0x20) {
      err = parse_error{i, "control character in string"};
      return;
    }
    if (c >= 0x80) {
      int len = static_cast<int>(utf8::sequence_length(b + i, n - i));
      if (len == 0) {
        err = parse_error{i, in ? "invalid UTF-8 in string" : "unexpected character"};
        return;
      }
      i += static_cast<std::size_t>(len);
      continue;
    }
    ++i;
  }
  err = parse_error{0, code == simdjson::DEPTH_ERROR ? "nesting too deep" : "unexpected character"};
}

// Walks one document with simdjson On-Demand, checking what On-Demand
// leaves to the reader (escapes, number syntax, literals, the bytes after a
// value), and records every container's children in the index. Scalars are
// not converted: their raw text is what the tools keep, and checking the
// grammar on it accepts what RFC 8259 accepts (1e999, 100 digits), where a
// conversion would refuse numbers a double cannot hold.
//
// Speed: one iterate() per line, in place. Measured on 100,000 status
// records (107 MB, scripts/bench-status-normalize's generator), user CPU on
// the shared 2-core machine: this walk and index 0.38-0.40 s; simdjson-floor
// (iterate_many, every value decoded or converted) 0.37-0.39 s; the floor
// with one iterate() per line 0.36-0.46 s. iterate_many gains nothing on
// records of ~1 KB and cannot go on past a bad line, so lines are parsed one
// by one. The index (children of every container, found by a binary search
// on the opening byte) is what lets the normalizer, claim-age and pm-push
// read nested statuses, lines and payer objects without a second parse.
class walker {
 public:
  walker(document::impl& d, od::document& doc, const char* b, const char* e, parse_error& err)
      : d_(d), doc_(doc), b_(b), e_(e), err_(err) {}

  bool root(const char* s, bool object_only) {
    const char* t = trim_end(s, e_);
    if (*s == '{' || *s == '[') {
      od::value v;
      if (doc_.get_value().get(v) != simdjson::SUCCESS) return fail(s, "unexpected character");
      member m{};
      if (!value(v, 0, where::root, m)) return false;
      const char* at = here();
      if (at < e_)
        return fail(at, object_only ? "unexpected text after the object" : "unexpected text after the value");
      return true;
    }
    member m{};
    return scalar(s, t, where::root, m);
  }

 private:
  bool fail(const char* at, const char* msg) {
    err_.offset = static_cast<std::size_t>(std::min(at, e_) - b_);
    err_.message = msg;
    return false;
  }
  static const char* trim_end(const char* s, const char* t) {
    while (t > s && is_ws(t[-1])) --t;
    return t;
  }
  // Where simdjson's iterator stands: the next token, or the end.
  const char* here() {
    const char* loc = nullptr;
    if (doc_.current_location().get(loc) != simdjson::SUCCESS || loc > e_) return e_;
    return loc;
  }
  bool after_value(const char* at, where w) {
    if (w == where::object) return fail(at, "expected ',' or '}' in object");
    if (w == where::array) return fail(at, "expected ',' or ']' in array");
    return fail(at, "unexpected text after the value");
  }

  // The string whose opening quote is q: escapes checked (simdjson checks
  // them only when it decodes, and would refuse a lone \ud800, which the
  // tools take and decode to U+FFFD); close gets its closing quote.
  bool string_at(const char* q, const char*& close) {
    const char* p = q + 1;
    for (;;) {
      char c = *p;
      if (c == '"') break;
      if (c != '\\') {
        ++p;
        continue;
      }
      char x = p[1];
      if (x == 'u') {
        for (int i = 2; i <= 5; ++i) {
          if (!is_hex(p[i])) return fail(p + 1, "bad \\u escape in string");
        }
        p += 6;
        continue;
      }
      if (x != '"' && x != '\\' && x != '/' && x != 'b' && x != 'f' && x != 'n' && x != 'r' && x != 't') {
        return fail(p + 1, "bad escape in string");
      }
      p += 2;
    }
    close = p;
    return true;
  }

  const char* number_end(const char* p, const char* t) {
    if (p < t && *p == '-') ++p;
    if (p >= t || !is_digit(*p)) return fail(p, "bad number"), nullptr;
    if (*p == '0') {
      ++p;
    } else {
      while (p < t && is_digit(*p)) ++p;
    }
    if (p < t && *p == '.') {
      ++p;
      if (p >= t || !is_digit(*p)) return fail(p, "bad number"), nullptr;
      while (p < t && is_digit(*p)) ++p;
    }
    if (p < t && (*p == 'e' || *p == 'E')) {
      ++p;
      if (p < t && (*p == '+' || *p == '-')) ++p;
      if (p >= t || !is_digit(*p)) return fail(p, "bad number"), nullptr;
      while (p < t && is_digit(*p)) ++p;
    }
    return p;
  }

  bool literal(const char* s, const char* t, std::string_view word, where w, member& m, kind k) {
    if (static_cast<std::size_t>(t - s) < word.size() || std::string_view(s, word.size()) != word) {
      return fail(s, "invalid literal");
    }
    if (s + word.size() != t) return after_value(s + word.size(), w);
    m.value = std::string_view(s, word.size());
    m.kind = k;
    return true;
  }

  // A value that is not a container: [s, t) is its token, simdjson's span
  // up to the next structural byte, trailing blanks removed.
  bool scalar(const char* s, const char* t, where w, member& m) {
    switch (*s) {
      case '"': {
        const char* close = nullptr;
        if (!string_at(s, close)) return false;
        if (close + 1 != t) return after_value(close + 1, w);
        m.value = std::string_view(s, static_cast<std::size_t>(t - s));
        m.kind = kind::string;
        return true;
      }
      case 't': return literal(s, t, "true", w, m, kind::boolean);
      case 'f': return literal(s, t, "false", w, m, kind::boolean);
      case 'n': return literal(s, t, "null", w, m, kind::null);
      default: break;
    }
    if (*s != '-' && !is_digit(*s)) return fail(s, "unexpected character");
    const char* ne = number_end(s, t);
    if (ne == nullptr) return false;
    if (ne != t) return after_value(ne, w);
    m.value = std::string_view(s, static_cast<std::size_t>(t - s));
    m.kind = kind::number;
    return true;
  }

  bool value(od::value v, int depth, where w, member& m) {
    std::string_view tok = v.raw_json_token();
    const char* s = tok.data();
    if (s == nullptr || s >= e_) return fail(e_, "unexpected end of input");
    if (*s == '{' || *s == '[') {
      if (depth + 1 > kMaxDepth) return fail(s, "nesting too deep");
      return *s == '{' ? object(v, s, depth + 1, m) : array(v, s, depth + 1, m);
    }
    return scalar(s, trim_end(s, std::min(s + tok.size(), e_)), w, m);
  }

  // The iteration of the container opened at open failed at the token
  // simdjson stands at: name what was expected there, as the grammar says.
  bool broken(const char* open, const char* last_end, where w) {
    const char* at = here();
    const char* pp = at;
    while (pp > open + 1 && is_ws(pp[-1])) --pp;
    if (w == where::object) {
      if (last_end != nullptr && pp == last_end) return fail(at, "expected ',' or '}' in object");
      if (pp[-1] == ',' || pp - 1 == open) return fail(at, "expected object key");
      return fail(at, "expected ':' after object key");
    }
    if (last_end != nullptr && pp == last_end) return fail(at, "expected ',' or ']' in array");
    if (at >= e_) return fail(e_, "unexpected end of input");
    return fail(at, "unexpected character");
  }

  // Past the container opened at open, once simdjson has left it: its
  // closing bracket is the last byte before the next token.
  std::string_view span_from(const char* open) {
    const char* close = trim_end(open, here());
    return std::string_view(open, static_cast<std::size_t>(close - open));
  }

  std::size_t open_slot(const char* open) {
    d_.containers.push_back(document::impl::container{open, 0, 0});
    return d_.containers.size() - 1;
  }
  void close_slot(std::size_t slot, std::size_t mark) {
    auto& c = d_.containers[slot];
    c.first = static_cast<std::uint32_t>(d_.entries.size());
    c.count = static_cast<std::uint32_t>(d_.stack.size() - mark);
    d_.entries.insert(d_.entries.end(), d_.stack.begin() + static_cast<std::ptrdiff_t>(mark), d_.stack.end());
    d_.stack.resize(mark);
  }

  bool object(od::value v, const char* open, int depth, member& out) {
    od::object o;
    if (v.get_object().get(o) != simdjson::SUCCESS) return broken(open, nullptr, where::object);
    const std::size_t slot = open_slot(open), mark = d_.stack.size();
    const char* last_end = nullptr;
    for (auto fr : o) {
      od::field f;
      if (std::move(fr).get(f) != simdjson::SUCCESS) return broken(open, last_end, where::object);
      const char* k = f.key().raw();
      const char* kclose = nullptr;
      if (!string_at(k - 1, kclose)) return false;
      member m{std::string_view(k, static_cast<std::size_t>(kclose - k)), {}, kind::null};
      if (!value(f.value(), depth, where::object, m)) return false;
      last_end = m.value.data() + m.value.size();
      d_.stack.push_back(m);
    }
    close_slot(slot, mark);
    out.value = span_from(open);
    out.kind = kind::object;
    return true;
  }

  bool array(od::value v, const char* open, int depth, member& out) {
    od::array a;
    if (v.get_array().get(a) != simdjson::SUCCESS) return broken(open, nullptr, where::array);
    const std::size_t slot = open_slot(open), mark = d_.stack.size();
    const char* last_end = nullptr;
    for (auto er : a) {
      od::value ev;
      if (std::move(er).get(ev) != simdjson::SUCCESS) return broken(open, last_end, where::array);
      member m{{}, {}, kind::null};
      if (!value(ev, depth, where::array, m)) return false;
      last_end = m.value.data() + m.value.size();
      d_.stack.push_back(m);
    }
    close_slot(slot, mark);
    out.value = span_from(open);
    out.kind = kind::array;
    return true;
  }

  document::impl& d_;
  od::document& doc_;
  const char* b_;
  const char* e_;
  parse_error& err_;
};

inline std::string_view rebase(std::string_view v, const char* from, const char* to) {
  if (v.data() == nullptr) return v;
  return std::string_view(to + (v.data() - from), v.size());
}

}  // namespace

document::document() : impl_(std::make_unique<impl>()) {}
document::~document() = default;

bool document::parse_object(std::string_view text, parse_error& err, bool padded) {
  return parse(text, err, padded, true);
}
bool document::parse_value(std::string_view text, parse_error& err, bool padded) {
  return parse(text, err, padded, false);
}

bool document::parse(std::string_view text, parse_error& err, bool padded, bool object_only) {
  impl& d = *impl_;
  d.entries.clear();
  d.containers.clear();
  d.stack.clear();
  text_ = text;
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n && is_ws(text[i])) ++i;
  if (object_only && (i == n || text[i] != '{')) {
    err = parse_error{i, i == n ? "empty record" : "record is not a JSON object"};
    return false;
  }
  if (i == n) {
    err = parse_error{i, "unexpected end of input"};
    return false;
  }
  const char* base = text.data();
  if (!padded) {
    // Configuration files and response bodies come without simdjson's
    // padding; records from the line reader have it and are parsed in
    // place, with no copy of the line.
    d.copy.resize(n + kPadding);
    std::memcpy(d.copy.data(), text.data(), n);
    std::memset(d.copy.data() + n, 0, kPadding);
    base = d.copy.data();
  }
  od::document doc;
  auto code = d.parser.iterate(simdjson::padded_string_view(base, n, n + kPadding)).get(doc);
  if (code != simdjson::SUCCESS) {
    locate_stage1(code, base, n, err);
    return false;
  }
  walker w(d, doc, base, base + n, err);
  if (!w.root(base + i, object_only)) return false;
  if (!padded) {
    for (auto& m : d.entries) {
      m.key = rebase(m.key, base, text.data());
      m.value = rebase(m.value, base, text.data());
    }
    for (auto& c : d.containers) c.start = text.data() + (c.start - base);
  }
  return true;
}

std::span<const member> document::children(std::string_view raw, char open) const {
  const impl& d = *impl_;
  std::size_t i = 0;
  while (i < raw.size() && is_ws(raw[i])) ++i;
  if (i == raw.size() || raw[i] != open) return {};
  const char* p = raw.data() + i;
  auto it = std::lower_bound(d.containers.begin(), d.containers.end(), p,
                             [](const impl::container& c, const char* q) { return c.start < q; });
  if (it == d.containers.end() || it->start != p) return {};
  return std::span<const member>(d.entries.data() + it->first, it->count);
}

std::span<const member> document::members() const {
  if (impl_->containers.empty() || *impl_->containers.front().start != '{') return {};
  const auto& c = impl_->containers.front();
  return std::span<const member>(impl_->entries.data() + c.first, c.count);
}
std::span<const member> document::members_of(std::string_view raw) const { return children(raw, '{'); }
std::span<const member> document::elements_of(std::string_view raw) const { return children(raw, '['); }

bool parse_object(std::string_view text, std::vector<member>& members, parse_error& err) {
  members.clear();
  document doc;
  if (!doc.parse_object(text, err)) return false;
  auto ms = doc.members();
  members.assign(ms.begin(), ms.end());
  return true;
}

bool validate(std::string_view text, parse_error& err) {
  document doc;
  return doc.parse_value(text, err);
}

void members_of(std::string_view object_text, std::vector<member>& members, const document* doc) {
  members.clear();
  if (doc != nullptr && doc->holds(object_text)) {
    auto ms = doc->members_of(object_text);
    members.assign(ms.begin(), ms.end());
    return;
  }
  document local;
  parse_error err;
  if (!local.parse_value(object_text, err)) return;
  auto ms = local.members_of(object_text);
  members.assign(ms.begin(), ms.end());
}

void elements_of(std::string_view array_text, std::vector<std::string_view>& elements, const document* doc) {
  elements.clear();
  std::span<const member> es;
  document local;
  if (doc != nullptr && doc->holds(array_text)) {
    es = doc->elements_of(array_text);
  } else {
    parse_error err;
    if (!local.parse_value(array_text, err)) return;
    es = local.elements_of(array_text);
  }
  for (const auto& e : es) elements.push_back(e.value);
}

namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

void unescape(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    char x = raw[++i];
    switch (x) {
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        std::uint32_t cp = 0;
        for (int k = 1; k <= 4; ++k) cp = (cp << 4) | static_cast<std::uint32_t>(hexval(raw[i + k]));
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
          std::uint32_t lo = 0;
          for (int k = 3; k <= 6; ++k) lo = (lo << 4) | static_cast<std::uint32_t>(hexval(raw[i + k]));
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        put_utf8(out, cp);
        break;
      }
      default: out.push_back(x);
    }
  }
}

const member* find(std::span<const member> members, std::string_view key) {
  for (const auto& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

}  // namespace claimkit::ndjson

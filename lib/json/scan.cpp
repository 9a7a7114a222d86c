#include "json/scan.hpp"

#include <cctype>
#include <cstdint>

namespace claimkit::json {
namespace {

class scanner {
 public:
  scanner(std::string_view t, int max_depth) : p_(t.data()), b_(t.data()), e_(t.data() + t.size()), max_depth_(max_depth) {}

  bool fail(const char* msg) {
    if (err_.message.empty()) {
      err_.offset = static_cast<std::size_t>(p_ - b_);
      err_.message = msg;
    }
    return false;
  }
  void ws() {
    while (p_ < e_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool at_end() { ws(); return p_ == e_; }

  bool string() {
    ++p_;  // opening quote
    while (p_ < e_) {
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') { ++p_; return true; }
      if (c < 0x20) return fail("control character in string");
      if (c == '\\') {
        ++p_;
        if (p_ >= e_) break;
        char x = *p_;
        if (x == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (p_ + i >= e_ || !std::isxdigit(static_cast<unsigned char>(p_[i]))) return fail("bad \\u escape in string");
          }
          p_ += 5;
          continue;
        }
        if (x != '"' && x != '\\' && x != '/' && x != 'b' && x != 'f' && x != 'n' && x != 'r' && x != 't') {
          return fail("bad escape in string");
        }
        ++p_;
        continue;
      }
      if (c < 0x80) { ++p_; continue; }
      // UTF-8 validation
      int n;
      std::uint32_t cp;
      if (c >= 0xC2 && c <= 0xDF) { n = 2; cp = c & 0x1F; }
      else if (c >= 0xE0 && c <= 0xEF) { n = 3; cp = c & 0x0F; }
      else if (c >= 0xF0 && c <= 0xF4) { n = 4; cp = c & 0x07; }
      else return fail("invalid UTF-8 in string");
      if (e_ - p_ < n) return fail("invalid UTF-8 in string");
      for (int i = 1; i < n; ++i) {
        auto cc = static_cast<unsigned char>(p_[i]);
        if ((cc & 0xC0) != 0x80) return fail("invalid UTF-8 in string");
        cp = (cp << 6) | (cc & 0x3F);
      }
      if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        return fail("invalid UTF-8 in string");
      }
      p_ += n;
    }
    return fail("unterminated string");
  }

  bool number() {
    if (p_ < e_ && *p_ == '-') ++p_;
    if (p_ >= e_ || !std::isdigit(static_cast<unsigned char>(*p_))) return fail("bad number");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < e_ && std::isdigit(static_cast<unsigned char>(*p_))) ++p_;
    }
    if (p_ < e_ && *p_ == '.') {
      ++p_;
      if (p_ >= e_ || !std::isdigit(static_cast<unsigned char>(*p_))) return fail("bad number");
      while (p_ < e_ && std::isdigit(static_cast<unsigned char>(*p_))) ++p_;
    }
    if (p_ < e_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < e_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= e_ || !std::isdigit(static_cast<unsigned char>(*p_))) return fail("bad number");
      while (p_ < e_ && std::isdigit(static_cast<unsigned char>(*p_))) ++p_;
    }
    return true;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(e_ - p_) < word.size() || std::string_view(p_, word.size()) != word) {
      return fail("invalid literal");
    }
    p_ += word.size();
    return true;
  }

  // Parses a value; when members is non-null and the value is an object at
  // depth 0, its members are listed.
  bool value(int depth, std::vector<member>* members, json::kind* k) {
    ws();
    if (p_ >= e_) return fail("unexpected end of input");
    switch (*p_) {
      case '"': if (k) *k = kind::string; return string();
      case '{': if (k) *k = kind::object; return object(depth + 1, members);
      case '[': if (k) *k = kind::array; return array(depth + 1);
      case 't': if (k) *k = kind::boolean; return literal("true");
      case 'f': if (k) *k = kind::boolean; return literal("false");
      case 'n': if (k) *k = kind::null; return literal("null");
      default:
        if (*p_ == '-' || std::isdigit(static_cast<unsigned char>(*p_))) {
          if (k) *k = kind::number;
          return number();
        }
        return fail("unexpected character");
    }
  }

  bool object(int depth, std::vector<member>* members) {
    if (depth > max_depth_) return fail("nesting too deep");
    ++p_;
    ws();
    if (p_ < e_ && *p_ == '}') { ++p_; return true; }
    for (;;) {
      ws();
      if (p_ >= e_ || *p_ != '"') return fail("expected object key");
      const char* ks = p_ + 1;
      if (!string()) return false;
      std::string_view key(ks, static_cast<std::size_t>(p_ - 1 - ks));
      ws();
      if (p_ >= e_ || *p_ != ':') return fail("expected ':' after object key");
      ++p_;
      ws();
      const char* vs = p_;
      json::kind k{};
      if (!value(depth, nullptr, &k)) return false;
      if (members) members->push_back(member{key, std::string_view(vs, static_cast<std::size_t>(p_ - vs)), k});
      ws();
      if (p_ < e_ && *p_ == ',') { ++p_; continue; }
      if (p_ < e_ && *p_ == '}') { ++p_; return true; }
      return fail("expected ',' or '}' in object");
    }
  }

  bool array(int depth) {
    if (depth > max_depth_) return fail("nesting too deep");
    ++p_;
    ws();
    if (p_ < e_ && *p_ == ']') { ++p_; return true; }
    for (;;) {
      if (!value(depth, nullptr, nullptr)) return false;
      ws();
      if (p_ < e_ && *p_ == ',') { ++p_; continue; }
      if (p_ < e_ && *p_ == ']') { ++p_; return true; }
      return fail("expected ',' or ']' in array");
    }
  }

  const char* p_;
  const char* b_;
  const char* e_;
  int max_depth_;
  scan_error err_;
};

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

bool scan_object(std::string_view text, std::vector<member>& members, scan_error& err, int max_depth) {
  members.clear();
  scanner s(text, max_depth);
  s.ws();
  if (s.p_ >= s.e_ || *s.p_ != '{') {
    s.fail(s.p_ >= s.e_ ? "empty record" : "record is not a JSON object");
    err = s.err_;
    return false;
  }
  if (!s.object(1, &members) || !s.at_end()) {
    if (s.err_.message.empty()) s.fail("unexpected text after the object");
    err = s.err_;
    return false;
  }
  return true;
}

bool scan_value(std::string_view text, scan_error& err, int max_depth) {
  scanner s(text, max_depth);
  if (!s.value(0, nullptr, nullptr) || !s.at_end()) {
    if (s.err_.message.empty()) s.fail("unexpected text after the value");
    err = s.err_;
    return false;
  }
  return true;
}

void unescape(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\') { out.push_back(c); continue; }
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
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size() + 0 && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
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

void members_of(std::string_view object_text, std::vector<member>& members) {
  scan_error err;
  scan_object(object_text, members, err);
}

void elements_of(std::string_view array_text, std::vector<std::string_view>& elements) {
  elements.clear();
  scanner s(array_text, 1 << 20);
  s.ws();
  if (s.p_ >= s.e_ || *s.p_ != '[') return;
  ++s.p_;
  s.ws();
  if (s.p_ < s.e_ && *s.p_ == ']') return;
  for (;;) {
    s.ws();
    const char* vs = s.p_;
    if (!s.value(1, nullptr, nullptr)) return;
    elements.emplace_back(vs, static_cast<std::size_t>(s.p_ - vs));
    s.ws();
    if (s.p_ < s.e_ && *s.p_ == ',') { ++s.p_; continue; }
    return;
  }
}

const member* find(const std::vector<member>& members, std::string_view key) {
  for (const auto& m : members) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

}  // namespace claimkit::json

#include "x12/delimiters.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace claimkit::x12 {
namespace {

bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

bool looks_like_isa(std::string_view text) {
  // Line breaks are skipped: files wrapped at a fixed width may break
  // anywhere, even inside the tag.
  char t[6];
  std::size_t n = 0;
  for (std::size_t k = 0; k < text.size() && n < 6 && k < 64; ++k) {
    if (n > 0 && (text[k] == '\n' || text[k] == '\r')) continue;
    t[n++] = text[k];
  }
  // ISA01 is always a two-digit qualifier ("00", "03"): that tells an ISA
  // from prose that merely mentions one ("ISA, GS and ST envelopes").
  return n == 6 && t[0] == 'I' && t[1] == 'S' && t[2] == 'A' && !is_alnum(t[3]) && !is_space(t[3]) && t[3] != '\0' &&
         std::isdigit(static_cast<unsigned char>(t[4])) != 0 && std::isdigit(static_cast<unsigned char>(t[5])) != 0;
}

namespace {
isa_scan scan_plain(std::string_view text, bool at_eof);
}

isa_scan scan_isa(std::string_view text, bool at_eof) {
  isa_scan r = scan_plain(text, at_eof);
  if (r.result == isa_scan::status::need_more) return r;
  if (r.result == isa_scan::status::ok) {
    if (r.delims.segment != '\n' && r.delims.segment != '\r') return r;
    // A line break right after ISA16 may be a wrap, not the terminator: then
    // a delimiter follows the break and a segment tag follows that.
    std::size_t k = r.length;
    while (k < text.size() && (text[k] == '\n' || text[k] == '\r')) ++k;
    if (k + 1 < text.size() && !is_alnum(text[k]) && !is_space(text[k]) && text[k] != '\0' &&
        text[k] != r.delims.element && std::isupper(static_cast<unsigned char>(text[k + 1])) != 0) {
      r.delims.segment = text[k];
      r.length = k + 1;
    }
    return r;
  }
  // Files wrapped at a fixed width break the ISA itself over lines: try again
  // without line breaks, then map the length back to the original text.
  std::string clean;
  std::vector<std::size_t> where;
  for (std::size_t k = 0; k < text.size() && clean.size() < 512; ++k) {
    if (text[k] == '\n' || text[k] == '\r') continue;
    clean.push_back(text[k]);
    where.push_back(k);
  }
  if (clean.size() == text.size()) return r;
  isa_scan w = scan_plain(clean, at_eof);
  if (w.result == isa_scan::status::need_more) return w;
  if (w.result != isa_scan::status::ok) return r;
  w.length = where[w.length - 1] + 1;
  return w;
}

namespace {

isa_scan scan_plain(std::string_view text, bool at_eof) {
  isa_scan r;
  // A padded ISA is 106 bytes; allow generous slack for unpadded or
  // over-long fields but stop well before swallowing a whole file.
  constexpr std::size_t kMaxIsa = 512;
  if (text.size() < 4) {
    r.result = at_eof ? isa_scan::status::invalid : isa_scan::status::need_more;
    r.problem = "ISA segment is truncated";
    r.ta1_code = "023";
    return r;
  }
  const char elem = text[3];
  if (is_alnum(elem) || is_space(elem) || elem == '\0') {
    r.problem = "ISA element separator is not a delimiter character";
    r.ta1_code = "026";
    return r;
  }
  int seps = 1;
  std::size_t i = 4;
  std::size_t limit = text.size() < kMaxIsa ? text.size() : kMaxIsa;
  std::size_t isa11_begin = 0, isa11_end = 0;
  for (; i < limit && seps < 16; ++i) {
    if (text[i] == elem) {
      ++seps;
      if (seps == 11) isa11_begin = i + 1;
      if (seps == 12) isa11_end = i;
    }
  }
  if (seps < 16 || i + 1 >= text.size()) {
    if (!at_eof && text.size() < kMaxIsa) {
      r.result = isa_scan::status::need_more;
      return r;
    }
    r.problem = seps < 16 ? "ISA segment has fewer than 16 elements" : "ISA segment is truncated";
    r.ta1_code = seps < 16 ? "024" : "023";
    return r;
  }
  // text[i] is ISA16 (component separator), text[i + 1] the segment terminator.
  const char comp = text[i];
  const char term = text[i + 1];
  // A line break or the would-be terminator among the ISA elements means the
  // count ran on into the next segment: the ISA itself is short.
  for (std::size_t k = 4; k < i; ++k) {
    if (text[k] == '\n' || text[k] == '\r' || text[k] == term || text[k] == '~') {
      if (term == '\n' && text[k] == '\r') continue;
      r.problem = "ISA segment has fewer than 16 elements";
      r.ta1_code = "024";
      return r;
    }
  }
  if (is_alnum(comp) || comp == elem || comp == ' ' || comp == '\n' || comp == '\r') {
    r.problem = "ISA16 component separator is not a delimiter character";
    r.ta1_code = "027";
    return r;
  }
  if (is_alnum(term) || term == elem || term == comp || term == ' ') {
    r.problem = "ISA segment terminator is not a delimiter character";
    r.ta1_code = "004";
    return r;
  }
  r.delims.element = elem;
  r.delims.component = comp;
  r.delims.segment = term;
  // ISA11 is a repetition separator in 00501 and later; earlier versions put
  // the code "U" there. Take it only when it is one delimiter character.
  if (isa11_end == isa11_begin + 1) {
    char rep = text[isa11_begin];
    if (!is_alnum(rep) && rep != ' ' && rep != elem && rep != comp && rep != term) r.delims.repetition = rep;
  }
  r.length = i + 2;
  r.result = isa_scan::status::ok;
  return r;
}

}  // namespace

}  // namespace claimkit::x12

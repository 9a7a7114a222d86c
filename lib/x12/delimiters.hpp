#pragma once

#include <cstddef>
#include <string_view>

namespace claimkit::x12 {

/// The four delimiters of an interchange, as its ISA segment declares them.
struct delimiters {
  char element = '*';
  char component = ':';
  char repetition = '\0';  // '\0': none (ISA11 is a code such as "U")
  char segment = '~';
};

/// Result of reading delimiters off an ISA segment.
struct isa_scan {
  enum class status { ok, need_more, invalid } result = status::invalid;
  delimiters delims;
  std::size_t length = 0;     // bytes of the ISA segment, terminator included
  const char* problem = "";   // for invalid: what is wrong (no values)
  const char* ta1_code = "";  // the TA1 note code a receiver would send
};

/// Reads the delimiters from text starting at "ISA". The element separator is
/// the byte after "ISA"; fields are found by counting element separators (not
/// by fixed offsets), so an ISA whose fields are not padded still works.
/// ISA16 is the component separator and the byte after it ends the segment.
/// at_eof tells whether more text could follow (need_more is only returned
/// when it could).
isa_scan scan_isa(std::string_view text, bool at_eof);

/// True when text begins with "ISA" followed by a plausible element separator.
bool looks_like_isa(std::string_view text);

}  // namespace claimkit::x12

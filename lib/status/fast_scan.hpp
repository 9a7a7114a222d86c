#pragma once

#include <string_view>
#include <vector>

#include "core/cpu.hpp"
#include "json/scan.hpp"

namespace claimkit::status::fast {

/// The same check as json::scan_object (RFC 8259 grammar, UTF-8, nesting at
/// most 64), tuned for long runs of plain string bytes: status-normalize must
/// keep up with a million records a second. It only answers yes or no; on no
/// the caller asks json::scan_object for the message, so messages stay the
/// ones every tool prints.
bool scan_object(std::string_view text, std::vector<json::member>& members);

/// The vector width the block-mask path of scan_object uses. Every choice
/// gives the same answers; scan_object takes the widest the CPU has, and
/// tests pin each in turn. Returns false (and changes nothing) when the CPU
/// lacks it.
bool use_block_isa(cpu::vector_isa isa);

/// Splitters for text already validated: no checks, just boundaries. Inside
/// the record scan_object accepted last (on this thread) they walk the
/// structural positions it found; elsewhere they read the bytes. So the text
/// of that record must not change until the next scan_object call.
void members_of(std::string_view object_text, std::vector<json::member>& members);
void elements_of(std::string_view array_text, std::vector<std::string_view>& elements);
/// Appends the members of the object starting at p (its '{') to members and
/// returns the position past its '}': one pass for arrays of objects.
const char* members_at(const char* p, const char* e, std::vector<json::member>& members);
/// The members of the object starting at p (its '{') when it lies in the
/// record scan_object accepted last on the block-mask path: points into that
/// record's index (valid until the next scan_object call), sets count and
/// end (past its '}'). Null otherwise; members_at then does the work.
const json::member* indexed_members(const char* p, std::size_t& count, const char*& end);
/// The raw value of the first member named key (escape-free key), or empty;
/// stops at the match, so a key near the front is found cheaply.
std::string_view member_value(std::string_view object_text, std::string_view key);
/// True when text lies inside the record scan_object accepted last on the
/// block-mask path, which holds no backslash: its strings need no decoding.
bool escape_free(std::string_view text);
/// Skips whitespace, and the value at p; for walking arrays of mixed values.
const char* skip_ws(const char* p, const char* e);
const char* skip_value(const char* p, const char* e);

}  // namespace claimkit::status::fast

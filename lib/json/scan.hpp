#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace claimkit::json {

/// The kind of a JSON value, from its first byte.
enum class kind : char { string = 's', number = 'n', object = 'o', array = 'a', boolean = 'b', null = 'z' };

/// One member of an object: key as written (escapes not decoded) and the
/// value's exact source text, so unknown fields pass through byte for byte.
struct member {
  std::string_view key;    // between the quotes, still escaped
  std::string_view value;  // raw text of the value
  json::kind kind;
};

struct scan_error {
  std::size_t offset = 0;  // byte offset in the text
  std::string message;     // e.g. "expected ':' after object key"; never quotes the data
};

/// Validates that text is exactly one JSON object (RFC 8259: grammar,
/// escapes, number syntax, UTF-8, nesting at most max_depth) and lists its
/// top-level members in order. Returns false and fills err otherwise.
bool scan_object(std::string_view text, std::vector<member>& members, scan_error& err, int max_depth = 64);

/// Validates one JSON value of any kind (same rules).
bool scan_value(std::string_view text, scan_error& err, int max_depth = 64);

/// Decodes the inside of a JSON string literal (escapes and \u pairs) into out.
/// The text must have been validated by scan_*.
void unescape(std::string_view raw, std::string& out);

/// Lists the members of a raw object value (validated before).
void members_of(std::string_view object_text, std::vector<member>& members);
/// Lists the raw elements of a raw array value (validated before).
void elements_of(std::string_view array_text, std::vector<std::string_view>& elements);

/// Finds a member by (unescaped-equal, escape-free) key; nullptr when absent.
const member* find(const std::vector<member>& members, std::string_view key);

}  // namespace claimkit::json

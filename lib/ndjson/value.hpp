#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace claimkit::ndjson {

/// The kind of a JSON value, from its first byte.
enum class kind : char { string = 's', number = 'n', object = 'o', array = 'a', boolean = 'b', null = 'z' };

/// One member of an object (or, with an empty key, one element of an array):
/// the key as written (escapes not decoded) and the value's exact source
/// text, so unknown fields pass through byte for byte and amounts keep their
/// digits.
struct member {
  std::string_view key;    // between the quotes, still escaped
  std::string_view value;  // raw text of the value
  ndjson::kind kind;
};

struct parse_error {
  std::size_t offset = 0;  // byte offset in the text
  std::string message;     // e.g. "expected ':' after object key"; never quotes the data
};

/// Bytes that must be readable after a text handed over as padded: simdjson
/// reads whole vector blocks past the end.
constexpr std::size_t kPadding = 64;

/// One JSON text parsed with simdjson On-Demand, every value validated
/// (RFC 8259 grammar, escapes, number syntax, UTF-8, nesting at most 64), and
/// every object and array of it indexed, so its members can be listed again
/// without another parse. Spans point into the caller's text, which must
/// outlive the document's use. A document is reused from text to text: it
/// keeps its parser and buffers, and nothing else.
class document {
 public:
  document();
  ~document();
  document(const document&) = delete;
  document& operator=(const document&) = delete;

  /// text must be exactly one JSON object. padded: kPadding readable bytes
  /// follow text (the line reader promises it), so it is parsed in place;
  /// otherwise it is copied into a padded buffer first.
  bool parse_object(std::string_view text, parse_error& err, bool padded = false);
  /// text must be exactly one JSON value of any kind.
  bool parse_value(std::string_view text, parse_error& err, bool padded = false);

  /// The members of the root object, in order.
  std::span<const member> members() const;
  /// The members of an object value of this document (a span it handed
  /// out, or the root text), the elements of an array value; empty when raw
  /// is not one of its containers.
  std::span<const member> members_of(std::string_view raw) const;
  std::span<const member> elements_of(std::string_view raw) const;
  /// True when raw lies inside the last text parsed.
  bool holds(std::string_view raw) const {
    return raw.data() >= text_.data() && raw.data() + raw.size() <= text_.data() + text_.size();
  }

  struct impl;

 private:
  bool parse(std::string_view text, parse_error& err, bool padded, bool object_only);
  std::span<const member> children(std::string_view raw, char open) const;
  std::unique_ptr<impl> impl_;
  std::string_view text_;
};

/// Validates text as one JSON object and lists its top-level members
/// (spans into text). Returns false and fills err otherwise.
bool parse_object(std::string_view text, std::vector<member>& members, parse_error& err);
/// Validates text as one JSON value of any kind.
bool validate(std::string_view text, parse_error& err);

/// Lists the members of a raw object value / the elements of a raw array
/// value (validated before). When doc holds the text, its index answers;
/// otherwise the text is parsed again. Empty when the text is not one.
void members_of(std::string_view object_text, std::vector<member>& members, const document* doc = nullptr);
void elements_of(std::string_view array_text, std::vector<std::string_view>& elements, const document* doc = nullptr);

/// Decodes the inside of a JSON string literal (escapes and \u pairs; a lone
/// surrogate becomes U+FFFD) into out. The text must have been validated.
void unescape(std::string_view raw, std::string& out);

/// Finds a member by (escape-free) key; nullptr when absent.
const member* find(std::span<const member> members, std::string_view key);
inline const member* find(const std::vector<member>& members, std::string_view key) {
  return find(std::span<const member>(members), key);
}

}  // namespace claimkit::ndjson

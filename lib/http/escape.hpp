#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace claimkit::http {

/// Percent-encodes every byte but the RFC 3986 unreserved characters
/// (letters, digits, '-', '.', '_', '~'), with uppercase hex: one path
/// segment, or one name or value of a form body. libcurl does the work
/// (curl_easy_escape).
std::string percent_encode(std::string_view text);

/// Decodes %XX escapes (libcurl's curl_easy_unescape); nothing when a '%' is
/// not followed by two hex digits. '+' stays '+'.
std::optional<std::string> percent_decode(std::string_view text);

}  // namespace claimkit::http

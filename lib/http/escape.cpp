#include "http/escape.hpp"

#include <cctype>
#include <climits>
#include <memory>

#include <curl/curl.h>

#include "core/error.hpp"

namespace claimkit::http {
namespace {

using curl_text = std::unique_ptr<char, decltype(&curl_free)>;

// libcurl takes an int length; texts here are URLs and form fields.
int curl_length(std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) throw error(cli::exit_code::internal, "text too long to encode");
  return static_cast<int>(text.size());
}

}  // namespace

std::string percent_encode(std::string_view text) {
  if (text.empty()) return {};
  // The handle argument is ignored by libcurl since 7.82.
  curl_text out(curl_easy_escape(nullptr, text.data(), curl_length(text)), curl_free);
  if (!out) throw error(cli::exit_code::internal, "out of memory encoding a URL");
  return out.get();
}

std::optional<std::string> percent_decode(std::string_view text) {
  // curl_easy_unescape keeps a malformed escape as text; it is refused here.
  for (std::size_t i = text.find('%'); i != std::string_view::npos; i = text.find('%', i + 1)) {
    if (i + 2 >= text.size() || !std::isxdigit(static_cast<unsigned char>(text[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      return std::nullopt;
    }
  }
  if (text.empty()) return std::string();
  int len = 0;
  curl_text out(curl_easy_unescape(nullptr, text.data(), curl_length(text), &len), curl_free);
  if (!out) throw error(cli::exit_code::internal, "out of memory decoding a URL");
  return std::string(out.get(), static_cast<std::size_t>(len));
}

}  // namespace claimkit::http

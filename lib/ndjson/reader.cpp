#include "ndjson/reader.hpp"

#include <cstring>

#include <fmt/format.h>

#include "core/buffers.hpp"

namespace claimkit::ndjson {

line_reader::line_reader(io::input& in, std::size_t max_line) : in_(in), max_line_(max_line) {
  buf_.resize(buffers::ndjson_read + kPadding);
}

bool line_reader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t cap = buf_.size() - kPadding;
  if (end_ == cap) {
    if (cap >= max_line_ + 1) return false;  // caller handles the over-long line
    buf_.resize(std::min(cap * 2, max_line_ + 1) + kPadding);
    cap = buf_.size() - kPadding;
  }
  std::size_t got = in_.read(buf_.data() + end_, cap - end_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool line_reader::next(line& out) {
  std::size_t scanned = 0;  // bytes after begin_ known to hold no newline
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start + scanned, '\n', end_ - begin_ - scanned);
    if (nl != nullptr) {
      std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      begin_ += len + 1;
      ++number_;
      if (len > max_line_) {
        out = line{std::string_view(), number_, true};
        return true;
      }
      if (len > 0 && start[len - 1] == '\r') --len;
      out = line{std::string_view(start, len), number_, false};
      return true;
    }
    scanned = end_ - begin_;
    if (fill()) continue;
    if (!eof_) {
      // Over-long line: drop bytes up to the next newline.
      ++number_;
      begin_ = end_ = 0;
      for (;;) {
        std::size_t got = in_.read(buf_.data(), buf_.size() - kPadding);
        if (got == 0) {
          eof_ = true;
          break;
        }
        const void* p = std::memchr(buf_.data(), '\n', got);
        if (p != nullptr) {
          begin_ = static_cast<std::size_t>(static_cast<const char*>(p) - buf_.data()) + 1;
          end_ = got;
          break;
        }
      }
      out = line{std::string_view(), number_, true};
      return true;
    }
    if (end_ == begin_) return false;
    std::size_t len = end_ - begin_;
    start = buf_.data() + begin_;
    begin_ = end_;
    ++number_;
    if (len > 0 && start[len - 1] == '\r') --len;
    out = line{std::string_view(start, len), number_, false};
    return true;
  }
}

std::string_view record::string(std::string_view key, std::string& scratch) const {
  const json::member* m = get(key);
  if (m == nullptr || m->kind != json::kind::string) return {};
  std::string_view inner = m->value.substr(1, m->value.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner;
  json::unescape(inner, scratch);
  return scratch;
}

void for_each_record(const std::vector<std::string>& inputs, cli::reporter& rep,
                     const std::function<void(record&)>& handle) {
  record rec;
  json::scan_error err;
  for (const auto& path : inputs) {
    io::input in(path);
    line_reader reader(in);
    line ln;
    while (reader.next(ln)) {
      cli::position pos{in.name(), ln.number};
      if (ln.too_long) {
        rep.error(pos, "line_too_long", "line longer than 64 MiB, skipped");
        continue;
      }
      std::string_view t = ln.text;
      std::size_t i = 0;
      while (i < t.size() && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r')) ++i;
      if (i == t.size()) continue;
      if (!json::scan_object(t, rec.members, err)) {
        rep.error(pos, "invalid_json", fmt::format("invalid JSON at column {}: {}", err.offset + 1, err.message),
                  cli::details{{}, t, {}});
        continue;
      }
      rec.text = t;
      rec.pos = pos;
      try {
        handle(rec);
      } catch (const bad_record& b) {
        rep.error(pos, b.kind, b.message, cli::details{t, {}, {}});
      }
    }
  }
}

}  // namespace claimkit::ndjson

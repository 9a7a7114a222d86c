#include "ndjson/reader.hpp"

#include <sys/mman.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/buffers.hpp"
#include "core/error.hpp"

namespace claimkit::ndjson {

line_reader::line_reader(io::input& in, std::size_t max_line, file_access access) : in_(in), max_line_(max_line) {
  buf_.resize(buffers::ndjson_read + kPadding);
  std::uint64_t size = 0, at = 0;
  if (access != file_access::map || !in.regular_file(size, at) || at >= size) return;
  next_ = at;
  size_ = size;
  mapping_ = map_window();
  if (!mapping_) stop_mapping();
}

line_reader::~line_reader() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_len_);
}

// Maps the window that starts at the page holding next_. False when there is
// nothing new to map: the line at next_ does not fit in a window, or the
// window already reaches the end of the file.
bool line_reader::map_window() {
  const std::uint64_t page = io::input::page_size();
  const std::uint64_t at = next_ & ~(page - 1);
  const std::uint64_t len = std::min<std::uint64_t>(kWindow, size_ - at);
  if (map_ != nullptr && at == map_at_ && len == map_len_) return false;
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_len_);
  map_ = in_.map(at, static_cast<std::size_t>(len));
  if (map_ == nullptr) return false;
  map_at_ = at;
  map_len_ = len;
  return true;
}

// Back to read(): the file offset moves to the first byte not handed out.
void line_reader::stop_mapping() {
  mapping_ = false;
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_len_);
  map_ = nullptr;
  if (::lseek(in_.fd(), static_cast<off_t>(next_), SEEK_SET) < 0) {
    throw error(cli::exit_code::io, fmt::format("{}: seek failed: {}", in_.name(), std::strerror(errno)));
  }
}

constexpr std::size_t kPrefetchAhead = 4096;

// The line [start, start + len) (its LF not included) as out: empty and
// flagged when too long, without the CR of a CRLF.
bool line_reader::hand_out(const char* start, std::size_t len, line& out) const {
  if (len > max_line_) {
    out = line{std::string_view(), number_, true};
    return true;
  }
  if (len > 0 && start[len - 1] == '\r') --len;
  out = line{std::string_view(start, len), number_, false};
  return true;
}

// A line from the window, when it ends there with kPadding bytes to spare.
bool line_reader::next_mapped(line& out) {
  for (;;) {
    const char* start = map_ + (next_ - map_at_);
    const char* end = map_ + map_len_;
    const auto* nl = static_cast<const char*>(std::memchr(start, '\n', static_cast<std::size_t>(end - start)));
    if (nl != nullptr && end - nl > static_cast<std::ptrdiff_t>(kPadding)) {
      std::size_t len = static_cast<std::size_t>(nl - start);
      next_ += len + 1;
      ++number_;
      // The page cache is read here for the first time, straight from
      // memory: ask for the bytes a few lines ahead now, so later lines do
      // not wait for them.
      for (const char* a = nl + kPrefetchAhead; a < nl + kPrefetchAhead + len + 1 && a < end; a += 64) {
        __builtin_prefetch(a);
      }
      return hand_out(start, len, out);
    }
    if (!map_window()) return false;
  }
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
  if (mapping_) {
    if (next_mapped(out)) return true;
    stop_mapping();
  }
  std::size_t scanned = 0;  // bytes after begin_ known to hold no newline
  for (;;) {
    const char* start = buf_.data() + begin_;
    const void* nl = std::memchr(start + scanned, '\n', end_ - begin_ - scanned);
    if (nl != nullptr) {
      std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - start);
      begin_ += len + 1;
      ++number_;
      return hand_out(start, len, out);
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
    // The last line, with no newline after it: what follows it in the
    // buffer is left from earlier reads, and simdjson may look at the byte
    // past the end; zeros make it parse as a copy of the line does (a
    // truncated `{"type"` was "unexpected end of input" in place but
    // "expected ':'" as a copy, depending on the stale byte).
    std::memset(buf_.data() + end_, 0, kPadding);
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
  const ndjson::member* m = get(key);
  if (m == nullptr || m->kind != ndjson::kind::string) return {};
  std::string_view inner = m->value.substr(1, m->value.size() - 2);
  if (inner.find('\\') == std::string_view::npos) return inner;
  ndjson::unescape(inner, scratch);
  return scratch;
}

bool parse_record(std::string_view text, document& doc, record& rec, parse_error& err, bool padded) {
  if (!doc.parse_object(text, err, padded)) return false;
  auto ms = doc.members();
  rec.members.assign(ms.begin(), ms.end());
  rec.text = text;
  rec.doc = &doc;
  return true;
}

std::string invalid_json_message(const parse_error& err) {
  return fmt::format("invalid JSON at column {}: {}", err.offset + 1, err.message);
}

void for_each_record(const std::vector<std::string>& inputs, cli::reporter& rep,
                     const std::function<void(record&)>& handle, file_access access) {
  record rec;
  document doc;
  parse_error err;
  for (const auto& path : inputs) {
    io::input in(path);
    line_reader reader(in, 64u << 20, access);
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
      if (!parse_record(t, doc, rec, err)) {
        rep.error(pos, "invalid_json", invalid_json_message(err), cli::details{{}, t, {}});
        continue;
      }
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

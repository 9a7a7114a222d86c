#pragma once

#include <cstdint>
#include <deque>
#include <istream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace claimkit::codes {

/// The three code lists a claim status carries.
enum class list { category, status, entity };

/// Short name of a list as used in messages ("claim status category code").
std::string_view list_name(list l);

struct entry {
  std::string_view code;
  std::string_view label;
};

/// The labels the project ships, written for claimkit: short, plain words.
/// They are not the official X12 text (X12 owns that); --codes loads it.
std::span<const entry> builtin(list l);

/// Code -> label lookup for the three lists. Starts with the built-in labels;
/// load_dir() adds the CSV exports a licensed user downloads, which win.
class tables {
 public:
  tables();

  /// The label for code, or empty when the code is not known.
  std::string_view label(list l, std::string_view code) const {
    const slot* s = find(l, code);
    return s == nullptr ? std::string_view() : s->label;
  }
  /// The same label as a JSON string literal, quotes included.
  std::string_view label_json(list l, std::string_view code) const {
    const slot* s = find(l, code);
    return s == nullptr ? std::string_view() : s->json;
  }
  bool known(list l, std::string_view code) const { return !label(l, code).empty(); }
  std::size_t size(list l) const { return maps_[static_cast<int>(l)].count; }

  /// Loads every CSV code list found in dir (see load_csv for the file
  /// names). Throws claimkit::error: 3 when dir cannot be read, 2 when it
  /// holds no recognisable list. Returns the number of labels loaded.
  std::size_t load_dir(const std::string& dir);
  /// Loads one CSV export into list l: a header row naming a code column
  /// ("code") and a text column ("description", "name" or "label"),
  /// otherwise the first two columns. Returns the number of labels loaded.
  /// Throws claimkit::error (exit 1 kind, "line N: ...") for a quoted cell
  /// left open at the end (csv::reader).
  std::size_t load_csv(list l, std::string_view text);
  std::size_t load_csv(list l, std::istream& in);
  /// Sets one label (owned copy); a later set wins.
  void set(list l, std::string_view code, std::string_view label);

  /// Which list a CSV file name holds, by its name: "507"/"category" ->
  /// category, "508"/"status" -> status, "entity"/"98" -> entity.
  static bool list_for_file(std::string_view file_name, list& out);

 private:
  struct slot {
    std::uint64_t key = 0;
    std::string_view label;
    std::string_view json;  // label encoded once, so records only copy it
  };
  const slot* find(list l, std::string_view code) const {
    std::uint64_t k = key_of(code);
    if (k == 0) return nullptr;
    const auto& t = maps_[static_cast<int>(l)];
    std::size_t mask = t.slots.size() - 1;
    for (std::size_t i = hash(k) & mask;; i = (i + 1) & mask) {
      const slot& s = t.slots[i];
      if (s.key == k) return &s;
      if (s.key == 0) return nullptr;
    }
  }
  struct map {
    std::vector<slot> slots;
    std::size_t count = 0;
  };
  /// Codes are at most 8 bytes; longer or empty codes have no label.
  static std::uint64_t key_of(std::string_view code) {
    if (code.empty() || code.size() > 8) return 0;
    std::uint64_t k = 0;
    for (char c : code) k = (k << 8) | static_cast<unsigned char>(c);
    return k;
  }
  static std::size_t hash(std::uint64_t k) { return static_cast<std::size_t>((k * 0x9E3779B97F4A7C15ull) >> 40); }
  void put(list l, std::uint64_t key, std::string_view label, std::string_view json);

  map maps_[3];
  std::deque<std::string> owned_;
};

}  // namespace claimkit::codes

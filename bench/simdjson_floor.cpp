// The speed floor for reading NDJSON records: simdjson On-Demand, nothing of
// claimkit's. Reads one NDJSON file and validates every value of every
// record (keys and strings decoded, numbers converted, literals checked), so
// scripts/bench-all can print a tool's time beside the least a validating
// reader of that input can take on this machine, in the same run.
//
//   simdjson-floor FILE             iterate_many over padded 8 MiB pieces
//   simdjson-floor --per-line FILE  one iterate() per line, in place: the
//                                   way lib/ndjson reads records (it must
//                                   report each bad line and go on, which
//                                   iterate_many cannot)
//
// Prints the number of records; exit 1 on the first invalid one.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace {

namespace od = simdjson::ondemand;

bool walk(od::value v) {
  od::json_type t;
  if (v.type().get(t) != simdjson::SUCCESS) return false;
  switch (t) {
    case od::json_type::object: {
      od::object o;
      if (v.get_object().get(o) != simdjson::SUCCESS) return false;
      for (auto fr : o) {
        od::field f;
        std::string_view k;
        if (std::move(fr).get(f) != simdjson::SUCCESS || f.unescaped_key().get(k) != simdjson::SUCCESS) return false;
        if (!walk(f.value())) return false;
      }
      return true;
    }
    case od::json_type::array: {
      od::array a;
      if (v.get_array().get(a) != simdjson::SUCCESS) return false;
      for (auto er : a) {
        od::value e;
        if (std::move(er).get(e) != simdjson::SUCCESS || !walk(e)) return false;
      }
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s) == simdjson::SUCCESS;
    }
    case od::json_type::number: {
      od::number n;
      return v.get_number().get(n) == simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool b;
      return v.get_bool().get(b) == simdjson::SUCCESS;
    }
    case od::json_type::null: {
      bool n = false;
      return v.is_null().get(n) == simdjson::SUCCESS && n;
    }
  }
  return false;
}

bool walk_doc(od::document_reference doc) {
  od::value v;
  return doc.get_value().get(v) == simdjson::SUCCESS && walk(v);
}

// iterate_many over padded pieces of the file: 8 MiB read at a time, each
// piece cut after its last newline, the rest carried to the next. Memory
// stays flat, as in the tools (loading a 761 MB file whole first made the
// floor slower than status-normalize on the shared machine).
bool pieces(const char* path, od::parser& parser, unsigned long long& records) {
  std::FILE* f = std::fopen(path, "rb");
  if (f == nullptr) return false;
  constexpr std::size_t kPiece = 8u << 20;
  std::string buf(kPiece * 2 + simdjson::SIMDJSON_PADDING, '\0');
  std::size_t have = 0;
  bool eof = false, ok = true;
  while (ok && !(eof && have == 0)) {
    if (!eof) {
      std::size_t got = std::fread(buf.data() + have, 1, kPiece, f);
      have += got;
      eof = got == 0;
    }
    std::size_t cut = have;
    if (!eof) {
      const void* nl = memrchr(buf.data(), '\n', have);
      if (nl == nullptr) continue;
      cut = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    }
    od::document_stream docs;
    if (parser.iterate_many(buf.data(), cut, kPiece * 2).get(docs) != simdjson::SUCCESS) ok = false;
    for (auto it = docs.begin(); ok && it != docs.end(); ++it) {
      od::document_reference doc;
      if ((*it).get(doc) != simdjson::SUCCESS || !walk_doc(doc)) {
        std::fprintf(stderr, "simdjson-floor: record %llu is invalid\n", records + 1);
        ok = false;
        break;
      }
      ++records;
    }
    std::memmove(buf.data(), buf.data() + cut, have - cut);
    have -= cut;
    if (eof) have = 0;
  }
  std::fclose(f);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  bool per_line = argc == 3 && std::strcmp(argv[1], "--per-line") == 0;
  if (argc != 2 && !per_line) {
    std::fprintf(stderr, "usage: simdjson-floor [--per-line] FILE\n");
    return 2;
  }
  od::parser parser;
  unsigned long long records = 0;
  if (per_line) {
    simdjson::padded_string text;
    if (simdjson::padded_string::load(argv[argc - 1]).get(text) != simdjson::SUCCESS) {
      std::fprintf(stderr, "simdjson-floor: cannot read %s\n", argv[argc - 1]);
      return 3;
    }
    // The padding the line reader gives: the bytes after each line belong to
    // the next lines, and the file's own padding follows the last one.
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      std::size_t len = static_cast<std::size_t>((nl != nullptr ? nl : end) - p);
      if (len > 0) {
        od::document doc;
        if (parser.iterate(simdjson::padded_string_view(p, len, len + simdjson::SIMDJSON_PADDING)).get(doc) !=
                simdjson::SUCCESS ||
            !walk_doc(doc)) {
          std::fprintf(stderr, "simdjson-floor: record %llu is invalid\n", records + 1);
          return 1;
        }
        ++records;
      }
      p += len + 1;
    }
  } else if (!pieces(argv[argc - 1], parser, records)) {
    return 1;
  }
  std::printf("%llu\n", records);
  return 0;
}

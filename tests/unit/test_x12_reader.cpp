// Unit tests for the X12 tokenizer: delimiters from the ISA, tolerated
// layouts, positions, pinning across buffer refills.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "io/input.hpp"
#include "x12/delimiters.hpp"
#include "x12/reader.hpp"
#include "x12/values.hpp"

using namespace claimkit;

namespace {

const char* kIsa =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261116*0930*^*00501*000000001*0*P*:~";

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& content) {
    char name[] = "/tmp/claimkit-unit-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path = name;
    std::ofstream(path, std::ios::binary) << content;
  }
  ~temp_file() { std::remove(path.c_str()); }
};

struct seg_info {
  std::string tag;
  std::vector<std::string> elements;
  std::uint64_t line, offset, index;
  bool unterminated;
};

std::vector<seg_info> read_all(const std::string& content, std::size_t buffer = 4u << 20) {
  temp_file f(content);
  io::input in(f.path);
  x12::reader r(in, buffer);
  std::vector<seg_info> out;
  x12::segment s;
  while (r.next(s)) {
    seg_info i{std::string(s.tag()), {}, s.line, s.offset, s.index, s.unterminated};
    for (std::size_t k = 1; k < s.elements.size(); ++k) i.elements.emplace_back(s.elements[k]);
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace

TEST_CASE("delimiters come from the ISA itself") {
  auto s = x12::scan_isa(kIsa, true);
  REQUIRE(s.result == x12::isa_scan::status::ok);
  CHECK(s.delims.element == '*');
  CHECK(s.delims.component == ':');
  CHECK(s.delims.repetition == '^');
  CHECK(s.delims.segment == '~');
  CHECK(s.length == 106);
}

TEST_CASE("an unpadded ISA is read by counting separators") {
  std::string isa = "ISA|00||00||ZZ|SENDER|ZZ|RECEIVER|261116|0930|!|00501|1|0|P|^\n";
  auto s = x12::scan_isa(isa, true);
  REQUIRE(s.result == x12::isa_scan::status::ok);
  CHECK(s.delims.element == '|');
  CHECK(s.delims.component == '^');
  CHECK(s.delims.repetition == '!');
  CHECK(s.delims.segment == '\n');
}

TEST_CASE("ISA11 'U' means no repetition separator") {
  std::string isa = kIsa;
  isa.replace(isa.find("*^*"), 3, "*U*");
  auto s = x12::scan_isa(isa, true);
  REQUIRE(s.result == x12::isa_scan::status::ok);
  CHECK(s.delims.repetition == '\0');
}

TEST_CASE("a damaged ISA says what is wrong and the TA1 code") {
  auto few = x12::scan_isa("ISA*00*  *00~GS*HN~", true);
  CHECK(few.result == x12::isa_scan::status::invalid);
  CHECK(std::string(few.problem) == "ISA segment has fewer than 16 elements");
  CHECK(std::string(few.ta1_code) == "024");
  std::string alnum = kIsa;
  alnum[alnum.size() - 2] = 'A';  // ISA16
  auto bad = x12::scan_isa(alnum, true);
  CHECK(std::string(bad.ta1_code) == "027");
  CHECK(x12::scan_isa("ISA*00*", false).result == x12::isa_scan::status::need_more);
}

TEST_CASE("text and a BOM before the ISA, CRLF and indentation between segments") {
  std::string text = "\xEF\xBB\xBFSome prose ISA mentioned here.\r\n";
  text += kIsa;
  text += "\r\n  GS*HN*A*B*20261116*0930*1*X*005010X212~\r\n\tST*277*0001~\r\nSE*2*0001~GE*1*1~IEA*1*000000001~\r\n";
  auto segs = read_all(text);
  REQUIRE(segs.size() == 6);
  CHECK(segs[0].tag == "ISA");
  CHECK(segs[1].tag == "GS");
  CHECK(segs[1].line == 3);
  CHECK(segs[2].tag == "ST");
  CHECK(segs[2].elements == std::vector<std::string>{"277", "0001"});
  CHECK(segs[5].tag == "IEA");
  CHECK(text.substr(segs[2].offset, 2) == "ST");
}

TEST_CASE("newline as segment terminator, with CRLF line ends") {
  std::string isa = kIsa;
  isa.back() = '\n';
  std::string text =
      isa.substr(0, isa.size() - 1) + "\r\nGS*FA*A*B*20261116*0930*7*X*004010\r\nGE*0*7\r\nIEA*1*000000001\r\n";
  auto segs = read_all(text);
  REQUIRE(segs.size() == 4);
  CHECK(segs[1].elements.back() == "004010");
  CHECK(segs[3].elements.back() == "000000001");
  CHECK(segs[3].line == 4);
}

TEST_CASE("a segment wrapped over two lines is joined") {
  std::string text = std::string(kIsa) + "\nNM1*IL*1*LONG\nNAME~IEA*1*000000001~";
  auto segs = read_all(text);
  REQUIRE(segs.size() == 3);
  CHECK(segs[1].elements[2] == "LONGNAME");
  CHECK(segs[2].line == 3);
}

TEST_CASE("a segment cut by the end of input is returned and flagged") {
  std::string text = std::string(kIsa) + "GS*HN*A*B*2026";
  auto segs = read_all(text);
  REQUIRE(segs.size() == 2);
  CHECK(segs[1].unterminated);
  CHECK(segs[1].elements.back() == "2026");
}

TEST_CASE("segments straddling buffer refills keep their positions") {
  // Regression: an unterminated last segment after a refill reported an
  // offset past the end of the file.
  std::string text = kIsa;
  for (int i = 0; i < 2000; ++i) text += "REF*EJ*ACCOUNT" + std::to_string(i) + "~\n";
  text += "STC*F";
  auto segs = read_all(text, 4096);
  REQUIRE(segs.size() == 2002);
  for (const auto& s : segs) REQUIRE(text.compare(s.offset, s.tag.size(), s.tag) == 0);
  CHECK(segs.back().unterminated);
  CHECK(segs[1500].elements[1] == "ACCOUNT1499");
}

TEST_CASE("pinned segments stay readable across refills") {
  std::string text = kIsa;
  for (int i = 0; i < 500; ++i) text += "REF*EJ*ACCOUNT" + std::to_string(i) + "~";
  temp_file f(text);
  io::input in(f.path);
  x12::reader r(in, 1024);
  x12::segment s;
  std::vector<std::string_view> kept;
  REQUIRE(r.next(s));
  r.pin();
  while (r.next(s)) kept.push_back(s.elements[2]);
  REQUIRE(kept.size() == 500);
  CHECK(kept[0] == "ACCOUNT0");
  CHECK(kept[250] == "ACCOUNT250");
  CHECK(kept[499] == "ACCOUNT499");
  r.unpin();
}

TEST_CASE("a file read through mapped windows gives the segments a buffer read gives") {
  // Small buffers make small windows: segments straddle window edges, one is
  // longer than three windows (the reader goes back to read(2) for it), line
  // breaks fall inside segments and CRLF ends others, and the file ends with
  // an unterminated segment.
  std::string text = kIsa;
  text += "\n";
  for (int i = 0; i < 6000; ++i) {
    text += "REF*EJ*ACCOUNT" + std::to_string(i) + (i % 7 == 0 ? "~\r\n" : "~\n");
    if (i % 500 == 250) text += "NM1*IL*1*WRAP\nPED*NAME~\n";
    if (i == 3000) text += "MSG*" + std::string(20000, 'L') + "~\n";
  }
  text += "STC*F";
  const auto mapped = read_all(text, 4096);         // 4 KiB windows
  const auto buffered = read_all(text, 64u << 20);  // too big a window for this file: read(2)
  REQUIRE(mapped.size() == buffered.size());
  REQUIRE(mapped.size() == 6000 + 12 + 1 + 1 + 1);
  for (std::size_t i = 0; i < mapped.size(); ++i) {
    INFO("segment " << i);
    REQUIRE(mapped[i].tag == buffered[i].tag);
    REQUIRE(mapped[i].elements == buffered[i].elements);
    REQUIRE(mapped[i].offset == buffered[i].offset);
    REQUIRE(mapped[i].line == buffered[i].line);
    REQUIRE(mapped[i].unterminated == buffered[i].unterminated);
  }
  std::size_t longest = 0;
  for (const auto& m : mapped) {
    if (m.tag == "MSG") longest = m.elements[0].size();
  }
  CHECK(longest == 20000);
  CHECK(mapped.back().unterminated);
}

TEST_CASE("pinned segments stay readable across mapped windows") {
  std::string text = kIsa;
  for (int i = 0; i < 5000; ++i) text += "REF*EJ*ACCOUNT" + std::to_string(i) + "~";
  temp_file f(text);
  io::input in(f.path);
  x12::reader r(in, 4096);
  x12::segment s;
  std::vector<std::string_view> kept;
  REQUIRE(r.next(s));
  for (int round = 0; round < 2; ++round) {
    // Pinned for a stretch of several windows, then released, then again.
    r.pin();
    for (int i = 0; i < 2000 && r.next(s); ++i) kept.push_back(s.elements[2]);
    for (std::size_t k = 0; k < kept.size(); ++k) {
      REQUIRE(kept[k] == "ACCOUNT" + std::to_string(round * 2000 + k));
    }
    kept.clear();
    r.unpin();
  }
  std::size_t rest = 0;
  while (r.next(s)) ++rest;
  CHECK(rest == 1000);
}

TEST_CASE("two interchanges with different delimiters") {
  std::string second =
      "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261116|0930|!|00501|000000002|0|P|^\n"
      "GS|HN|A|B|20261116|0930|2|X|005010X212\nIEA|1|000000002\n";
  std::string text = std::string(kIsa) + "IEA*1*000000001~\n" + second;
  auto segs = read_all(text);
  REQUIRE(segs.size() == 5);
  CHECK(segs[2].tag == "ISA");
  CHECK(segs[3].elements[0] == "HN");
  CHECK(segs[4].elements[1] == "000000002");
}

TEST_CASE("an ISA at the start of a line ends a segment that lost its terminator") {
  // Regression: `cat a.x12 b.x12` where a's IEA has no terminator read the
  // IEA on into b's ISA and lost the whole second interchange.
  const std::string second =
      "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |261116|0930|!|00501|000000002|0|P|^\n"
      "GS|HN|A|B|20261116|0930|2|X|005010X212\nGE|0|2\nIEA|1|000000002\n";
  for (const char* gap : {"\n", "\r\n", "\n  ", "\n\xEF\xBB\xBF"}) {
    const std::string first = std::string(kIsa) + "GS*HN*A*B*20261116*0930*1*X*005010X212~GE*0*1~IEA*1*000000001";
    const std::string text = first + gap + second;
    // Every buffer size puts the break and the ISA after it at another place
    // relative to a refill.
    for (std::size_t buffer : {4096u, 97u, 128u, 131u, 150u, 151u, 160u, 200u}) {
      CAPTURE(buffer);
      temp_file f(text);
      io::input in(f.path);
      x12::reader r(in, buffer);
      x12::segment s;
      std::vector<std::string> tags, last;
      std::vector<bool> cut;
      while (r.next(s)) {
        tags.emplace_back(s.tag());
        last.emplace_back(s.elements.size() > 1 ? s.elements[s.elements.size() - 1] : std::string_view());
        cut.push_back(s.unterminated && s.isa_follows);
      }
      REQUIRE(tags == std::vector<std::string>{"ISA", "GS", "GE", "IEA", "ISA", "GS", "GE", "IEA"});
      CHECK(last[3] == "000000001");
      CHECK(cut[3]);
      CHECK(last[7] == "000000002");
      CHECK(!cut[7]);
      CHECK(r.delims().element == '|');
    }
  }
}

TEST_CASE("a wrapped segment whose next line merely starts with ISA is joined") {
  std::string text = std::string(kIsa) + "\nNM1*IL*1*LONG\nISAAC~NM1*IL*1*X\nISA*X~IEA*1*000000001~";
  auto segs = read_all(text);
  REQUIRE(segs.size() == 4);
  CHECK(segs[1].elements[2] == "LONGISAAC");
  CHECK(segs[2].elements[2] == "XISA");
  CHECK(!segs[1].unterminated);
}

TEST_CASE("dates, NPIs and segment identifiers") {
  std::string out;
  CHECK(x12::convert_date("20240229", out));
  CHECK(out == "2024-02-29");
  CHECK_FALSE(x12::convert_date("20230229", out));
  CHECK_FALSE(x12::convert_date("20261301", out));
  CHECK_FALSE(x12::convert_date("2026111", out));
  CHECK(x12::valid_date("20000229"));
  CHECK_FALSE(x12::valid_date("19000229"));
  std::string from, to;
  CHECK(x12::convert_range("20261001-20261005", from, to));
  CHECK(from == "2026-10-01");
  CHECK(to == "2026-10-05");
  CHECK(x12::valid_npi("1234567893"));
  CHECK_FALSE(x12::valid_npi("1234567890"));
  CHECK(x12::valid_segment_id("NM1"));
  CHECK_FALSE(x12::valid_segment_id("nm1"));
  CHECK_FALSE(x12::valid_segment_id("N"));
  CHECK(x12::tag_code("STC") != x12::tag_code("ST"));
  CHECK(x12::tag_code("STC") == x12::tag_code(std::string("STC")));
}

namespace {
// The calendar rule written the plain way, to check the word-at-a-time one.
bool reference_date(const std::string& d) {
  if (d.size() != 8) return false;
  for (char c : d) {
    if (c < '0' || c > '9') return false;
  }
  int y = std::stoi(d.substr(0, 4)), m = std::stoi(d.substr(4, 2)), day = std::stoi(d.substr(6, 2));
  if (m < 1 || m > 12 || day < 1) return false;
  int days[] = {31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return day <= days[m - 1];
}
}  // namespace

TEST_CASE("valid_date agrees with the plain calendar rule") {
  // Every month and day number 00-39 over four centuries (leap years and
  // the century rule), then each character replaced by its neighbours.
  std::size_t checked = 0, valid = 0;
  for (int y : {1600, 1700, 1899, 1900, 1996, 1999, 2000, 2023, 2024, 2100, 2400, 9999, 0}) {
    for (int m = 0; m <= 13; ++m) {
      for (int d = 0; d <= 39; ++d) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
        std::string s(buf);
        CHECK(x12::valid_date(s) == reference_date(s));
        valid += reference_date(s) ? 1 : 0;
        ++checked;
        for (std::size_t i = 0; i < 8; ++i) {
          for (char c : {'/', ':', '*', ' ', '\x00', '\xff', '\xc0', 'A', 'J'}) {
            std::string t = s;
            t[i] = c;
            CHECK_FALSE(x12::valid_date(t));
            ++checked;
          }
        }
      }
    }
  }
  CHECK(valid == 13 * 365 + 6);  // 0000, 1600, 1996, 2000, 2024 and 2400 are leap years; 1700, 1900, 2100 not
  CHECK(checked > 50000);
  CHECK_FALSE(x12::valid_date("2024022"));
  CHECK_FALSE(x12::valid_date("202402291"));
  CHECK_FALSE(x12::valid_segment_id("1NM"));
  CHECK_FALSE(x12::valid_segment_id("NM*"));
  CHECK_FALSE(x12::valid_segment_id("NMAB"));
  CHECK(x12::valid_segment_id("N4"));
}

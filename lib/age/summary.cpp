#include "age/summary.hpp"

#include "json/writer.hpp"

namespace claimkit::age {
namespace {

constexpr int kBarWidth = 40;

std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Aligned columns: the first left-aligned, the rest right-aligned; an
// optional last column (the bar) is appended as is.
struct text_table {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> tails;

  void add(std::vector<std::string> r, std::string tail = {}) {
    rows.push_back(std::move(r));
    tails.push_back(std::move(tail));
  }
  void render(std::string& out) const {
    std::vector<std::size_t> w;
    for (const auto& r : rows) {
      if (w.size() < r.size()) w.resize(r.size(), 0);
      for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], display_width(r[i]));
    }
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const auto& r = rows[k];
      std::string line;
      for (std::size_t i = 0; i < r.size(); ++i) {
        std::size_t pad = w[i] - display_width(r[i]);
        if (i == 0) {
          line += r[i];
          line.append(pad, ' ');
        } else {
          line.append(i == 0 ? 0 : 2, ' ');
          line.append(pad, ' ');
          line += r[i];
        }
      }
      if (!tails[k].empty()) {
        line += "  ";
        line += tails[k];
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line;
      out.push_back('\n');
    }
  }
};

template <typename T>
std::string pct(const T& part, const T& whole) {
  std::string s;
  append_tenths(s, share_tenths(part, whole));
  s.push_back('%');
  return s;
}

std::string money_text(const money_total& m, bool thousands) { return format_money(m, thousands); }

std::string bar(const money_total& amount, const money_total& max, bool ascii) {
  if (amount == money_total{} || max == money_total{}) return {};
  if (ascii) {
    std::int64_t cells = scaled_ratio(amount, max, kBarWidth);
    if (cells == 0) cells = 1;
    return std::string(static_cast<std::size_t>(cells), '#');
  }
  static const char* const kEighths[] = {"", "\u258F", "\u258E", "\u258D", "\u258C", "\u258B", "\u258A", "\u2589"};
  std::int64_t eighths = scaled_ratio(amount, max, kBarWidth * 8);
  if (eighths == 0) eighths = 1;
  std::string s;
  for (std::int64_t i = 0; i < eighths / 8; ++i) s += "\u2588";
  s += kEighths[static_cast<int>(eighths % 8)];
  return s;
}

// RFC 4180 quoting, and a leading apostrophe for text a spreadsheet would
// run as a formula (numbers, negative ones included, stay numbers).
void csv_cell(std::string& out, const std::string& v) {
  std::string t = v;
  if (!t.empty() && !json::is_plain_decimal(t) &&
      (t[0] == '=' || t[0] == '+' || t[0] == '-' || t[0] == '@' || t[0] == '\t' || t[0] == '\r')) {
    t.insert(t.begin(), '\'');
  }
  if (t.find_first_of(",\"\r\n") == std::string::npos) {
    out += t;
    return;
  }
  out.push_back('"');
  for (char c : t) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string half_days(std::int64_t halves) {
  std::string s;
  append_tenths(s, halves * 5);
  return s;
}

}  // namespace

void group_totals::add(const aged_claim& c, std::size_t buckets) {
  if (bucket_claims.empty()) {
    bucket_claims.assign(buckets, 0);
    bucket_amount.assign(buckets, money_total{});
  }
  ++claims;
  amount.add(c.outstanding);
  ++bucket_claims[c.bucket];
  bucket_amount[c.bucket].add(c.outstanding);
  if (c.age_days > 90) {
    ++over_90_claims;
    over_90_amount.add(c.outstanding);
  }
}

aging_report::aging_report(const settings& s) : s_(s), by_bucket_(s.buckets.size()) {
  total_.bucket_claims.assign(s.buckets.size(), 0);
  total_.bucket_amount.assign(s.buckets.size(), money_total{});
  for (auto& g : by_bucket_) {
    g.bucket_claims.assign(s.buckets.size(), 0);
    g.bucket_amount.assign(s.buckets.size(), money_total{});
  }
}

void aging_report::add(const aged_claim& c) {
  std::size_t n = s_.buckets.size();
  total_.add(c, n);
  switch (s_.by) {
    case group_by::bucket: by_bucket_[c.bucket].add(c, n); break;
    case group_by::payer: {
      std::string_view k = c.payer_id.empty() ? std::string_view(kNoPayer) : c.payer_id;
      auto it = groups_.find(k);
      if (it == groups_.end()) it = groups_.emplace(std::string(k), group_totals{}).first;
      it->second.add(c, n);
      break;
    }
    case group_by::state: {
      auto it = groups_.find(c.state);
      if (it == groups_.end()) it = groups_.emplace(std::string(c.state), group_totals{}).first;
      it->second.add(c, n);
      break;
    }
  }
}

void aging_report::set_scorecards(std::map<std::string, payer_scorecard> cards) {
  // Only payers with claims in the report get a row: a payer known only to
  // the ledger (or a clearinghouse that acknowledged claims) gets none.
  cards_ = std::move(cards);
  has_cards_ = true;
}

const char* aging_report::by_name() const {
  switch (s_.by) {
    case group_by::payer: return "payer";
    case group_by::state: return "state";
    default: return "bucket";
  }
}

std::vector<aging_report::row> aging_report::rows() const {
  std::vector<row> out;
  if (s_.by == group_by::bucket) {
    for (std::size_t i = 0; i < by_bucket_.size(); ++i) out.push_back({s_.buckets.label(i), &by_bucket_[i], nullptr});
    return out;
  }
  for (const auto& [k, g] : groups_) {
    const payer_scorecard* card = nullptr;
    if (has_cards_) {
      auto it = cards_.find(k == kNoPayer ? std::string() : k);
      if (it != cards_.end()) card = &it->second;
    }
    out.push_back({k, &g, card});
  }
  return out;
}

void aging_report::render(std::string& out) const {
  switch (s_.format) {
    case report_format::table: render_table(out); break;
    case report_format::csv: render_csv(out); break;
    case report_format::ndjson: render_ndjson(out); break;
  }
}

void aging_report::render_table(std::string& out) const {
  const std::size_t nb = s_.buckets.size();
  out += "Aging report as of ";
  dates::append(out, s_.as_of);
  out += " by ";
  out += by_name();
  out += " (outstanding amounts)\n\n";
  if (s_.by != group_by::bucket) {
    text_table t;
    std::vector<std::string> head{s_.by == group_by::payer ? "PAYER" : "STATE", "CLAIMS", "AMOUNT", "SHARE"};
    for (std::size_t i = 0; i < nb; ++i) head.push_back(s_.buckets.label(i));
    head.push_back("OVER 90");
    bool cards = has_cards_ && s_.by == group_by::payer;
    if (cards) {
      head.push_back("DENIED");
      head.push_back("DAYS TO PAY");
      head.push_back("P90");
      head.push_back("NOT ON FILE");
    }
    t.add(head);
    auto line = [&](const std::string& key, const group_totals& g, const payer_scorecard* card, bool is_total) {
      std::vector<std::string> r{key, std::to_string(g.claims), money_text(g.amount, true),
                                 pct(g.amount, total_.amount)};
      for (std::size_t i = 0; i < nb; ++i) r.push_back(pct(g.bucket_amount[i], g.amount));
      r.push_back(pct(g.over_90_amount, g.amount));
      if (cards && !is_total) {
        if (card != nullptr && card->finalized > 0) r.push_back(pct(card->denied, card->finalized));
        else r.push_back("-");
        std::int64_t med = 0, p90 = 0;
        r.push_back(card != nullptr && card->median_half_days(med) ? half_days(med) : "-");
        r.push_back(card != nullptr && card->p90_days(p90) ? std::to_string(p90) : "-");
        if (card != nullptr && card->claims > 0) r.push_back(pct(card->ever_not_found, card->claims));
        else r.push_back("-");
      }
      t.add(std::move(r));
    };
    for (const auto& r : rows()) line(r.key, *r.totals, r.card, false);
    line("TOTAL", total_, nullptr, true);
    t.render(out);
    out.push_back('\n');
  }
  text_table b;
  b.add({"BUCKET", "CLAIMS", "AMOUNT", "SHARE"});
  money_total max;
  for (std::size_t i = 0; i < nb; ++i) max = std::max(max, total_.bucket_amount[i]);
  for (std::size_t i = 0; i < nb; ++i) {
    b.add({s_.buckets.label(i), std::to_string(total_.bucket_claims[i]), money_text(total_.bucket_amount[i], true),
           pct(total_.bucket_amount[i], total_.amount)},
          bar(total_.bucket_amount[i], max, s_.ascii));
  }
  b.add({"TOTAL", std::to_string(total_.claims), money_text(total_.amount, true), pct(total_.amount, total_.amount)});
  b.render(out);
  out += "\nOver 90 days: ";
  out += std::to_string(total_.over_90_claims);
  out += total_.over_90_claims == 1 ? " claim, " : " claims, ";
  out += money_text(total_.over_90_amount, true);
  out += " (";
  out += pct(total_.over_90_amount, total_.amount);
  out += " of A/R)\n";
}

void aging_report::render_csv(std::string& out) const {
  const std::size_t nb = s_.buckets.size();
  bool cards = has_cards_ && s_.by == group_by::payer;
  out += by_name();
  out += ",claims,amount,share";
  for (std::size_t i = 0; i < nb; ++i) {
    const std::string& l = s_.buckets.label(i);
    out += ",claims_" + l + ",amount_" + l + ",share_" + l;
  }
  out += ",over_90_claims,over_90_amount,over_90_share";
  if (cards) out += ",ledger_claims,denial_rate,median_days_to_pay,p90_days_to_pay,not_on_file_share";
  out += "\r\n";
  auto line = [&](const std::string& key, const group_totals& g, const payer_scorecard* card, bool is_total) {
    csv_cell(out, key);
    out += ',' + std::to_string(g.claims) + ',' + money_text(g.amount, false) + ',';
    append_tenths(out, share_tenths(g.amount, total_.amount));
    for (std::size_t i = 0; i < nb; ++i) {
      out += ',' + std::to_string(g.bucket_claims[i]) + ',' + money_text(g.bucket_amount[i], false) + ',';
      append_tenths(out, share_tenths(g.bucket_amount[i], g.amount));
    }
    out += ',' + std::to_string(g.over_90_claims) + ',' + money_text(g.over_90_amount, false) + ',';
    append_tenths(out, share_tenths(g.over_90_amount, g.amount));
    if (cards) {
      if (is_total || card == nullptr) {
        out += ",,,,,";
      } else {
        out += ',' + std::to_string(card->claims) + ',';
        if (card->finalized > 0) append_tenths(out, share_tenths(card->denied, card->finalized));
        out += ',';
        std::int64_t med = 0, p90 = 0;
        if (card->median_half_days(med)) out += half_days(med);
        out += ',';
        if (card->p90_days(p90)) out += std::to_string(p90);
        out += ',';
        if (card->claims > 0) append_tenths(out, share_tenths(card->ever_not_found, card->claims));
      }
    }
    out += "\r\n";
  };
  for (const auto& r : rows()) line(r.key, *r.totals, r.card, false);
  line("TOTAL", total_, nullptr, true);
}

void aging_report::render_ndjson(std::string& out) const {
  const std::size_t nb = s_.buckets.size();
  bool cards = has_cards_ && s_.by == group_by::payer;
  std::string as_of = dates::format(s_.as_of);
  auto line = [&](const std::string* key, const group_totals& g, const payer_scorecard* card) {
    json::writer w(out);
    w.begin_object();
    w.key("type");
    w.string("aging_summary");
    w.key("as_of");
    w.string(as_of);
    w.key("by");
    w.string(by_name());
    if (key != nullptr) {
      w.key("group");
      w.string(*key);
    } else {
      w.key("total");
      w.boolean(true);
    }
    w.key("claims");
    w.integer(g.claims);
    w.key("amount");
    w.raw(money_text(g.amount, false));
    w.key("share");
    std::string t;
    append_tenths(t, share_tenths(g.amount, total_.amount));
    w.raw(t);
    w.key("buckets");
    w.begin_array();
    for (std::size_t i = 0; i < nb; ++i) {
      w.begin_object();
      w.key("bucket");
      w.string(s_.buckets.label(i));
      w.key("claims");
      w.integer(g.bucket_claims[i]);
      w.key("amount");
      w.raw(money_text(g.bucket_amount[i], false));
      w.key("share");
      t.clear();
      append_tenths(t, share_tenths(g.bucket_amount[i], g.amount));
      w.raw(t);
      w.end_object();
    }
    w.end_array();
    w.key("over_90_claims");
    w.integer(g.over_90_claims);
    w.key("over_90_amount");
    w.raw(money_text(g.over_90_amount, false));
    w.key("over_90_share");
    t.clear();
    append_tenths(t, share_tenths(g.over_90_amount, g.amount));
    w.raw(t);
    if (cards && card != nullptr) {
      w.key("ledger_claims");
      w.integer(card->claims);
      if (card->finalized > 0) {
        w.key("denial_rate");
        t.clear();
        append_tenths(t, share_tenths(card->denied, card->finalized));
        w.raw(t);
      }
      std::int64_t med = 0, p90 = 0;
      if (card->median_half_days(med)) {
        w.key("median_days_to_pay");
        w.raw(half_days(med));
      }
      if (card->p90_days(p90)) {
        w.key("p90_days_to_pay");
        w.integer(p90);
      }
      if (card->claims > 0) {
        w.key("not_on_file_share");
        t.clear();
        append_tenths(t, share_tenths(card->ever_not_found, card->claims));
        w.raw(t);
      }
    }
    w.end_object();
    out.push_back('\n');
  };
  for (const auto& r : rows()) line(&r.key, *r.totals, r.card);
  line(nullptr, total_, nullptr);
}

namespace {

// Cells of a work list row are kept joined by this byte, which no cell
// holds (control characters are made spaces).
constexpr char kCellSep = '\x1f';
constexpr const char* kWorklistColumns[] = {"claim_id", "payer", "age_days", "amount", "state", "action", "next_check"};
constexpr const char* kWorklistTitles[] = {"CLAIM", "PAYER", "AGE", "AMOUNT", "STATE", "ACTION", "NEXT CHECK"};
constexpr bool kRightAligned[] = {false, false, true, true, false, false, false};

void add_cell(std::string& row, std::string_view v) {
  if (!row.empty()) row.push_back(kCellSep);
  for (char c : v) row.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
}

std::vector<std::string> split_cells(const std::string& row) {
  std::vector<std::string> cells(1);
  for (char c : row) {
    if (c == kCellSep) cells.emplace_back();
    else cells.back().push_back(c);
  }
  return cells;
}

}  // namespace

std::string worklist::row(const aged_claim& c) const {
  std::string r;
  add_cell(r, c.claim_id);
  add_cell(r, c.payer_name.empty() ? c.payer_id : c.payer_name);
  add_cell(r, std::to_string(c.age_days));
  add_cell(r, format_money(c.outstanding, s_.format == report_format::table));
  add_cell(r, c.state);
  add_cell(r, c.action);
  add_cell(r, c.has_next_check ? dates::format(c.next_check) : std::string());
  return r;
}

void worklist::add(std::string row, std::string& out) {
  if (s_.format == report_format::table) {
    rows_.push_back(std::move(row));
    return;
  }
  if (!header_done_) finish(out);
  std::vector<std::string> cells = split_cells(row);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out.push_back(',');
    csv_cell(out, cells[i]);
  }
  out += "\r\n";
}

void worklist::finish(std::string& out) {
  if (s_.format != report_format::table) {
    if (header_done_) return;
    header_done_ = true;
    for (std::size_t i = 0; i < std::size(kWorklistColumns); ++i) {
      if (i > 0) out.push_back(',');
      out += kWorklistColumns[i];
    }
    out += "\r\n";
    return;
  }
  std::vector<std::vector<std::string>> table;
  table.emplace_back(std::begin(kWorklistTitles), std::end(kWorklistTitles));
  for (const auto& r : rows_) {
    table.push_back(split_cells(r));
    for (auto& cell : table.back()) {
      if (cell.empty()) cell = "-";
    }
  }
  std::vector<std::size_t> w(std::size(kWorklistTitles), 0);
  for (const auto& r : table) {
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], display_width(r[i]));
  }
  for (const auto& r : table) {
    std::string line;
    for (std::size_t i = 0; i < r.size() && i < w.size(); ++i) {
      if (i > 0) line += "  ";
      std::size_t pad = w[i] - display_width(r[i]);
      if (kRightAligned[i]) line.append(pad, ' ');
      line += r[i];
      if (!kRightAligned[i]) line.append(pad, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out.push_back('\n');
  }
  out += std::to_string(rows_.size());
  out += rows_.size() == 1 ? " claim\n" : " claims\n";
  rows_.clear();
}

}  // namespace claimkit::age

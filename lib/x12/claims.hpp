#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "json/writer.hpp"
#include "x12/parser.hpp"
#include "x12/values.hpp"

namespace claimkit::x12 {

/// A vector whose elements are reused across records, so steady-state
/// parsing allocates nothing: clear() keeps the objects and their capacity.
template <typename T>
class pool {
 public:
  /// The next element, holding whatever it held before: the caller sets
  /// every member (resetting a whole entry costs more than the fields do).
  T& add() {
    if (n_ == items_.size()) items_.emplace_back();
    return items_[n_++];
  }
  void clear() { n_ = 0; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + n_; }

 private:
  std::vector<T> items_;
  std::size_t n_ = 0;
};

/// Where a segment was, kept after the segment itself is gone.
struct segment_position {
  std::uint64_t index = 0, offset = 0, line = 0;
  void set(const segment& s) {
    index = s.index;
    offset = s.offset;
    line = s.line;
  }
  segment at() const {
    segment s;
    s.index = index;
    s.offset = offset;
    s.line = line;
    return s;
  }
};

/// A party named by NM1 (and DMG in a 276). Owns a copy of its text: parties
/// outlive the segments they came from.
struct party {
  std::string nm1, dmg;
  std::string_view last, first, middle, suffix, qualifier, id, dob, gender;
  // The id of an earlier NM1 of the same entity at the same level, when its
  // qualifier differs (a provider named once with its tax id, once with its
  // NPI): both are kept.
  std::string other_qualifier, other_id;
  bool present = false;
  bool nm1_plain = true, dmg_plain = true;  // the copies need no JSON escaping
  bool plain() const { return nm1_plain && dmg_plain; }
  void set_name(const segment& seg);
  /// The id with this qualifier, from either NM1.
  std::string_view id_for(std::string_view q) const {
    if (!id.empty() && qualifier == q) return id;
    if (!other_id.empty() && other_qualifier == q) return other_id;
    return {};
  }
  void set_demographics(const segment& seg);
  void clear();
};

/// An amount or quantity as read, checked: its text, and whether that text
/// is already a JSON number (most are), so the writer need not look again.
struct amount {
  std::string_view text;
  bool plain = false;
  bool empty() const { return text.empty(); }
};

/// One STC composite (STC01, STC10 or STC11) with the STC's other elements.
/// Views into the reader's (pinned) buffer; dates are raw CCYYMMDD, checked.
struct status_entry {
  // The composite's components, split in place: category, code, entity,
  // code list. (Split straight into the entry: copying them over from a
  // scratch array stalls on store forwarding.)
  std::string_view composite[4];
  std::string_view category() const { return composite[0]; }
  std::string_view code() const { return composite[1]; }
  std::string_view entity() const { return composite[2]; }
  std::string_view code_list() const { return composite[3]; }
  std::string_view effective_date, action_code;
  x12::amount amount, paid_amount;
  std::string_view adjudication_date, payment_method, paid_date, check_number, message;
};

struct service_line {
  // SVC01 split in place: qualifier, procedure, four modifiers (any may be
  // empty), description.
  std::string_view svc01[7];
  std::string_view qualifier() const { return svc01[0]; }
  std::string_view procedure() const { return svc01[1]; }
  std::string_view description() const { return svc01[6]; }
  std::string_view revenue_code, line_id, date_from, date_to;
  amount billed, paid, units;
  std::size_t first_status = 0, n_statuses = 0;  // range in the claim's line_statuses
};

/// Reads 277 (005010X212), 277CA (005010X214) and 276 (005010X212)
/// transactions: walks the HL hierarchy and writes one record per claim
/// (claim_status, or claim_status_request for a 276) and one batch_status
/// per information-receiver / provider level that carries STC segments.
class claims_handler : public transaction_handler {
 public:
  explicit claims_handler(parser& p) : p_(p) {}
  void begin(const segment& st) override;
  void on_segment(const segment& seg) override;
  void end(bool complete) override;
  /// Writes the records gathered so far.
  void finish() { p_.flush_records(w_); }

 private:
  enum class level_kind { source, receiver, provider, subscriber, dependent, other };
  struct level {
    std::string id;
    level_kind kind = level_kind::other;
    party who;
    std::string_view trace;
    std::uint64_t trace_segment = 0;
    pool<status_entry> statuses;
    amount accepted_count, rejected_count, accepted_amount, rejected_amount;
    std::uint64_t first_segment = 0;
    segment_position where;
    bool pending = false;  // has batch data not yet written
    bool had_claim = false;
    bool has_children = false;
  };
  struct claim {
    std::string_view id, payer_claim_id, patient_account, bill_type, trace_d9, service_from, service_to;
    amount billed;
    pool<status_entry> statuses;
    pool<status_entry> line_statuses;
    pool<service_line> lines;
    std::uint64_t first_segment = 0;
    segment_position where;
    bool open = false;
    bool plain = false;  // every segment since the claim opened is plain
  };

  void on_hl(const segment& seg);
  void on_trn(const segment& seg);
  void on_stc(const segment& seg, pool<status_entry>& into);
  void on_dtp(const segment& seg);
  [[gnu::always_inline]] bool dtp_dates(const segment& seg, std::string_view& from, std::string_view& to);
  void on_svc(const segment& seg);
  void open_claim(const segment& seg);
  void close_claim();
  void flush_batch(level& l);
  level* current() { return top_; }
  void set_depth(std::size_t d) {
    depth_ = d;
    top_ = d == 0 ? nullptr : at_[d - 1];
  }
  const party* find_party(level_kind k) const;
  bool claim_level() const;
  [[gnu::always_inline]] std::string_view checked_date(const segment& seg, std::size_t element) {
    std::string_view d8 = seg[element];
    if (d8.empty() || valid_date(d8)) return d8;
    return bad_date(seg, element);
  }
  std::string_view bad_date(const segment& seg, std::size_t element);  // reports; returns empty
  [[gnu::always_inline]] amount checked_amount(const segment& seg, std::size_t element) {
    // Inline: the result then stays in registers (a returned struct read
    // back from memory stalls on store forwarding).
    std::string_view v = seg[element];
    if (v.empty()) return {};
    if (plain_decimal16(v)) return {v, true};
    return checked_amount_slow(seg, element);
  }
  amount checked_amount_slow(const segment& seg, std::size_t element);
  void write_claim();
  void write_request();
  void write_party_org(std::string_view key, const party& p);
  // The claim record through either writer: json::plain_cursor when every
  // value is known to need no escaping, else the checking json::writer.
  template <typename W>
  void write_claim_to(W& w, const party* subscriber, const party* patient);
  template <typename W>
  void write_statuses(W& w, const status_entry* b, const status_entry* e);
  template <typename W, std::size_t N>
  void write_person(W& w, const char (&key)[N], const party& p);
  template <typename W>
  void write_lines(W& w, bool request);
  template <typename W, std::size_t N>
  static void amount_field(W& w, const char (&key)[N], const amount& a) {
    w.amount_field(key, a.text, a.plain);
  }
  void emit();

  parser& p_;
  bool request_ = false;  // 276
  // A deque: growing it must not move the levels, whose parties hold views
  // into their own (possibly small-string) copies of the NM1 text.
  std::deque<level> levels_;
  std::size_t depth_ = 0;
  // The levels by depth, by address: indexing a deque costs a division.
  std::vector<level*> at_;
  level* top_ = nullptr;  // at_[depth_ - 1]
  std::uint64_t last_hl_ = 0;
  bool saw_hl_ = false;
  bool incomplete_ = false;  // the transaction was cut off: records written now are marked
  // HL01 values seen in the transaction: numbers below kHlBits in a bit
  // set (no allocation per HL), others by value.
  static constexpr std::uint64_t kHlBits = std::uint64_t{1} << 22;
  std::vector<std::uint64_t> hl_seen_;
  std::uint64_t hl_max_ = 0;  // highest HL01 number set in hl_seen_
  std::vector<std::string> hl_other_;
  bool hl_seen_before(std::string_view id, bool numeric, std::uint64_t n);
  segment_position st_where_;
  claim claim_;
  service_line* line_ = nullptr;
  json::writer w_;
  // Parts of a claim record that stay the same from claim to claim, rendered
  // once: the payer/receiver/provider objects, and the source object less
  // its segment number.
  json::writer part_;
  std::string context_json_, source_json_;
  bool context_valid_ = false;
  std::uint64_t source_for_ = 0;  // parser transaction count source_json_ was made for
  // Render the parts that stay the same from claim to claim, when stale.
  void ensure_context();
  void ensure_source();
  template <typename F>
  std::string_view render_apart(F&& render);
};

}  // namespace claimkit::x12

#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "json/writer.hpp"
#include "x12/parser.hpp"

namespace claimkit::x12 {

/// A vector whose elements are reused across records, so steady-state
/// parsing allocates nothing: clear() keeps the objects and their capacity.
template <typename T>
class pool {
 public:
  T& add() {
    if (n_ == items_.size()) items_.emplace_back();
    T& t = items_[n_++];
    t.reset();
    return t;
  }
  void clear() { n_ = 0; }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T& back() { return items_[n_ - 1]; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + n_; }

 private:
  std::vector<T> items_;
  std::size_t n_ = 0;
};

/// Where a segment was, kept after the segment itself is gone.
struct segment_position {
  std::uint64_t index = 0, offset = 0, line = 0;
  void set(const segment& s) { index = s.index; offset = s.offset; line = s.line; }
  segment at() const {
    segment s;
    s.index = index;
    s.offset = offset;
    s.line = line;
    return s;
  }
};

/// A party named by NM1 (and DMG in a 276).
struct party {
  std::string entity, type, last, first, middle, suffix, qualifier, id, dob, gender;
  bool present = false;
  void reset();
};

/// One STC composite (STC01, STC10 or STC11) with the STC's other elements.
struct status_entry {
  std::string category, code, entity, code_list, effective_date, action_code, amount, paid_amount,
      adjudication_date, payment_method, paid_date, check_number, message;
  void reset();
};

struct service_line {
  std::string qualifier, procedure, description, billed, paid, revenue_code, units, line_id, date, date_from, date_to;
  std::vector<std::string> modifiers;
  std::size_t n_modifiers = 0;
  pool<status_entry> statuses;
  void reset();
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

 private:
  enum class level_kind { source, receiver, provider, subscriber, dependent, other };
  struct level {
    std::string id;
    level_kind kind = level_kind::other;
    party who;
    // status at this level (receiver / provider): a batch_status record
    std::string trace;
    pool<status_entry> statuses;
    std::string accepted_count, rejected_count, accepted_amount, rejected_amount;
    std::uint64_t first_segment = 0;
    segment_position where;
    bool pending = false;  // has batch data not yet written
    bool had_claim = false;
    bool has_children = false;
    void reset();
  };
  struct claim {
    std::string id, payer_claim_id, patient_account, bill_type, trace_d9, service_from, service_to, billed;
    pool<status_entry> statuses;
    pool<service_line> lines;
    std::uint64_t first_segment = 0;
    segment_position where;
    bool open = false;
    bool has_trn = false;
  };

  void on_hl(const segment& seg);
  void on_nm1(const segment& seg);
  void on_trn(const segment& seg);
  void on_stc(const segment& seg, pool<status_entry>& into);
  void on_dtp(const segment& seg);
  void on_svc(const segment& seg);
  void open_claim(const segment& seg, bool has_trn);
  void close_claim();
  void flush_batch(level& l);
  level* current() { return depth_ == 0 ? nullptr : &levels_[depth_ - 1]; }
  const party* find_party(level_kind k) const;
  bool claim_level() const;
  void write_claim();
  void write_request();
  void write_statuses(json::writer& w, const pool<status_entry>& s, bool with_labels_key);
  void write_party_org(json::writer& w, std::string_view key, const party& p);
  void write_person(json::writer& w, std::string_view key, const party& p);
  void write_lines(json::writer& w, bool request);
  void date_field(const segment& seg, std::string_view value, std::string& out);

  parser& p_;
  bool request_ = false;  // 276
  std::vector<level> levels_;
  std::size_t depth_ = 0;
  std::uint64_t last_hl_ = 0;
  bool saw_hl_ = false;
  segment_position st_where_;
  claim claim_;
  service_line* line_ = nullptr;
  std::string scratch_;
};

}  // namespace claimkit::x12

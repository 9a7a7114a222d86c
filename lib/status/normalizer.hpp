#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cli/reporter.hpp"
#include "codes/tables.hpp"
#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"
#include "status/rules.hpp"

namespace claimkit::status {

/// What one record came to, for the table format.
struct row {
  std::string claim_id;  // "(batch)" / "(ack)" for records without one
  std::string payer;
  std::string state, action, queue, escalate;
  std::string status;  // "F2:88:QC"
  std::string label;   // code label, else category label
};

/// Record precedence when a claim carries several statuses: lower wins.
/// rejected < denied < needs information < paid < other finalized < error <
/// not found < pending < received < anything else.
int category_rank(std::string_view category);

/// The record transformer: adds state, action, queue, reason, escalate and
/// the status labels. Throws ndjson::bad_record for records it cannot take.
class normalizer {
 public:
  normalizer(const rule_set& rules, const codes::tables& codes, cli::reporter& rep);

  /// Normalizes one input record (a vendor response yields one record per
  /// claim). Appends NDJSON lines to out when it is not null, rows otherwise.
  void process(const ndjson::record& rec, std::string* out, std::vector<row>* rows);

  std::uint64_t written() const { return written_; }

 private:
  struct status_view {
    std::string_view raw;
    // Its members: [first, last) of indexed when it points into the scanned
    // record's index, else of members_ (which may still grow while the
    // statuses are read, so it is not pointed into).
    const ndjson::member* indexed = nullptr;
    std::size_t first = 0, last = 0;
    std::string_view category, code, entity, date;
  };
  struct facts {
    std::vector<std::string_view> codes, entities;  // of the deciding group
    std::vector<std::string_view> also;             // other categories of the deciding date
    std::string_view type, channel, payer, ack_code;
    std::string_view category, code, entity;
    bool amounts = false;
    double billed = 0, paid = 0;
    bool has_billed = false, has_paid = false;
  };

  /// type_m: members' "type" member when the caller has found it already.
  void normalize(const ndjson::record& rec, const std::vector<ndjson::member>& members, std::string* out,
                 std::vector<row>* rows, const ndjson::member* type_m = nullptr);
  std::string_view str(const ndjson::member& m);
  std::string_view decode(std::string_view inner);
  std::string_view str_value(std::string_view raw);  // a raw JSON value, decoded when a string
  void read_statuses(std::string_view array_text, std::vector<status_view>& into);
  const ndjson::member* members_of(const status_view& s) const {
    return s.indexed != nullptr ? s.indexed : members_.data();
  }
  const rule& match(const facts& f) const;
  const rule& cached_match(const facts& f);
  static std::string outcome_json(const rule& r);
  std::string_view escalate_for(const rule& r, const facts& f) const;
  void write_status(std::string& out, const status_view& s, const cli::position& pos);
  /// Copies the lines with their statuses labelled; a line whose statuses
  /// come to a state that needs work other than the claim's gets an entry
  /// in followups (JSON objects, comma-separated).
  void write_lines(std::string& out, std::string_view lines_text, const cli::position& pos, const rule& claim,
                   std::string& followups);
  void line_followup(const ndjson::member* line_id, const ndjson::member* procedure, const rule& claim,
                     std::string& followups);
  /// Picks the deciding entry of statuses into f (see WHICH STATUS DECIDES).
  static const status_view* decide(const std::vector<status_view>& statuses, facts& f);
  void labels(std::string& out, std::string_view category, std::string_view code, std::string_view entity,
              const cli::position& pos);
  void labels_uncached(std::string& out, std::string_view category, std::string_view code, std::string_view entity,
                       const cli::position& pos);
  void warn_unknown(codes::list l, std::string_view code, const cli::position& pos);

  const rule_set& rules_;
  const codes::tables& codes_;
  cli::reporter& rep_;
  bool rules_need_amounts_ = false;
  std::vector<std::string> outcome_json_;  // state..reason of each rule, as JSON members
  std::vector<std::string> outcome_tail_;  // the same after a comma, closing the record (no escalate)
  std::uint64_t written_ = 0;

  std::vector<ndjson::member> members_;  // members of status entries
  std::vector<status_view> statuses_;
  std::vector<status_view> line_statuses_;
  // The index of the record being normalized: the reader's, or own_doc_
  // for a record that came without one, or vendor_doc_ for a claim converted
  // from a vendor response.
  const ndjson::document* doc_ = nullptr;
  ndjson::document own_doc_, vendor_doc_;
  std::string followups_;
  facts line_facts_;
  std::deque<std::string> decoded_;         // unescaped values of this record
  std::unordered_set<std::string> warned_;  // "<list>:<code>" already warned about
  struct match_slot {
    std::string key;
    const rule* found = nullptr;
  };
  static constexpr std::size_t kMatchSlots = 4096;
  std::vector<match_slot> match_cache_;  // rule matches by facts (see cached_match)
  struct label_slot {
    bool filled = false;
    std::uint64_t category = 0, code = 0, entity = 0;  // see short_code in normalizer.cpp
    std::string text;                                  // what labels() appends for them
  };
  static constexpr std::size_t kLabelSlots = 256;
  std::vector<label_slot> label_cache_;  // labels by codes (see labels)
  facts facts_;
};

}  // namespace claimkit::status

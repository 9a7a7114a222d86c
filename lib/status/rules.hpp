#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace claimkit::status {

/// The canonical states (RECORDS.md); a rule may only produce these.
bool is_state(std::string_view s);
/// How a rule asks for escalation: none, portal, phone, auto (the payer's
/// preferred channel, else escalation.fallback), preferred (only when the
/// payer has a preferred channel).
bool is_escalate_mode(std::string_view s);

/// What a rule looks at. Everything is optional; an empty list matches
/// anything. Category patterns ending in '*' match by prefix; a code ""
/// matches a status without a code.
struct rule {
  std::string name;
  std::vector<std::string> types;       // record type
  std::vector<std::string> channels;    // source.channel
  std::vector<std::string> payers;      // payer.id
  std::vector<std::string> categories;  // exact or prefix*
  std::vector<std::string> codes;
  std::vector<std::string> entities;
  std::vector<std::string> ack_codes;  // ack records: code (A, E, P, R, M, W, X)
  // another category said with the deciding one (same date): F2 with F1 is
  // a partial payment
  std::vector<std::string> also_categories;
  std::optional<double> min_billed, max_billed, min_paid, max_paid;

  std::string state, action, queue, reason, escalate;
  bool builtin = false;

  bool needs_amounts() const { return min_billed || max_billed || min_paid || max_paid; }
};

struct escalation {
  std::vector<std::string> phone;   // payer ids that answer better by phone
  std::vector<std::string> portal;  // payer ids whose portal shows more
  std::string fallback = "portal";  // for mode auto, when the payer has no preference
};

/// The effective rules in evaluation order: rules naming a payer first, then
/// the others; within each group file order, the file's rules before the
/// built-in ones. First match wins.
struct rule_set {
  std::vector<rule> rules;
  escalation esc;
};

/// The built-in rules (see status-normalize(1), DEFAULT RULES).
std::vector<rule> default_rules();
rule_set default_rule_set();

/// Parses a rules file (JSON). Errors throw claimkit::error (exit 2) with
/// `name:line:column: message`. The result already holds the built-in rules
/// unless the file says "defaults": false.
rule_set parse_rules(std::string_view text, const std::string& name);
/// Reads and parses a rules file; cannot read -> exit 3.
rule_set load_rules(const std::string& path);

/// The effective rules as a rules file (which parses back to the same set).
std::string to_json(const rule_set& rs);

}  // namespace claimkit::status

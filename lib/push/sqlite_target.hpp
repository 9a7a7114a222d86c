#pragma once

#include <memory>
#include <string>

#include "age/recheck.hpp"
#include "ledger/sqlite.hpp"
#include "push/target.hpp"

namespace claimkit::push {

/// --to sqlite:PATH: the status ledger. A batch is one transaction; the
/// ledger's unique key makes a resend after a crash a no-op, so intents
/// are marked per batch rather than per record. Acks and batch statuses go
/// to their own table.
class sqlite_target : public target {
 public:
  /// settings_path: the settings file (--config) with the recheck
  /// intervals for claims.next_check; empty: the default one, if any.
  explicit sqlite_target(std::string path, std::string settings_path = {})
      : path_(std::move(path)), settings_path_(std::move(settings_path)) {}
  std::string_view kind() const override { return "sqlite"; }
  std::string identity() const override { return "sqlite"; }
  std::string journal_name() const override;
  /// The ledger's canonical absolute path: the ledger id is not known before
  /// open(), and a path spelled another way is the same ledger.
  std::string journal_identity() const override;
  bool dedupes() const override { return true; }
  bool takes_events() const override { return true; }
  void open() override;
  void push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) override;
  void describe(const item& it, json::writer& w) const override;

 private:
  std::string path_, settings_path_;
  std::unique_ptr<ledger::sqlite_ledger> ledger_;
  age::recheck_plan recheck_;
};

ledger::entry to_entry(const item& it);
ledger::event_entry to_event_entry(const item& it);
/// The push_result message of a status the precedence rule kept out of the
/// claim's current row (no record values); empty when it replaced it.
std::string_view not_applied_message(ledger::precedence p);

}  // namespace claimkit::push

#pragma once

#include <memory>
#include <string>

#include "age/recheck.hpp"

#include "journal/journal.hpp"
#include "ledger/postgres.hpp"
#include "push/target.hpp"

namespace claimkit::push {

/// --to postgresql://USER@HOST[:PORT]/DB: the status ledger in a PostgreSQL
/// database that a team's pm-push runs share. A batch is one transaction
/// holding the ledger rows and the journal marks of its records (the
/// database's journal table), so a record is done exactly when it is in the
/// ledger, whichever machine wrote it.
class postgres_target : public target {
 public:
  /// uri: a libpq connection URI without a password (checked here, usage
  /// error); config_path: --config, else the default config file is read
  /// for [postgresql] password when the server asks for one.
  postgres_target(std::string uri, std::string config_path);
  std::string_view kind() const override { return "postgresql"; }
  /// The key of a status is the same in every ledger, a SQLite file or a
  /// database: a ledger moved from one to the other keeps its keys.
  std::string identity() const override { return "sqlite"; }
  std::string journal_name() const override;
  /// The URI as checked (user, host, port, database), without options.
  std::string journal_identity() const override { return shown_; }
  bool dedupes() const override { return true; }
  bool takes_events() const override { return true; }
  void open() override;
  /// The journal table of the ledger database, after open(); nullptr before
  /// (a dry run reads the default journal file instead, connecting nowhere).
  journal::journal* own_journal() override { return journal_.get(); }
  void push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) override;
  void describe(const item& it, json::writer& w) const override;

 private:
  std::string uri_, shown_, config_path_;
  age::recheck_plan recheck_;
  std::unique_ptr<ledger::postgres_ledger> ledger_;
  std::unique_ptr<journal::journal> journal_;
};

}  // namespace claimkit::push

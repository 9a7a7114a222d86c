#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "push/status.hpp"

namespace claimkit::journal {
class journal;
}
namespace claimkit::json {
class writer;
}

namespace claimkit::push {

/// How one input record ended. Every record ends in exactly one of these.
/// skipped: an ack or batch_status the target has no place for (not sent,
/// not an error).
enum class result { pending, applied, duplicate, failed, unknown, skipped };
std::string_view to_string(result r);

/// One record on its way to a target.
struct item {
  std::string input;  // display name of the input
  std::uint64_t line = 0;
  claim_status status;  // status.record holds the record's JSON text
  std::string key;
  std::string note;  // the note text (PM targets and webhook body)
  push::result outcome = result::pending;
  int attempts = 0;
  long http_status = 0;
  std::string kind;           // for failed/unknown: what kind of problem
  std::string message;        // for failed/unknown: why (no record values)
  bool history_only = false;  // applied to a ledger's history, not its current status (precedence rule)
};

/// Why a run stopped early: the target is unreachable or refused our
/// credentials. Remaining records end as failed with this reason.
struct stop_reason {
  bool stopped = false;
  int exit_code = 0;  // 4 remote, 3 local I/O
  std::string message;
};

/// A place records are written to. The runner computes keys and consults
/// the journal; a target only delivers a batch and records the outcome of
/// each item, writing journal marks as its delivery model requires.
class target {
 public:
  virtual ~target() = default;
  /// "sqlite", "athena", "nextgen", "http": the push_result's target.
  virtual std::string_view kind() const = 0;
  /// What the idempotency key is computed over: where the write lands,
  /// without incidental spelling (a base URL alias, a ledger path).
  virtual std::string identity() const = 0;
  /// The journal's name for this target instance (set after open()).
  virtual std::string journal_name() const = 0;
  /// What the default journal file is named after, known before open():
  /// where the writes land, so that every entry point pushing to the same
  /// target shares one journal (journal::default_path).
  virtual std::string journal_identity() const { return journal_name(); }
  /// True when a resend of a maybe-sent record cannot make a second write
  /// (the sqlite ledger's unique key, a webhook's Idempotency-Key).
  virtual bool dedupes() const = 0;
  /// True when an ack or batch_status (no claim) can be written here. Where
  /// it cannot (a claim note needs a claim), the runner reports it skipped.
  virtual bool takes_events() const { return false; }
  /// Connects, logs in, creates files. Throws claimkit::error.
  virtual void open() = 0;
  /// The exactly-once marks kept in the target's own store, written in the same transaction as its writes; nullptr: the
  /// runner uses a journal file. Called after open(); in a dry run open() is not called, and this is called on the
  /// unopened target: it returns a read-only view of the marks (nothing created or written), or nullptr to have the
  /// runner read the journal file read-only. After an open() that failed it returns nullptr. Not called when --journal
  /// names a file: that file holds the marks. The target owns the object; it lives as long as the target.
  virtual journal::journal* own_journal() { return nullptr; }
  /// Delivers the pending items of batch, setting each one's outcome.
  /// Journal marks: intent before a send, done after a confirmed success,
  /// failed after a certain refusal. Sets stop when the target is gone.
  virtual void push(std::vector<item*>& batch, journal::journal& j, stop_reason& stop) = 0;
  /// Adds members describing what would be sent (dry run) to an open object.
  virtual void describe(const item& it, json::writer& w) const = 0;
};

}  // namespace claimkit::push

#include "age/command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include <fmt/format.h>

#include "age/aging.hpp"
#include "age/csv_input.hpp"
#include "age/ranking.hpp"
#include "age/summary.hpp"
#include "age/top_heap.hpp"
#include "core/error.hpp"
#include "json/writer.hpp"
#include "ndjson/reader.hpp"
#include "ndjson/value.hpp"

namespace claimkit::age {

void add_options(CLI::App& app, command_options& o) {
  app.add_option("--as-of", o.as_of, "Age claims as of DATE (YYYY-MM-DD); default today, local time")
      ->type_name("DATE");
  app.add_option("--basis", o.basis, "Age from the submitted, service or (latest) status date; default submitted")
      ->type_name("BASIS")
      ->check(CLI::IsMember({"submitted", "service", "status"}));
  app.add_option("--buckets", o.buckets, "Bucket upper edges in days; default 30,60,90,120")->type_name("LIST");
  app.add_option("--weights", o.weights, "Priority weights, e.g. age=1,amount=10,risk=60 (the defaults)")
      ->type_name("LIST");
  app.add_option("--filing-limits", o.filing_limits, "Timely-filing table, CSV or JSON: payer id -> days")
      ->type_name("FILE");
  app.add_option("--recheck-days", o.recheck_days,
                 "A claim is due when last checked more than DAYS ago, whatever its state and payer (default: "
                 "per state, see --config)")
      ->type_name("DAYS")
      ->check(CLI::Range(0, 36500));
  app.add_option("--ledger", o.ledger,
                 "Read last checks, states and actions from the pm-push ledger, a SQLite file or a postgresql:// "
                 "URI (read-only); with no FILE, age the ledger's open claims")
      ->type_name("PATH");
  app.add_option("--config", o.config_path,
                 "Settings file: recheck intervals per state and payer (default $CLAIMKIT_CONFIG or "
                 "~/.config/claimkit/config)")
      ->type_name("FILE");
  csv::add_input_options(app, o.format_in, o.columns);
  app.add_option("--older-than", o.older_than, "Keep claims aged more than DAYS")
      ->type_name("DAYS")
      ->check(CLI::Range(0, 1000000));
  app.add_option("--min-amount", o.min_amount, "Keep claims with at least AMOUNT outstanding")->type_name("AMOUNT");
  app.add_option("--state", o.states, "Keep claims in these states (comma-separated)")
      ->type_name("LIST")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--payer", o.payers, "Keep claims of these payer ids (comma-separated)")
      ->type_name("LIST")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--skip-payer", o.skip_payers, "Leave out claims of these payer ids (comma-separated)")
      ->type_name("LIST")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_flag("--due-only", o.due_only, "Keep claims due for a status check");
  app.add_flag("--all", o.all, "Keep paid and finalized claims too (denied claims are always kept)");
  app.add_option("--sort", o.sort, "Order claims by priority, age or amount, highest first")
      ->type_name("KEY")
      ->check(CLI::IsMember({"priority", "age", "amount"}));
  app.add_option("--top", o.top, "Only the N highest claims (by --sort, default priority)")
      ->type_name("N")
      ->check(CLI::Range(static_cast<std::size_t>(1), static_cast<std::size_t>(100000000)));
  app.add_flag("--summary", o.summary, "Print the aging report instead of the claims");
  app.add_option("--by", o.by, "Group the report by payer, state or bucket; default bucket")
      ->type_name("GROUP")
      ->check(CLI::IsMember({"payer", "state", "bucket"}));
  app.add_option("--format", o.format,
                 "Output format: ndjson, csv or table; the work list defaults to ndjson, the --summary report to "
                 "table on a terminal and ndjson otherwise")
      ->type_name("FORMAT")
      ->check(CLI::IsMember({"table", "csv", "ndjson"}));
  app.add_flag("--ascii", o.ascii, "Draw the report's bars with # instead of Unicode blocks");
}

settings resolve(const command_options& o, bool stdout_is_terminal, bool no_inputs) {
  settings s;
  auto usage = [](const std::string& m) { return error(cli::exit_code::usage, m); };
  if (o.as_of.empty()) {
    s.as_of = dates::today_local();
  } else if (!dates::parse(o.as_of, s.as_of)) {
    throw usage("--as-of: expected a date as YYYY-MM-DD");
  }
  s.basis = o.basis == "service" ? basis::service : o.basis == "status" ? basis::status : basis::submitted;
  if (!o.buckets.empty()) s.buckets = buckets::parse(o.buckets);
  if (!o.weights.empty()) s.weights = weights::parse(o.weights);
  s.ledger_path = o.ledger;
  s.ledger_only = no_inputs && !o.ledger.empty();
  s.input = o.format_in == "csv"      ? input_format::csv
            : o.format_in == "ndjson" ? input_format::ndjson
                                      : input_format::by_name;
  s.columns = csv::parse_columns(o.columns);
  s.columns_given = !o.columns.empty();
  if (o.older_than >= 0) s.older_than = o.older_than;
  if (!o.min_amount.empty()) {
    money m;
    if (parse_amount(o.min_amount, m) != amount_status::ok) {
      throw usage("--min-amount: expected a non-negative amount below 10^18 with at most 18 decimal places");
    }
    s.min_amount = m;
  }
  s.states = o.states;
  s.payers = o.payers;
  s.skip_payers = o.skip_payers;
  s.due_only = o.due_only;
  s.all = o.all;
  s.sort = o.sort == "age"                     ? sort_key::age
           : o.sort == "amount"                ? sort_key::amount
           : o.sort == "priority" || o.top > 0 ? sort_key::priority
                                               : sort_key::none;
  s.top = o.top;
  s.summary = o.summary;
  if (o.summary) {
    if (!o.sort.empty() || o.top > 0) throw usage("--sort and --top apply to the claim list, not to --summary");
    s.by = o.by == "payer" ? group_by::payer : o.by == "state" ? group_by::state : group_by::bucket;
    if (o.format.empty()) s.format = stdout_is_terminal ? report_format::table : report_format::ndjson;
  } else if (!o.by.empty() || o.ascii) {
    throw usage("--by and --ascii apply to --summary");
  }
  if (!o.format.empty()) {
    s.format = o.format == "table" ? report_format::table
               : o.format == "csv" ? report_format::csv
                                   : report_format::ndjson;
  }
  s.ascii = o.ascii;
  // Read last: a bad option should not wait on a file.
  s.recheck = recheck_plan::from_config(cli::config::load_default(o.config_path));
  if (o.recheck_days >= 0) s.recheck.set_every_open_state(o.recheck_days);
  if (!o.filing_limits.empty()) s.limits = filing_limits::load(o.filing_limits);
  return s;
}

int run(cli::context& ctx, const command_options& o) {
  const settings s = resolve(o, ::isatty(1) == 1, ctx.common.files.empty());
  const std::vector<std::string> inputs = s.ledger_only ? std::vector<std::string>{} : ctx.inputs();
  if (s.ledger_only && s.columns_given)
    throw error(cli::exit_code::usage,
                "--columns applies to CSV input, and there is none: the claims come from --ledger");
  check_inputs(inputs, s.input, s.columns, s.columns_given);
  std::unique_ptr<ledger> led;
  if (!s.ledger_path.empty()) led = std::make_unique<ledger>(s.ledger_path);
  ager a(s, ctx.report, led.get());
  read_claims seen;
  if (led && s.summary && s.by == group_by::payer) a.remember_claims(&seen);
  aged_claim c;
  std::string& out = ctx.out.buffer();

  std::unique_ptr<aging_report> report;
  if (s.summary) report = std::make_unique<aging_report>(s);
  std::unique_ptr<worklist> list;
  if (!s.summary && s.format != report_format::ndjson) list = std::make_unique<worklist>(s);
  rank_better better{s.sort};
  std::unique_ptr<top_heap<ranked, rank_better>> heap;
  std::vector<ranked> all;
  if (!s.summary && s.top > 0) heap = std::make_unique<top_heap<ranked, rank_better>>(s.top, better);
  std::uint64_t seq = 0;

  // A CSV row arrives as the `claim` record it maps to: same fields added,
  // same checks, same filters as an NDJSON line.
  const std::function<void(ndjson::record&)> handle = [&](ndjson::record& rec) {
    if (!a.evaluate(rec, c) || !a.keep(c)) return;
    ++seq;
    if (report) {
      report->add(c);
      return;
    }
    if (s.sort == sort_key::none) {
      if (list) list->add(list->row(c), out);
      else a.write(rec, c, out);
      ctx.out.maybe_flush();
      return;
    }
    rank_probe probe{c.priority_tenths, c.age_days, c.outstanding, c.claim_id, seq};
    if (heap && !heap->would_keep(probe)) return;
    ranked r{c.priority_tenths, c.age_days, c.outstanding, std::string(c.claim_id), seq, {}};
    if (list) r.line = list->row(c);
    else a.write(rec, c, r.line);
    if (heap) heap->push(std::move(r));
    else all.push_back(std::move(r));
  };
  if (s.ledger_only) {
    // The ledger's open claims, each as the `claim` record its row says,
    // through the same pass as a record read from a file.
    std::string text;
    ndjson::parse_error err;
    ndjson::document doc;
    ndjson::record rec;
    led->for_each_open([&](const std::string& claim_id, const ledger_claim& row) {
      text.clear();
      json::writer w(text);
      w.begin_object();
      w.key("type");
      w.string("claim");
      w.field("claim_id", claim_id);
      w.field("payer_id", row.payer_id);
      w.field("submitted_date", row.submitted_date);
      w.decimal_field("billed_amount", row.billed_amount);
      w.decimal_field("paid_amount", row.paid_amount);
      // The current status's date (else the day it was recorded), for a
      // claim the ledger knows no submission date of: age falls back on it
      // (--basis).
      dates::day_number day = 0;
      if (dates::parse_timestamp_date(row.effective_date, day) || dates::parse_timestamp_date(row.last_checked, day)) {
        w.key("statuses");
        w.begin_array();
        w.begin_object();
        w.key("effective_date");
        w.string(dates::format(day));
        w.end_object();
        w.end_array();
      }
      w.end_object();
      if (!ndjson::parse_record(text, doc, rec, err, false)) {
        throw error(cli::exit_code::internal, "a ledger row made invalid JSON");
      }
      rec.pos = cli::position{s.ledger_path, 0};
      try {
        handle(rec);
      } catch (const ndjson::bad_record& b) {
        ctx.report.error(rec.pos, b.kind, b.message, cli::details{rec.text, {}, {}});
      }
    });
  } else {
    csv::for_each_claim_record(inputs, s.input, s.columns, ctx.report, handle);
  }

  if (report) {
    if (led && s.by == group_by::payer) report->set_scorecards(led->scorecards(seen));
    report->render(out);
  } else if (s.sort != sort_key::none) {
    if (heap) {
      all = heap->take_sorted();
    } else {
      std::sort(all.begin(), all.end(), better);
    }
    for (auto& r : all) {
      if (list) list->add(std::move(r.line), out);
      else out += r.line;
      ctx.out.maybe_flush();
    }
  }
  if (list) list->finish(out);
  if (a.skipped_other_types() > 0) {
    ctx.report.note(
        fmt::format("skipped {} record(s) that are neither claim nor claim_status", a.skipped_other_types()));
  }
  return 0;
}

}  // namespace claimkit::age

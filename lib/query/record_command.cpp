#include "query/record_command.hpp"

#include <memory>
#include <optional>

#include <fmt/format.h>

#include "core/error.hpp"
#include "csv/input.hpp"
#include "ndjson/reader.hpp"

namespace claimkit::query {
namespace {

std::string lower_trimmed(std::string_view v) {
  auto b = v.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  auto e = v.find_last_not_of(" \t");
  std::string out(v.substr(b, e - b + 1));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // Spreadsheet headers are often typed by hand: "Claim ID" is claim_id.
  for (char& c : out) {
    if (c == ' ' || c == '-') c = '_';
  }
  return out;
}

std::string* field_of(said_status& s, std::string_view column) {
  if (column == "channel") return &s.channel;
  if (column == "claim_id") return &s.claim_id;
  if (column == "payer_id") return &s.payer_id;
  if (column == "status") return &s.status;
  if (column == "text") return &s.text;
  if (column == "reference") return &s.reference;
  if (column == "date") return &s.date;
  if (column == "by") return &s.by;
  return nullptr;
}

void run_csv(cli::context& ctx, const record_options& o, const std::string& fallback_by, std::size_t& written) {
  std::vector<int> column_field;  // index into said_status_columns(), -1: ignored
  const auto& names = said_status_columns();
  auto on_header = [&](const std::vector<std::string>& header) {
    bool has_claim_id = false;
    for (const auto& h : header) {
      std::string name = lower_trimmed(h);
      int idx = -1;
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == name) idx = static_cast<int>(i);
      }
      if (idx >= 0) {
        for (int seen : column_field) {
          if (seen == idx) throw error(cli::exit_code::usage, fmt::format("column {} appears twice", names[idx]));
        }
      }
      if (name == "claim_id") has_claim_id = true;
      column_field.push_back(idx);
    }
    if (!has_claim_id) {
      throw error(cli::exit_code::usage,
                  "no claim_id column (the header names channel,claim_id,payer_id,status,text,reference,date,by)");
    }
  };
  auto on_row = [&](const std::vector<std::string>& cells, const cli::position&) {
    if (cells.size() > column_field.size()) {
      throw ndjson::bad_record{"invalid_csv",
                               fmt::format("row has {} cells, the header {}", cells.size(), column_field.size())};
    }
    said_status s = o.fields;  // the options fill what a row leaves out
    for (std::size_t i = 0; i < cells.size() && i < column_field.size(); ++i) {
      if (column_field[i] < 0) continue;
      if (cells[i].find_first_not_of(" \t") == std::string::npos) continue;
      *field_of(s, names[static_cast<std::size_t>(column_field[i])]) = cells[i];
    }
    std::string msg = check_said_status(s, fallback_by);
    if (!msg.empty()) throw ndjson::bad_record{"invalid_record", msg};
    write_said_status(ctx.out.buffer(), s, o.csv_path == "-" ? std::string_view() : std::string_view(o.csv_path));
    ctx.out.maybe_flush();
    ++written;
  };
  csv::for_each_csv_row(o.csv_path, ctx.report, on_header, on_row);
}

}  // namespace

int run_record(cli::context& ctx, const record_options& o) {
  const std::string fallback_by = o.fields.by.empty() ? current_user() : o.fields.by;
  std::size_t written = 0;
  if (o.csv_path.empty()) {
    said_status s = o.fields;
    std::string msg = check_said_status(s, fallback_by);
    if (!msg.empty()) throw error(cli::exit_code::usage, msg);
    write_said_status(ctx.out.buffer(), s);
    ++written;
  } else {
    run_csv(ctx, o, fallback_by, written);
  }
  std::uint64_t left_out = ctx.report.errors();
  if (!o.csv_path.empty()) {
    ctx.report.note(fmt::format(
        "{} status{} recorded{}", written, written == 1 ? "" : "es",
        left_out == 0 ? std::string() : fmt::format(", {} row{} left out", left_out, left_out == 1 ? "" : "s")));
  }
  return left_out == 0 ? 0 : 1;
}

void add_record_command(CLI::App& parent, cli::common_options& common, std::function<int(cli::context&)>& body) {
  auto o = std::make_shared<record_options>();
  CLI::App* sub = parent.add_subcommand(
      "record", "Write a status said on the phone or shown on a payer portal as a claim_status record");
  sub->footer(
      "Examples:\n"
      "  claim-query record --channel phone --claim-id PCN-1001 --payer-id 60054 \\\n"
      "      --text 'in process, allow 30 days' --reference CALL-778 | status-normalize | pm-push --to "
      "sqlite:ledger.db\n"
      "  claim-query record --csv calls.csv | status-normalize | pm-push --to sqlite:ledger.db\n"
      "CSV header: channel,claim_id,payer_id,status,text,reference,date,by (any order; options fill empty cells)");
  cli::add_common_options(*sub, common, false);
  auto& f = o->fields;
  sub->add_option("--csv", o->csv_path, "Read one status per row from FILE (- for standard input)")->type_name("FILE");
  sub->add_option("--channel", f.channel, "How the status was learned: phone or portal")
      ->type_name("CHANNEL")
      ->check(CLI::IsMember({"phone", "portal"}));
  sub->add_option("--claim-id", f.claim_id, "The claim (patient control number)")->type_name("ID");
  sub->add_option("--payer-id", f.payer_id, "The payer's id")->type_name("ID");
  sub->add_option("--text", f.text, "The status as it was said or shown")->type_name("TEXT");
  sub->add_option("--reference", f.reference, "The reference number given for the call or look-up")->type_name("REF");
  sub->add_option("--status", f.status, "The status as codes, CATEGORY:CODE[:ENTITY], e.g. F1:65 or R4:21:PR")
      ->type_name("CODES");
  sub->add_option("--date", f.date, "Day the status was said (YYYY-MM-DD; default today, local date)")
      ->type_name("DATE");
  sub->add_option("--by", f.by, "Who made the call or look-up (default: the user running the tool)")->type_name("NAME");
  sub->parse_complete_callback([&body, o] { body = [o](cli::context& ctx) { return run_record(ctx, *o); }; });
}

}  // namespace claimkit::query

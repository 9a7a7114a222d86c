#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/reporter.hpp"
#include "csv/claims.hpp"
#include "ndjson/reader.hpp"

namespace CLI {
class App;
}

namespace claimkit::csv {

/// How the claim inputs of a tool are read (--format-in): by file name (CSV
/// for *.csv, else NDJSON), or all as one format.
enum class input_format { by_name, ndjson, csv };

/// Defines --format-in and --columns, with the same names, values and help
/// in every tool that reads claims.
void add_input_options(CLI::App& app, std::string& format_in, std::string& columns);

/// "csv" / "ndjson" / anything else (by name), as --format-in gives it.
input_format parse_input_format(const std::string& text);

/// True when path is read as a CSV export: format says so, or (by_name) the
/// file name ends in .csv, ASCII case ignored. Standard input is NDJSON
/// unless format says csv.
bool is_csv_input(const std::string& path, input_format format);

/// Opens a CSV export and reads its header line. Throws claimkit::error:
/// (3) when it cannot be opened or read, (2) when the header lacks a column
/// the mapping names or has no claim_id column (`file:1: message`).
/// An empty input has no header and no rows.
void check_csv_header(const std::string& path, const column_map& columns);

/// Header errors in CSV inputs stop a run before anything is written: checks
/// the header of each CSV input that is a regular file (a pipe's header would
/// be gone), and refuses --columns (columns_given) when no input is CSV.
void check_inputs(const std::vector<std::string>& inputs, input_format format, const column_map& columns,
                  bool columns_given);

/// Reads a CSV export and calls handle with each data row as a `claim`
/// record (claim_mapper), positioned at the line the row starts on, so rows
/// take the same path as NDJSON records. Rows with only blank cells are
/// skipped. A row the handler rejects (ndjson::bad_record), and a quoted cell
/// left open at the end, are reported with the row as read as `raw`.
/// Linear in the input, however its quotes fall. Header errors are thrown
/// as check_csv_header says.
void for_each_csv_record(const std::string& path, const column_map& columns, cli::reporter& rep,
                         const std::function<void(ndjson::record&)>& handle);

/// Reads any CSV file with a header line, for records other than claims:
/// header gets the header cells (it may throw claimkit::error, usage, which
/// is reported as `file:1: message`), row each data row with its position
/// (rows with only blank cells are skipped). A row the handler rejects
/// (ndjson::bad_record), and a quoted cell left open at the end, are reported
/// with the row as read as `raw`. An empty input calls neither.
void for_each_csv_row(const std::string& path, cli::reporter& rep,
                      const std::function<void(const std::vector<std::string>&)>& header,
                      const std::function<void(const std::vector<std::string>&, const cli::position&)>& row);

/// Every input in turn: CSV ones (is_csv_input) through for_each_csv_record,
/// the others through ndjson::for_each_record.
void for_each_claim_record(const std::vector<std::string>& inputs, input_format format, const column_map& columns,
                           cli::reporter& rep, const std::function<void(ndjson::record&)>& handle);

}  // namespace claimkit::csv

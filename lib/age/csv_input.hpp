#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "age/settings.hpp"
#include "cli/reporter.hpp"
#include "csv/claims.hpp"
#include "ndjson/reader.hpp"

namespace claimkit::age {

/// True when path is read as a CSV export: format says so, or (by_name) the
/// file name ends in .csv, ASCII case ignored. Standard input is NDJSON
/// unless format says csv.
bool is_csv_input(const std::string& path, input_format format);

/// Opens a CSV export and reads its header line. Throws claimkit::error:
/// (3) when it cannot be opened or read, (2) when the header lacks a column
/// the mapping names or has no claim_id column (`file:1: message`).
/// An empty input has no header and no rows.
void check_csv_header(const std::string& path, const csv::column_map& columns);

/// Reads a CSV export and calls handle with each data row as a `claim`
/// record (csv::claim_mapper), positioned at the line the row starts on, so
/// rows take the same path as NDJSON records. Rows with only blank cells are
/// skipped. A row the handler rejects (ndjson::bad_record), and a quoted cell
/// left open at the end, are reported with the row as read as `raw`.
/// Header errors are thrown as check_csv_header says.
void for_each_csv_record(const std::string& path, const csv::column_map& columns, cli::reporter& rep,
                         const std::function<void(ndjson::record&)>& handle);

}  // namespace claimkit::age

#pragma once

// claim-age reads CSV exports through the kit's one CSV claim input (lib/csv).
#include "csv/input.hpp"

namespace claimkit::age {

using csv::check_csv_header;
using csv::check_inputs;
using csv::for_each_csv_record;
using csv::is_csv_input;

}  // namespace claimkit::age

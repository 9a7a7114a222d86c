#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace claimkit::query {

/// A status said on the phone or shown on a payer portal, as the biller
/// gives it (`claim-query record`): options, or one row of a CSV file.
struct said_status {
  std::string channel;  // "phone" or "portal"
  std::string claim_id;
  std::string payer_id;
  std::string text;       // what was said or shown
  std::string reference;  // the call or portal reference number
  std::string status;     // CAT:CODE[:ENTITY], or empty
  std::string date;       // YYYY-MM-DD or MM/DD/YYYY; empty: today
  std::string by;         // who made the call; empty: the user running the tool
};

/// The columns of a `claim-query record --csv` file, in documented order.
/// A header matches ignoring ASCII case and surrounding blanks.
const std::vector<std::string_view>& said_status_columns();

/// Checks s and fills in its defaults (date: today on the local clock, by:
/// fallback_by). Returns an empty string when s is good, else a one-line
/// message that names fields, never their values.
std::string check_said_status(said_status& s, std::string_view fallback_by);

/// Appends s (checked) as one `claim_status` record (claimkit(7)) and a
/// newline. file, when not empty, is named in source.file.
void write_said_status(std::string& out, const said_status& s, std::string_view file = {});

/// Who runs the tool: $USER, else the name of the real user id, else "uid N".
std::string current_user();

}  // namespace claimkit::query

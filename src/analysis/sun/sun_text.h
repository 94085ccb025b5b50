// The text forms of the sun and shadow commands' inputs and outputs: measured ranges ("1.8±0.05",
// "1.8+-0.05", "1.75:1.85", "1.8"), ISO 8601 times with their UTC offset kept (so that results
// can be printed in the offset the user wrote), dates and offsets.
//
// Contract: parsers return kInvalidArgument with a message that quotes the text and shows the
// accepted forms. Thread safety: pure functions.
#ifndef SIGHTLINE_ANALYSIS_SUN_SUN_TEXT_H_
#define SIGHTLINE_ANALYSIS_SUN_SUN_TEXT_H_

#include <string>
#include <string_view>

#include "analysis/sun/shadow.h"
#include "base/status.h"

namespace sightline::analysis::sun {

// A whole decimal number ("-105.1786", "1e3"); no trailing characters, finite.
Result<double> ParseNumber(std::string_view text);
// "V", "V±D" (or "V+-D"), "LO:HI".
Result<Range> ParseRange(std::string_view text);

struct IsoTime {
  double unix = 0;       // UTC seconds
  int utc_offset_s = 0;  // the offset written ("Z" = 0)
  bool zulu = true;      // written with "Z"
};
// "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)", years 0000-9999 (proleptic Gregorian).
Result<IsoTime> ParseIsoTime(std::string_view text);
// "Z", "+03:00", "-0700", "+05".
Result<int> ParseUtcOffset(std::string_view text);
// "YYYY-MM-DD".
Status ParseDate(std::string_view text, int* year, int* month, int* day);
// The time in that offset, to the second: "2003-10-17T06:12:43-07:00" ("...Z" when zulu).
std::string FormatIsoTime(double unix, int utc_offset_s, bool zulu);
// "+03:00" / "Z".
std::string FormatUtcOffset(int utc_offset_s, bool zulu);

}  // namespace sightline::analysis::sun

#endif  // SIGHTLINE_ANALYSIS_SUN_SUN_TEXT_H_

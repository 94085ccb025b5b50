// Times as investigators cite them: RFC 3339 in UTC ("2026-11-25T15:48:17.123Z").
#ifndef SIGHTLINE_BASE_TIME_H_
#define SIGHTLINE_BASE_TIME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sightline {

// The current UTC time with millisecond precision.
std::string UtcNowRfc3339();
// Seconds (and nanoseconds) since the Unix epoch as RFC 3339 UTC; milliseconds shown when nsec >=
// 0.
std::string FormatUtc(std::int64_t unix_seconds, long nsec = -1);
// Seconds since the Unix epoch of a UTC calendar time (fields as written: month 1-12, day 1-31).
std::int64_t UnixFromUtcFields(int year, int month, int day, int hour, int minute, int second);
// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM|±HHMM)" into Unix seconds; nullopt when malformed.
// With zone_required false, a time without a zone is read as UTC (as GPX writers mean it).
std::optional<double> ParseRfc3339(std::string_view s, bool zone_required = true);

}  // namespace sightline

#endif  // SIGHTLINE_BASE_TIME_H_

// Parts of `sightline archive` kept in their own files.
#ifndef SIGHTLINE_CLI_ARCHIVE_COMMANDS_H_
#define SIGHTLINE_CLI_ARCHIVE_COMMANDS_H_

#include <string>
#include <vector>

namespace sightline::cli {

// `sightline archive shard …` (cmd_archive_shard.cc): `args` are the words after "shard".
int RunArchiveShard(const std::vector<std::string>& args);

}  // namespace sightline::cli

#endif  // SIGHTLINE_CLI_ARCHIVE_COMMANDS_H_

#include "cli/command.h"

namespace sightline::cli {

extern const Command kIngestCommand;
extern const Command kProbeCommand;
extern const Command kListCommand;
extern const Command kShowCommand;
extern const Command kVerifyCommand;
extern const Command kExportCommand;
extern const Command kTimestampCommand;
extern const Command kHashCommand;
extern const Command kShotsCommand;
extern const Command kKeyframesCommand;
extern const Command kSheetCommand;
extern const Command kEventsCommand;
extern const Command kSpectrogramCommand;
extern const Command kSyncCommand;
extern const Command kMatchCommand;
extern const Command kSceneCommand;
extern const Command kLocateCommand;
extern const Command kTrackCommand;
extern const Command kCoordsCommand;
extern const Command kSunCommand;
extern const Command kShadowCommand;
extern const Command kTextCommand;
extern const Command kAnalyzeCommand;
extern const Command kTimelineCommand;
extern const Command kPlacesCommand;
extern const Command kReportCommand;
extern const Command kFindingsCommand;
extern const Command kAcceptCommand;
extern const Command kRejectCommand;
extern const Command kAnnotateCommand;
extern const Command kSourceCommand;
extern const Command kLinkCommand;
extern const Command kClaimCommand;
extern const Command kLocateItemCommand;
extern const Command kRedactCommand;
extern const Command kServeCommand;
extern const Command kUserCommand;
extern const Command kArchiveCommand;
extern const Command kWorkerCommand;

const Command* const kCommands[] = {
    &kIngestCommand,
    &kProbeCommand,
    &kListCommand,
    &kShowCommand,
    &kVerifyCommand,
    &kExportCommand,
    &kTimestampCommand,
    &kHashCommand,
    &kShotsCommand,
    &kKeyframesCommand,
    &kSheetCommand,
    &kEventsCommand,
    &kSpectrogramCommand,
    &kSyncCommand,
    &kMatchCommand,
    &kSceneCommand,
    &kLocateCommand,
    &kTrackCommand,
    &kCoordsCommand,
    &kSunCommand,
    &kShadowCommand,
    &kTextCommand,
    &kAnalyzeCommand,
    &kFindingsCommand,
    &kAcceptCommand,
    &kRejectCommand,
    &kAnnotateCommand,
    &kSourceCommand,
    &kLinkCommand,
    &kClaimCommand,
    &kLocateItemCommand,
    &kTimelineCommand,
    &kPlacesCommand,
    &kReportCommand,
    &kRedactCommand,
    &kServeCommand,
    &kUserCommand,
    &kArchiveCommand,
    &kWorkerCommand,
    nullptr,
};

}  // namespace sightline::cli

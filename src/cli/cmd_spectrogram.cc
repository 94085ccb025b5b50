// sightline spectrogram: the picture a person checks audio events on (report/spectrogram.h), with
// the events `sightline events` finds marked, from one decoding pass.
#include <cmath>
#include <cstdio>
#include <string>

#include "base/file.h"
#include "cli/command.h"
#include "cli/events_common.h"
#include "cli/output.h"
#include "media/png_writer.h"
#include "report/spectrogram.h"

namespace sightline::cli {
namespace {

namespace ev = analysis::events;

constexpr char kUsage[] =
    "Usage: sightline spectrogram FILE -o OUT.png [--from S] [--to S] [--width PX]\n"
    "                             [--height PX] [--max-hz HZ] [--no-events] [--json]\n"
    "\n"
    "Draws the spectrogram of FILE's audio as a PNG: time across, labelled in seconds on the\n"
    "file's clock; frequency up, in kHz; level as colour (the loudest 80 dB). Events found by\n"
    "`sightline events` are marked above it (shot red, burst orange with its count, blast purple;\n"
    "a shot with a crack-thump pair shows the distance range) and speech regions as a green bar\n"
    "below it. Long spans stay readable: neighbouring columns are merged by their maximum, so a\n"
    "gunshot shows in an hour-long picture.\n"
    "\n"
    "  -o, --output OUT.png  the picture to write (required)\n"
    "  --from S       start at S seconds (default: the beginning)\n"
    "  --to S         end at S seconds (default: the end)\n"
    "  --width PX     plot width in pixels (default 1200; 100-8000)\n"
    "  --height PX    plot height in pixels (default 400; 64-2000)\n"
    "  --max-hz HZ    highest frequency shown (default 16000, or half the sample rate)\n"
    "  --no-events    do not look for events (faster; no marks)\n"
    "  --json         print {\"file\",\"png\",\"from\",\"to\",\"events\":[...],\"speech\":[...]}\n"
    "                 (events as in `sightline events --json`)\n"
    "\n"
    "Exit status: 0 written, 1 the file could not be read or the picture not written, 2 usage.\n";

int Run(const Args& args) {
  if (args.positional().size() != 1)
    return UsageError("spectrogram", args.positional().empty() ? "no FILE given" : "give one FILE");
  const std::string out = args.Get("output");
  if (out.empty()) return UsageError("spectrogram", "-o OUT.png is required");
  const std::string& file = args.positional()[0];
  report::SpectrogramOptions so;
  double width = so.width, height = so.height;
  so.max_hz = 16000;
  if (args.Has("from") && !ParseReal(args.Get("from"), 0, 1e7, &so.from_s))
    return UsageError("spectrogram", "--from must be a number of seconds");
  if (args.Has("to") && !ParseReal(args.Get("to"), 0, 1e7, &so.to_s))
    return UsageError("spectrogram", "--to must be a number of seconds");
  if (args.Has("to") && so.to_s <= so.from_s)
    return UsageError("spectrogram", "--to must be after --from");
  if (args.Has("width") && !ParseReal(args.Get("width"), 100, 8000, &width))
    return UsageError("spectrogram", "--width must be 100-8000 pixels");
  if (args.Has("height") && !ParseReal(args.Get("height"), 64, 2000, &height))
    return UsageError("spectrogram", "--height must be 64-2000 pixels");
  if (args.Has("max-hz") && !ParseReal(args.Get("max-hz"), 500, 200000, &so.max_hz))
    return UsageError("spectrogram", "--max-hz must be a frequency from 500 Hz");
  so.width = static_cast<int>(width);
  so.height = static_cast<int>(height);
  const bool with_events = !args.Has("no-events");
  ev::EventOptions eo;
  eo.speech = with_events;

  std::unique_ptr<report::SpectrogramBuilder> builder;
  ProgressMeter progress("spectrogram", 0, 1, ProgressMeter::Unit::kMediaSeconds);
  auto analysis = signals::AnalyseEvents(
      file, eo, [&](double s) { progress.Add(s); },
      [&](const media::AudioBlock& block) {
        if (!builder) {
          std::string title = BaseName(file);
          so.title = title;
          builder = std::make_unique<report::SpectrogramBuilder>(block.sample_rate, block.t, so);
        }
        builder->Push(block.data, static_cast<std::size_t>(block.frames));
        // Events need a few seconds past the span (decays, bursts); without them, stop at once.
        const double end = block.t + static_cast<double>(block.frames) / block.sample_rate;
        return !(builder->Done() && (!with_events || end > so.to_s + 5));
      });
  progress.Clear();
  if (!analysis.ok()) {
    Warn("spectrogram", analysis.status().message());
    return kExitFailed;
  }
  if (!builder) {
    Warn("spectrogram", DisplayPath(file) + ": the audio stream has no samples");
    return kExitFailed;
  }
  if (builder->end_s() <= builder->start_s()) {
    Warn("spectrogram", DisplayPath(file) + ": nothing to draw from " + std::to_string(so.from_s) +
                            " s (the audio ends at " +
                            std::to_string(analysis->start_s + analysis->duration_s) + " s)");
    return kExitFailed;
  }
  if (!with_events) analysis->result = {};
  media::Image img = builder->Render(analysis->result.events, analysis->result.speech);
  Status st = media::WritePng(out, img);
  if (!st.ok()) {
    Warn("spectrogram", st.message());
    return kExitFailed;
  }
  for (const auto& w : analysis->warnings) Warn("spectrogram", DisplayPath(file) + ": " + w);
  if (args.Has("json")) {
    nlohmann::ordered_json j;
    j["file"] = DisplayPath(file);
    j["png"] = DisplayPath(out);
    j["from"] = std::round(builder->start_s() * 1e3) / 1e3;
    j["to"] = std::round(builder->end_s() * 1e3) / 1e3;
    j["events"] = nlohmann::ordered_json::array();
    j["speech"] = nlohmann::ordered_json::array();
    for (const auto& e : analysis->result.events)
      if (e.end >= builder->start_s() && e.t <= builder->end_s())
        j["events"].push_back(signals::EventJson(e, eo));
    for (const auto& s : analysis->result.speech)
      if (s.end >= builder->start_s() && s.start <= builder->end_s())
        j["speech"].push_back(
            {{"start", std::round(s.start * 1e3) / 1e3}, {"end", std::round(s.end * 1e3) / 1e3}});
    PrintOrderedJson(j);
  } else {
    std::printf("%s: %.3f-%.3f s, %d x %d pixels\n", DisplayPath(out).c_str(), builder->start_s(),
                builder->end_s(), img.width, img.height);
  }
  return kExitOk;
}

}  // namespace

extern const Command kSpectrogramCommand = {
    "spectrogram",
    "a spectrogram picture (PNG) with audio events marked",
    kUsage,
    {{"json", "no-events"}, {"output", "from", "to", "width", "height", "max-hz"}, {}},
    Run,
};

}  // namespace sightline::cli

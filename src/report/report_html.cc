#include "report/report_html.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "base/markup.h"
#include "base/time.h"
#include "case/timeline.h"
#include "report/waveform.h"

namespace sightline::report {

namespace {

using Json = nlohmann::json;

constexpr char kStyle[] = R"css(
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:1100px;
padding:0 1em;color:#1b1b1b}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{text-align:left;padding:.3em .5em;
border-bottom:1px solid #e4e4e4;vertical-align:top}th{background:#f5f5f5}
.muted{color:#666}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.badge{display:inline-block;padding:0 .5em;border-radius:.7em;font-size:.85em;font-weight:600}
.confirmed,.accepted{background:#d9f2dd;color:#135c24}.likely{background:#e3eefc;color:#1a4d8f}
.unconfirmed,.suggested{background:#f1f1f1;color:#444}.false,.rejected{background:#fbe0e0;color:#8a1c1c}
.item{display:flex;gap:1em;border:1px solid #e4e4e4;border-radius:6px;padding:.8em;margin:.8em 0}
.item img{max-width:320px;height:auto;border-radius:4px;align-self:flex-start}.conflict{color:#8a1c1c}
.item .sheet{max-width:100%}.item>div{flex:1;min-width:0}.item h4{margin:.6em 0 .2em}
figure{margin:1em 0}figure img{max-width:100%;height:auto}figcaption{color:#555;font-size:.9em}
svg.map,svg.waveform{max-width:100%;height:auto;border:1px solid #ddd;border-radius:4px}
@media print{.item,figure{break-inside:avoid}}
)css";

std::string S(const Json& j) {
  if (j.is_null()) return "";
  if (j.is_string()) return j.get<std::string>();
  return j.dump();
}

std::string TimeTextOf(double t) { return investigation::TimeText(t); }

std::string Num(double v, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string Badge(const std::string& level) {
  return "<span class=\"badge " + HtmlEscape(level) + "\">" + HtmlEscape(level) + "</span>";
}

// "#3 name" linked to the item's card.
std::string ItemRef(const Json& id, const std::map<std::int64_t, std::string>& names) {
  const std::int64_t n = id.is_number() ? id.get<std::int64_t>() : 0;
  const auto it = names.find(n);
  return "<a href=\"#item-" + std::to_string(n) + "\">#" + std::to_string(n) +
         (it == names.end() ? "" : " " + HtmlEscape(it->second)) + "</a>";
}

std::string EvidenceRef(const std::string& ref) {
  const std::size_t colon = ref.find(':');
  if (colon == std::string::npos) return HtmlEscape(ref);
  return "<a href=\"#" + HtmlEscape(ref.substr(0, colon)) + "-" +
         HtmlEscape(ref.substr(colon + 1)) + "\">" + HtmlEscape(ref) + "</a>";
}

std::string SpanText(const Json& span) {
  if (!span.is_object()) return "<span class=\"muted\">not placed</span>";
  const std::string e = S(span["earliest"]), l = S(span["latest"]);
  if (e == l) return HtmlEscape(e);
  return HtmlEscape(e) + " … " + HtmlEscape(l);
}

void Claims(const Json& r, const std::map<std::int64_t, std::string>&, std::string* h) {
  *h += "<h2 id=\"claims\">Claims</h2>";
  if (r["claims"].empty()) *h += "<p class=\"muted\">No claims recorded.</p>";
  for (const Json& c : r["claims"]) {
    *h += "<div id=\"claim-" + S(c["id"]) + "\"><p>" + Badge(S(c["confidence"])) + " <strong>" +
          HtmlEscape(S(c["statement"])) + "</strong><br><span class=\"muted\">decided by " +
          HtmlEscape(S(c["decided_by"])) + " at " + HtmlEscape(S(c["decided_at"])) +
          (S(c["reason"]).empty() ? "" : ": " + HtmlEscape(S(c["reason"]))) + "</span></p><ul>";
    for (const Json& e : c["evidence"]) {
      *h += "<li>" + HtmlEscape(S(e["role"])) + " " + EvidenceRef(S(e["ref"])) +
            (S(e["note"]).empty() ? "" : " — " + HtmlEscape(S(e["note"]))) + "</li>";
    }
    *h += "</ul></div>";
  }
}

// The placed items as bars (start to start + duration, the start's uncertainty drawn faint
// around it) and the placed events as dashed lines, on one time axis: an inline SVG, so the
// page stays self-contained. Empty when nothing is placed.
std::string TimelineFigure(const Json& t, const std::map<std::int64_t, std::string>& names) {
  struct Bar {
    std::string label;
    double earliest, best, latest, duration;
  };
  std::vector<Bar> bars;
  std::vector<std::pair<double, std::string>> ticks;
  for (const Json& i : t["items"]) {
    if (!i["start"].is_object()) continue;
    const auto e = ParseRfc3339(S(i["start"]["earliest"]));
    const auto b = ParseRfc3339(S(i["start"]["best"]));
    const auto l = ParseRfc3339(S(i["start"]["latest"]));
    if (!e || !b || !l) continue;
    const std::int64_t id = i["item"].get<std::int64_t>();
    const auto n = names.find(id);
    bars.push_back({"#" + std::to_string(id) + (n == names.end() ? "" : " " + n->second), *e, *b,
                    *l, i.value("duration_s", 0.0)});
  }
  for (const Json& e : t["events"]) {
    if (!e["time"].is_object()) continue;
    if (auto when = ParseRfc3339(S(e["time"]["best"]))) ticks.push_back({*when, S(e["text"])});
  }
  if (bars.empty()) return "";
  double lo = bars[0].earliest, hi = bars[0].latest + bars[0].duration;
  for (const Bar& b : bars) {
    lo = std::min(lo, b.earliest);
    hi = std::max(hi, b.latest + b.duration);
  }
  if (hi - lo < 1) hi = lo + 1;
  const int left = 220, width = 640, row = 22;
  const int axis = 10 + row * static_cast<int>(bars.size()) + 4;
  const auto x = [&](double v) { return Num(left + (v - lo) / (hi - lo) * width, "%.1f"); };
  const auto w = [&](double from, double to, double min) {
    return Num(std::max(min, (to - from) / (hi - lo) * width), "%.1f");
  };
  std::string svg = "<svg width=\"" + std::to_string(left + width + 20) + "\" height=\"" +
                    std::to_string(axis + 24) + "\" role=\"img\" font-size=\"12\">";
  for (std::size_t k = 0; k < bars.size(); ++k) {
    const Bar& b = bars[k];
    const std::string y = std::to_string(10 + row * static_cast<int>(k));
    const std::string y4 = std::to_string(14 + row * static_cast<int>(k));
    svg += "<text x=\"4\" y=\"" + std::to_string(22 + row * static_cast<int>(k)) + "\">" +
           HtmlEscape(b.label.size() > 30 ? b.label.substr(0, 29) + "…" : b.label) + "</text>";
    svg += "<rect x=\"" + x(b.earliest) + "\" y=\"" + y4 + "\" width=\"" +
           w(b.earliest, b.latest, 1) + "\" height=\"8\" fill=\"#c9d9f0\"/>";
    svg += "<rect x=\"" + x(b.best) + "\" y=\"" + y + "\" width=\"" +
           w(b.best, b.best + b.duration, 2) + "\" height=\"16\" fill=\"#1a4d8f\"><title>" +
           HtmlEscape(b.label) + "</title></rect>";
  }
  const std::string ay = std::to_string(axis);
  svg += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(left + width) +
         "\" y1=\"" + ay + "\" y2=\"" + ay + "\" stroke=\"#888\"/>";
  for (const auto& [when, text] : ticks) {
    svg += "<line x1=\"" + x(when) + "\" x2=\"" + x(when) + "\" y1=\"4\" y2=\"" + ay +
           "\" stroke=\"#8a1c1c\" stroke-dasharray=\"3 2\"><title>" + HtmlEscape(text) +
           "</title></line>";
  }
  const std::string ty = std::to_string(axis + 16);
  svg += "<text x=\"" + std::to_string(left) + "\" y=\"" + ty + "\">" + HtmlEscape(TimeTextOf(lo)) +
         "</text><text x=\"" + std::to_string(left + width) + "\" y=\"" + ty +
         "\" text-anchor=\"end\">" + HtmlEscape(TimeTextOf(hi)) + "</text></svg>";
  return svg;
}

void Timeline(const Json& r, const std::map<std::int64_t, std::string>& names, std::string* h) {
  const Json& t = r["timeline"];
  *h += "<h2 id=\"timeline\">Timeline (UTC)</h2>" + TimelineFigure(t, names) +
        "<table><tr><th>When</th><th>What</th><th>How it is known</th></tr>";
  for (const Json& i : t["items"]) {
    std::string basis;
    for (const Json& b : i["basis"]) {
      basis += (basis.empty() ? "" : "<br>") + HtmlEscape(S(b["kind"])) + ": " +
               HtmlEscape(S(b["detail"]));
    }
    *h += "<tr><td class=\"mono\">" + SpanText(i["start"]) +
          "</td><td>recording starts: " + ItemRef(i["item"], names) + "</td><td>" + basis +
          "</td></tr>";
  }
  for (const Json& e : t["events"]) {
    *h += "<tr id=\"observation-" + S(e["observation"]) + "\"><td class=\"mono\">" +
          SpanText(e["time"]) + "</td><td>" + HtmlEscape(S(e["kind"])) + ": " +
          HtmlEscape(S(e["text"])) + "</td><td>" + ItemRef(e["item"], names) + " at " +
          Num(e["offset_s"].get<double>(), "%.2f") + " s</td></tr>";
  }
  *h += "</table>";
  for (const Json& k : t["conflicts"]) {
    *h += "<p class=\"conflict\">Conflict: " + HtmlEscape(S(k["message"])) + "</p>";
  }
}

void Findings(const Json& r, const std::map<std::int64_t, std::string>& names, std::string* h) {
  *h +=
      "<h2 id=\"findings\">Findings</h2><p class=\"muted\">Suggested by the analyses; a person "
      "accepts or rejects each.</p><table><tr><th>#</th><th>Kind</th><th>Items</th>"
      "<th>Score</th><th>Status</th><th>Decisions</th></tr>";
  for (const Json& f : r["findings"]) {
    std::string decisions;
    for (const Json& d : f["decisions"]) {
      decisions += (decisions.empty() ? "" : "<br>") + HtmlEscape(S(d["status"])) + " by " +
                   HtmlEscape(S(d["actor"])) + " at " + HtmlEscape(S(d["time"])) +
                   (S(d["reason"]).empty() ? "" : ": " + HtmlEscape(S(d["reason"])));
    }
    *h += "<tr id=\"finding-" + S(f["id"]) + "\"><td>" + S(f["id"]) + "</td><td>" +
          HtmlEscape(S(f["kind"])) + "</td><td>" + ItemRef(f["a"], names) + "<br>" +
          ItemRef(f["b"], names) + "</td><td>" + Num(f["score"].get<double>(), "%.2f") +
          "</td><td>" + Badge(S(f["status"])) + "</td><td>" + decisions + "</td></tr>";
  }
  *h += "</table>";
  for (const Json& f : r["findings"]) {
    const std::string a = S(f["a"]), b = S(f["b"]);
    // The match and scene analyses say when B matched once flipped left to right: a reader of
    // the picture must know that the right one is a mirror image of the left.
    const bool mirrored = f.contains("evidence") && f["evidence"].is_object() &&
                          f["evidence"].value("mirrored", false);
    const std::string caption =
        "Finding " + S(f["id"]) + " (" + HtmlEscape(S(f["kind"])) + "): " + ItemRef(f["a"], names) +
        " left, " + ItemRef(f["b"], names) + " right" +
        (mirrored ? ", mirrored (flipped left to right) against the left" : "");
    if (f.contains("picture_jpeg_base64") && f["picture_jpeg_base64"].is_string()) {
      const Json& t = f["picture_times"];
      *h += "<figure id=\"finding-" + S(f["id"]) + "-picture\"><img data-items=\"" + a + "," + b +
            "\" alt=\"match picture of finding " + S(f["id"]) + "\" src=\"data:image/jpeg;base64," +
            S(f["picture_jpeg_base64"]) + "\"><figcaption>" + caption +
            (t.is_object() ? ", at " + Num(t["a_s"].get<double>(), "%.2f") + " s and " +
                                 Num(t["b_s"].get<double>(), "%.2f") + " s"
                           : "") +
            "</figcaption></figure>";
    }
    if (f.contains("waveform") && f["waveform"].is_object()) {
      const Json& w = f["waveform"];
      const auto item_label = [&](const Json& id) {
        const auto it = names.find(id.get<std::int64_t>());
        return "#" + S(id) + (it == names.end() ? "" : " " + it->second);
      };
      *h += "<figure id=\"finding-" + S(f["id"]) + "-waveform\">" +
            SyncedWaveformSvg(w["a_levels"].get<std::vector<double>>(),
                              w["b_levels"].get<std::vector<double>>(), w["from_s"].get<double>(),
                              w["to_s"].get<double>(), item_label(f["a"]), item_label(f["b"])) +
            "<figcaption>Finding " + S(f["id"]) + " (same_moment): the sound levels of " +
            ItemRef(f["a"], names) + " (up) and " + ItemRef(f["b"], names) +
            " (down) on the clock of " + ItemRef(f["a"], names) + ", " + ItemRef(f["b"], names) +
            " shifted by " + Num(w["offset_s"].get<double>(), "%+.3f") + " s</figcaption></figure>";
    }
  }
}

// The groups of items that show one place (case/place_groups.h), each with the links that make
// it: a chain is only as strong as its links, so the reader sees them all.
void PlaceGroups(const Json& r, const std::map<std::int64_t, std::string>& names, std::string* h) {
  if (!r.contains("place_groups") || r["place_groups"].empty()) return;
  *h +=
      "<h2 id=\"place-groups\">Same place</h2><p class=\"muted\">Items joined by same-place or "
      "same-footage findings (not rejected) and statements. Links chain, so two items of a group "
      "may not have been matched with each other; each group lists its links.</p>";
  int n = 0;
  for (const Json& g : r["place_groups"]) {
    const std::string number = std::to_string(++n);
    std::string items;
    for (const Json& id : g["items"]) items += (items.empty() ? "" : ", ") + ItemRef(id, names);
    *h += "<p id=\"place-" + number + "\"><b>Place " + number + "</b>: " + items + ". " +
          S(g["pairs_linked"]) + " of " + S(g["pairs"]) + " pairs linked directly; " +
          (g["confirmed"].get<bool>()
               ? Badge("confirmed")
               : std::string("rests in part on ") + Badge("suggested") + " links") +
          "</p><ul>";
    for (const Json& l : g["links"]) {
      const bool stated = l.contains("relation");
      const std::string ref = stated ? "relation " + S(l["relation"])
                                     : "<a href=\"#finding-" + S(l["finding"]) + "\">finding " +
                                           S(l["finding"]) + "</a>";
      *h += "<li>" + ItemRef(l["a"], names) + " ~ " + ItemRef(l["b"], names) + ": " +
            HtmlEscape(S(l["kind"])) + ", " + ref + ", score " +
            Num(l["score"].get<double>(), "%.2f") + ", " +
            (stated                       ? "stated"
             : l["confirmed"].get<bool>() ? "accepted"
                                          : "suggested") +
            "</li>";
    }
    *h += "</ul>";
  }
}

void Places(const Json& r, const std::map<std::int64_t, std::string>& names,
            const HtmlOptions& options, std::string* h) {
  *h += "<h2 id=\"locations\">Locations</h2>";
  // The recorded locations, and the GPS position files state about themselves (unverified, so
  // labelled as such).
  std::vector<MapPlace> places;
  for (const Json& l : r["locations"]) {
    const std::int64_t item = l["item"].is_number() ? l["item"].get<std::int64_t>() : 0;
    places.push_back({l["lat"].get<double>(),
                      l["lon"].get<double>(),
                      l["radius_m"].get<double>(),
                      item != 0 ? "#" + std::to_string(item) : "obs " + S(l["observation"]),
                      {}});
  }
  for (const Json& i : r["items"]) {
    const Json& m = i["metadata"];
    if (!m.is_object() || !m["gps"].is_object() || !m["gps"]["lat"].is_number() ||
        !m["gps"]["lon"].is_number()) {
      continue;
    }
    places.push_back({m["gps"]["lat"].get<double>(),
                      m["gps"]["lon"].get<double>(),
                      0,
                      "#" + S(i["id"]) + " file GPS",
                      {}});
  }
  for (const Json& i : r["items"]) {
    const Json& t = i["gps_track"];
    if (!t.is_object() || !t["path"].is_array() || t["path"].empty()) continue;
    MapPlace start{t["path"][0][0].get<double>(),
                   t["path"][0][1].get<double>(),
                   0,
                   "#" + S(i["id"]) + " GPS track",
                   {}};
    for (const Json& q : t["path"]) start.path.push_back({q[1].get<double>(), q[0].get<double>()});
    places.push_back(std::move(start));
  }
  if (places.empty()) {
    *h += "<p class=\"muted\">No locations recorded.</p>";
    return;
  }
  if (options.map != nullptr) {
    *h += "<figure id=\"map\">" + MapSvg(*options.map, places) +
          "<figcaption>Each location recorded (#N: an item, obs N: an observed event) with its "
          "uncertainty as a circle where that shows at this scale, and each position a file "
          "states in its own metadata (\"file GPS\": as the file says, unverified), with the "
          "way a camera's GPS track went (a blue line from its start; the file's statement too). "
          "Land and "
          "borders: Natural Earth 1:50m (public domain), drawn offline.</figcaption></figure>";
  } else if (!options.map_note.empty()) {
    *h += "<p class=\"muted\">No map: " + HtmlEscape(options.map_note) + "</p>";
  }
  if (r["locations"].empty()) {
    *h += "<p class=\"muted\">No locations recorded; the map shows only what files state.</p>";
    return;
  }
  *h +=
      "<table><tr><th>#</th><th>Of</th><th>Latitude, longitude</th><th>Within</th>"
      "<th>How</th></tr>";
  for (const Json& l : r["locations"]) {
    *h += "<tr id=\"location-" + S(l["id"]) + "\"><td>" + S(l["id"]) + "</td><td>" +
          ItemRef(l["item"], names) +
          (l["observation"].is_null() ? "" : " (observation " + S(l["observation"]) + ")") +
          "</td><td class=\"mono\">" + Num(l["lat"].get<double>(), "%.6f") + ", " +
          Num(l["lon"].get<double>(), "%.6f") + "</td><td>" +
          Num(l["radius_m"].get<double>(), "%.0f") + " m</td><td>" + HtmlEscape(S(l["method"])) +
          (S(l["note"]).empty() ? "" : ": " + HtmlEscape(S(l["note"]))) + "</td></tr>";
  }
  *h += "</table>";
}

// An observation as one line: kind, time into the item, text, and the original words with their
// language and translation when given.
std::string ObservationLine(const Json& o) {
  std::string line = "<li>" + HtmlEscape(S(o["kind"]));
  if (o["start_s"].is_number()) {
    line += " at " + Num(o["start_s"].get<double>(), "%.2f") + " s";
    if (o["end_s"].is_number()) line += "–" + Num(o["end_s"].get<double>(), "%.2f") + " s";
  }
  line += ": " + HtmlEscape(S(o["text"]));
  if (!S(o["original"]).empty()) {
    line += "<br>«" + HtmlEscape(S(o["original"])) + "»" +
            (S(o["language"]).empty() ? "" : " [" + HtmlEscape(S(o["language"])) + "]") +
            (S(o["translation"]).empty() ? "" : " — " + HtmlEscape(S(o["translation"])));
  }
  return line + "</li>";
}

// Lines after the first kMaxMachineLines of a machine list are counted, not shown: a long
// recording can hold hundreds of impulses or captions, and the person reading wants the first.
constexpr std::size_t kMaxMachineLines = 40;

std::string MoreLine(std::size_t total) {
  if (total <= kMaxMachineLines) return "";
  return "<li class=\"muted\">… and " + std::to_string(total - kMaxMachineLines) +
         " more in report.json</li>";
}

// What the sounds stage of `analyze` heard: suggestions of a detector, marked as such.
std::string HeardLines(const Json& heard) {
  if (!heard.is_object()) return "";
  std::string out;
  const Json& events = heard["events"];
  for (std::size_t k = 0; k < events.size() && k < kMaxMachineLines; ++k) {
    const Json& e = events[k];
    out += "<li>heard (machine): " + HtmlEscape(S(e["kind"])) + " at " +
           Num(e.value("t", 0.0), "%.2f") + " s" +
           (e.contains("count") ? ", " + S(e["count"]) + " rounds" : "") + ", confidence " +
           Num(e.value("confidence", 0.0), "%.2f") +
           (e.contains("distance_m") ? ", weapon " + S(e["distance_m"][0]) + "–" +
                                           S(e["distance_m"][1]) + " m away if aimed near"
                                     : "") +
           "</li>";
  }
  out += MoreLine(events.size());
  double speech_s = 0;
  for (const Json& s : heard["speech"]) speech_s += s.value("end", 0.0) - s.value("start", 0.0);
  if (!heard["speech"].empty()) {
    out += "<li>heard (machine): speech in " + std::to_string(heard["speech"].size()) +
           " stretches, " + Num(speech_s, "%.1f") + " s in all</li>";
  }
  return out;
}

// What the text stage of `analyze` read in the pictures.
std::string TextReadLines(const Json& lines) {
  if (!lines.is_array()) return "";
  std::string out;
  for (std::size_t k = 0; k < lines.size() && k < kMaxMachineLines; ++k) {
    const Json& l = lines[k];
    out += "<li>text read (machine)";
    if (l["t"].is_number()) out += " at " + Num(l["t"].get<double>(), "%.1f") + " s";
    out += ": «" + HtmlEscape(S(l["text"])) + "»" +
           (S(l["lang"]).empty() ? "" : " [" + HtmlEscape(S(l["lang"])) + "]") + ", " +
           Num(l.value("confidence", 0.0), "%.0f") + "%</li>";
  }
  return out + MoreLine(lines.size());
}

void Items(const Json& r, const std::map<std::int64_t, std::string>& names, std::string* h) {
  std::map<std::int64_t, std::string> source_names;
  for (const Json& s : r["sources"]) source_names[s["id"].get<std::int64_t>()] = S(s["name"]);
  *h += "<h2 id=\"items\">Items</h2>";
  for (const Json& i : r["items"]) {
    const std::string id = S(i["id"]);
    *h += "<div class=\"item\" id=\"item-" + id + "\">";
    if (i["thumbnail_jpeg_base64"].is_string()) {
      *h += "<img data-item=\"" + id + "\" alt=\"picture of item " + id +
            "\" src=\"data:image/jpeg;base64," + S(i["thumbnail_jpeg_base64"]) + "\">";
    }
    *h += "<div><strong>#" + id + " " + HtmlEscape(S(i["name"])) + "</strong> " +
          "<span class=\"muted\">" + HtmlEscape(S(i["kind"])) + ", " + S(i["size"]) +
          " bytes</span><br><span class=\"mono\">SHA-256 " + S(i["sha256"]) + "</span><br>" +
          "ingested " + HtmlEscape(S(i["ingested_at"]));
    const Json& m = i["metadata"];
    if (m.is_object()) {
      if (m["created"].is_object()) {
        *h += "<br>created (as the file states): " + HtmlEscape(S(m["created"]["local"])) + " " +
              HtmlEscape(S(m["created"]["zone"])) + " <span class=\"muted\">(" +
              HtmlEscape(S(m["created"]["source"])) + ")</span>";
      }
      if (m["device"].is_object()) {
        *h += "<br>device: " + HtmlEscape(S(m["device"]["make"])) + " " +
              HtmlEscape(S(m["device"]["model"]));
      }
      if (m["duration_s"].is_number()) {
        *h += "<br>duration: " + Num(m["duration_s"].get<double>(), "%.2f") + " s";
      }
      if (m["gps"].is_object()) {
        *h += "<br>GPS in the file: <span class=\"mono\">" +
              Num(m["gps"]["lat"].get<double>(), "%.6f") + ", " +
              Num(m["gps"]["lon"].get<double>(), "%.6f") + "</span>";
      }
      for (const Json& a : m["anomalies"]) {
        *h += "<br><span class=\"conflict\">! " + HtmlEscape(S(a["code"])) + ": " +
              HtmlEscape(S(a["message"])) + "</span>";
      }
    }
    if (!S(i["media_problem"]).empty()) {
      *h += "<br><span class=\"conflict\">not readable as media: " +
            HtmlEscape(S(i["media_problem"])) + "</span>";
    }
    for (const Json& l : i["sources"]) {
      const auto it = source_names.find(l["source"].get<std::int64_t>());
      *h += "<br>source: <a href=\"#source-" + S(l["source"]) + "\">" +
            HtmlEscape(it == source_names.end() ? S(l["source"]) : it->second) + "</a>" +
            (S(l["how"]).empty() ? "" : ", " + HtmlEscape(S(l["how"])));
    }
    // Custody: the ingest entry (who, when, under which hash) and what was recorded since.
    const Json& cu = i.value("custody", Json());
    if (cu.is_object()) {
      *h += "<h4>Custody</h4>";
      if (cu["ingest"].is_object()) {
        const Json& e = cu["ingest"];
        *h += "entry " + S(e["seq"]) + ": " + HtmlEscape(S(e["action"])) + " by " +
              HtmlEscape(S(e["actor"])) + " at " + HtmlEscape(S(e["time"])) +
              "<br><span class=\"mono\">entry hash " + HtmlEscape(S(e["entry_hash"])) +
              "</span><br>" + S(cu["later_entries"]) + " later entries on this object";
        if (cu.contains("last") && S(cu["later_entries"]) != "0") {
          *h += ", the last " + S(cu["last"]["seq"]) + " (" + HtmlEscape(S(cu["last"]["action"])) +
                ", " + HtmlEscape(S(cu["last"]["time"])) + ")";
        }
      } else {
        *h += "<span class=\"muted\">no ingest entry names this object</span>";
      }
    }
    // Relations: stated by people, and found by the analyses.
    std::string rel;
    for (const Json& x : r["relations"]) {
      if (x["a"] != i["id"] && x["b"] != i["id"]) continue;
      const Json& other = x["a"] == i["id"] ? x["b"] : x["a"];
      rel += "<li>" + HtmlEscape(S(x["kind"])) + " " + ItemRef(other, names) +
             (x["offset_s"].is_number()
                  ? ", offset " + Num(x["offset_s"].get<double>(), "%+.3f") + " s"
                  : "") +
             (S(x["note"]).empty() ? "" : ": " + HtmlEscape(S(x["note"]))) + " (stated)</li>";
    }
    for (const Json& f : r["findings"]) {
      if (f["a"] != i["id"] && f["b"] != i["id"]) continue;
      const Json& other = f["a"] == i["id"] ? f["b"] : f["a"];
      const std::string anchor = f.contains("picture_jpeg_base64") ? "-picture"
                                 : f.contains("waveform")          ? "-waveform"
                                                                   : "";
      rel += "<li>" + HtmlEscape(S(f["kind"])) + " " + ItemRef(other, names) + " " +
             Badge(S(f["status"])) + " score " + Num(f["score"].get<double>(), "%.2f") +
             ", <a href=\"#finding-" + S(f["id"]) + anchor + "\">finding " + S(f["id"]) +
             "</a></li>";
    }
    if (!rel.empty()) *h += "<h4>Relations</h4><ul>" + rel + "</ul>";
    if (i.contains("gps_track") && i["gps_track"].is_object()) {
      const Json& t = i["gps_track"];
      *h += "<h4>GPS track</h4><p>" + HtmlEscape(S(t["source"])) +
            (t["start_utc"].is_string()
                 ? ", recording started " + HtmlEscape(S(t["start_utc"])) + " by its GPS clock"
                 : ", no GPS time") +
            (t["distance_m"].is_number()
                 ? ", " + Num(t["distance_m"].get<double>(), "%.0f") + " m travelled"
                 : "") +
            " <span class=\"muted\">(the file's statement, unverified; on the map)</span></p>";
    }
    // Events and transcripts: what people observed on the item.
    std::string events, words;
    for (const Json& o : i["observations"]) {
      const std::string kind = S(o["kind"]);
      ((kind == "speech" || kind == "text" || !S(o["original"]).empty()) ? words : events) +=
          ObservationLine(o);
    }
    events += HeardLines(i.value("heard", Json()));
    words += TextReadLines(i.value("text_read", Json()));
    if (!events.empty()) *h += "<h4>Events and observations</h4><ul>" + events + "</ul>";
    if (!words.empty()) *h += "<h4>Transcripts and translations</h4><ul>" + words + "</ul>";
    if (i.contains("keyframes_jpeg_base64") && i["keyframes_jpeg_base64"].is_string()) {
      *h += "<h4>Keyframes</h4><img data-item=\"" + id + "\" class=\"sheet" +
            "\" alt=\"frames of item " + id + " spread over its duration\" " +
            "src=\"data:image/jpeg;base64," + S(i["keyframes_jpeg_base64"]) + "\">";
    }
    *h += "</div></div>";
  }
}

void Sources(const Json& r, std::string* h) {
  *h += "<h2 id=\"sources\">Sources</h2>";
  if (r["sources"].empty()) *h += "<p class=\"muted\">No sources recorded.</p>";
  for (const Json& s : r["sources"]) {
    *h += "<p id=\"source-" + S(s["id"]) + "\"><strong>" + HtmlEscape(S(s["name"])) +
          "</strong> <span class=\"muted\">" + HtmlEscape(S(s["kind"])) + "</span> " +
          HtmlEscape(S(s["handle"])) + " " + HtmlEscape(S(s["platform"])) +
          " <span class=\"mono\">" + HtmlEscape(S(s["url"])) + "</span></p>";
  }
}

}  // namespace

std::string HtmlEscape(const std::string& text) { return EscapeMarkup(text); }

std::string RenderReportHtml(const Json& r, const HtmlOptions& options) {
  std::map<std::int64_t, std::string> names;
  for (const Json& i : r["items"]) names[i["id"].get<std::int64_t>()] = S(i["name"]);
  const Json& sum = r["summary"];
  std::string h =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      // Nothing may be fetched: the page is opened on machines holding sensitive material.
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "img-src data:; style-src 'unsafe-inline'\">"
      "<title>Sightline report " +
      HtmlEscape(S(r["case"]["case_id"])) + "</title><style>" + kStyle + "</style></head><body>";
  h += "<h1>Verification report</h1><p class=\"muted\">Case " +
       HtmlEscape(S(r["case"]["case_id"])) + " · generated " +
       HtmlEscape(S(r["report"]["generated_at"])) + " by " +
       HtmlEscape(S(r["report"]["generator"])) +
       " · custody log: " + S(r["case"]["custody_entries"]) +
       " entries, head <span class=\"mono\">" + HtmlEscape(S(r["case"]["custody_head"])) +
       "</span></p>";
  h += "<h2>Summary</h2><p>" + S(sum["items"]) + " items. Findings: ";
  std::string parts;
  for (const auto& [status, n] : sum["findings"].items()) {
    parts += (parts.empty() ? "" : ", ") + S(n) + " " + HtmlEscape(status);
  }
  h += (parts.empty() ? "none" : parts) + ". Claims: ";
  parts.clear();
  for (const auto& [level, n] : sum["claims"].items()) {
    parts += (parts.empty() ? "" : ", ") + S(n) + " " + HtmlEscape(level);
  }
  h += (parts.empty() ? "none" : parts) + ". Timeline conflicts: " + S(sum["conflicts"]) + ".</p>";
  Claims(r, names, &h);
  Timeline(r, names, &h);
  Findings(r, names, &h);
  PlaceGroups(r, names, &h);
  Places(r, names, options, &h);
  Items(r, names, &h);
  Sources(r, &h);
  h += "</body></html>\n";
  return h;
}

}  // namespace sightline::report

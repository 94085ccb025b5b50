#include "report/report_html.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "base/markup.h"
#include "base/time.h"
#include "case/timeline.h"

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
.item img{max-width:320px;height:auto;border-radius:4px}.conflict{color:#8a1c1c}
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
}

void Places(const Json& r, const std::map<std::int64_t, std::string>& names, std::string* h) {
  *h += "<h2 id=\"locations\">Locations</h2>";
  if (r["locations"].empty()) {
    *h += "<p class=\"muted\">No locations recorded.</p>";
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

void Items(const Json& r, std::string* h) {
  std::map<std::int64_t, std::string> source_names;
  for (const Json& s : r["sources"]) source_names[s["id"].get<std::int64_t>()] = S(s["name"]);
  *h += "<h2 id=\"items\">Items</h2>";
  for (const Json& i : r["items"]) {
    *h += "<div class=\"item\" id=\"item-" + S(i["id"]) + "\">";
    if (i["thumbnail_jpeg_base64"].is_string()) {
      *h += "<img alt=\"picture of item " + S(i["id"]) + "\" src=\"data:image/jpeg;base64," +
            S(i["thumbnail_jpeg_base64"]) + "\">";
    }
    *h += "<div><strong>#" + S(i["id"]) + " " + HtmlEscape(S(i["name"])) + "</strong> " +
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
    for (const Json& o : i["observations"]) {
      *h += "<br>observed (" + HtmlEscape(S(o["kind"])) +
            (o["start_s"].is_null() ? "" : ", " + Num(o["start_s"].get<double>(), "%.2f") + " s") +
            "): " + HtmlEscape(S(o["text"]));
      if (!S(o["original"]).empty()) {
        *h += " — «" + HtmlEscape(S(o["original"])) + "» [" + HtmlEscape(S(o["language"])) + "] " +
              HtmlEscape(S(o["translation"]));
      }
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

std::string RenderReportHtml(const Json& r) {
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
  Places(r, names, &h);
  Items(r, &h);
  Sources(r, &h);
  h += "</body></html>\n";
  return h;
}

}  // namespace sightline::report

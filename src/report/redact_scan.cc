#include "report/redact_scan.h"

#include <sodium.h>

#include <algorithm>
#include <set>
#include <unordered_map>

namespace sightline::report {

namespace {

using Json = nlohmann::json;

constexpr int kMaxJsonDepth = 256;

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool StartsWithNoCase(std::string_view text, std::size_t at, std::string_view what) {
  if (text.size() - at < what.size()) return false;
  for (std::size_t k = 0; k < what.size(); ++k) {
    if (Lower(text[at + k]) != what[k]) return false;
  }
  return true;
}

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The value of attribute `name` in the tag text `tag`, or "" (names are matched lower-case, the
// value up to its closing quote).
std::string Attribute(std::string_view tag, std::string_view name) {
  for (std::size_t at = 0; at + name.size() + 2 < tag.size(); ++at) {
    const char before = tag[at == 0 ? 0 : at - 1];
    if (at == 0 || !(before == ' ' || before == '\t' || before == '\n' || before == '\r')) {
      continue;
    }
    if (!StartsWithNoCase(tag, at, name) || tag[at + name.size()] != '=') continue;
    const char quote = tag[at + name.size() + 1];
    if (quote != '"' && quote != '\'') continue;
    const std::size_t start = at + name.size() + 2;
    const std::size_t stop = tag.find(quote, start);
    if (stop == std::string_view::npos) return "";
    return std::string(tag.substr(start, stop - start));
  }
  return "";
}

// "3" or "3,4" to item ids; anything that is not a whole number is skipped.
void AddItemIds(const std::string& list, std::vector<std::int64_t>* items) {
  std::size_t at = 0;
  while (at <= list.size()) {
    std::size_t comma = list.find(',', at);
    if (comma == std::string::npos) comma = list.size();
    const std::string part = list.substr(at, comma - at);
    if (!part.empty() && part.size() < 19 &&
        std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      items->push_back(std::stoll(part));
    }
    at = comma + 1;
  }
}

std::string KeyFormat(const std::string& key) {
  if (EndsWith(key, "_jpeg_base64") || EndsWith(key, "_jpg_base64")) return "jpeg";
  if (EndsWith(key, "_png_base64")) return "png";
  return "";
}

struct JsonWalk {
  std::vector<PictureSpot>* spots;

  Status Walk(const Json& j, const std::string& path, const std::vector<std::int64_t>& items,
              int depth) {
    if (depth > kMaxJsonDepth) return InvalidArgument("report.json nests too deep to be a report");
    if (j.is_object()) {
      for (const auto& [key, value] : j.items()) {
        const std::string child = path.empty() ? key : path + "." + key;
        if (value.is_string() && EndsWith(key, "_base64")) {
          const std::string& text = value.get_ref<const std::string&>();
          std::string format = KeyFormat(key);
          bool picture = !format.empty();
          if (!picture) {
            // Another kind of base64 (a signature, a fingerprint) stays; a picture is taken.
            auto bytes = DecodeBase64(text.substr(0, 64 - 64 % 4));
            picture = bytes.ok() && !SniffPictureFormat(*bytes).empty();
            format = "png";
          }
          if (picture) {
            PictureSpot s;
            s.key = text;
            s.format = format;
            s.items = items;
            s.place = "report.json " + child;
            spots->push_back(std::move(s));
            continue;
          }
        }
        SL_RETURN_IF_ERROR(Walk(value, child, items, depth + 1));
      }
    } else if (j.is_array()) {
      const std::string name =
          path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
      for (std::size_t k = 0; k < j.size(); ++k) {
        const Json& e = j[k];
        std::vector<std::int64_t> inner = items;
        // An item's object (items[k] with its "id") or a finding's (findings[k], "a" and "b"):
        // its pictures belong to those items.
        if (e.is_object() && name == "items" && e.contains("id") && e["id"].is_number_integer()) {
          inner = {e["id"].get<std::int64_t>()};
        } else if (e.is_object() && name == "findings") {
          inner.clear();
          for (const char* side : {"a", "b"}) {
            if (e.contains(side) && e[side].is_number_integer()) {
              inner.push_back(e[side].get<std::int64_t>());
            }
          }
        }
        SL_RETURN_IF_ERROR(Walk(e, path + "[" + std::to_string(k) + "]", inner, depth + 1));
      }
    } else if (j.is_string()) {
      const std::string& text = j.get_ref<const std::string&>();
      if (text.find("data:") != std::string::npos || text.find("DATA:") != std::string::npos ||
          text.find("Data:") != std::string::npos) {
        for (PictureSpot& s : FindDataUriPictures(text, "report.json " + path)) {
          s.items.insert(s.items.end(), items.begin(), items.end());
          spots->push_back(std::move(s));
        }
      }
    }
    return Status::Ok();
  }
};

// Rewrites the parsed document: every picture replaced.
Status Rewrite(Json& j, const std::map<std::string, Replacement>& replacements, int depth) {
  if (depth > kMaxJsonDepth) return InvalidArgument("report.json nests too deep to be a report");
  if (j.is_object()) {
    for (auto& [key, value] : j.items()) {
      if (value.is_string() && EndsWith(key, "_base64")) {
        const auto it = replacements.find(value.get<std::string>());
        if (it != replacements.end()) {
          value = it->second.payload;
          continue;
        }
      }
      SL_RETURN_IF_ERROR(Rewrite(value, replacements, depth + 1));
    }
  } else if (j.is_array()) {
    for (Json& e : j) SL_RETURN_IF_ERROR(Rewrite(e, replacements, depth + 1));
  } else if (j.is_string()) {
    const std::string text = j.get<std::string>();
    const std::vector<PictureSpot> spots = FindDataUriPictures(text, "");
    if (!spots.empty()) j = ReplaceDataUris(text, spots, replacements);
  }
  return Status::Ok();
}

}  // namespace

std::string SniffPictureFormat(std::string_view b) {
  const auto starts = [&](std::string_view magic, std::size_t at = 0) {
    return b.size() >= at + magic.size() && b.substr(at, magic.size()) == magic;
  };
  if (starts("\xFF\xD8\xFF")) return "jpeg";
  if (starts("\x89PNG\r\n\x1A\n")) return "png";
  if (starts("GIF87a") || starts("GIF89a")) return "gif";
  if (starts("RIFF") && starts("WEBP", 8)) return "webp";
  if (starts("BM") && b.size() > 26) return "bmp";
  return "";
}

std::string EncodeBase64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

Result<std::string> DecodeBase64(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgument("not valid base64");
  }
  out.resize(length);
  return out;
}

std::vector<PictureSpot> FindDataUriPictures(std::string_view text,
                                             const std::string& place_prefix) {
  std::vector<PictureSpot> spots;
  int ordinal = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (Lower(text[at]) != 'd' || !StartsWithNoCase(text, at, "data:image/")) continue;
    PictureSpot s;
    s.begin = at;
    // The URI ends where its attribute or CSS url() ends.
    const char before = at > 0 ? text[at - 1] : '\0';
    std::size_t end;
    if (before == '"' || before == '\'') {
      end = text.find(before, at);
    } else if (before == '(') {
      end = text.find(')', at);
    } else {
      end = text.find_first_of(" \t\r\n>\"'", at);
    }
    if (end == std::string_view::npos) end = text.size();
    s.end = end;
    const std::string_view uri = text.substr(at, end - at);
    const std::size_t comma = uri.find(',');
    const std::string_view header =
        uri.substr(0, comma == std::string_view::npos ? uri.size() : comma);
    s.base64 = comma != std::string_view::npos &&
               (header.size() >= 7 && StartsWithNoCase(header, header.size() - 7, ";base64"));
    if (s.base64) {
      const std::string_view payload = uri.substr(comma + 1);
      s.base64 = std::all_of(payload.begin(), payload.end(), IsBase64Char);
      s.key = std::string(payload);
    }
    if (!s.base64) s.key = std::string(uri);
    // The element it is in: the last '<' before it with no '>' between.
    const std::size_t lt = text.rfind('<', at);
    const std::size_t gt = text.rfind('>', at);
    ++ordinal;
    std::string label = "picture " + std::to_string(ordinal);
    if (lt != std::string_view::npos && (gt == std::string_view::npos || gt < lt)) {
      std::size_t tag_end = text.find('>', end);
      if (tag_end == std::string_view::npos) tag_end = text.size();
      const std::string_view tag = text.substr(lt, tag_end - lt);
      AddItemIds(Attribute(tag, "data-item"), &s.items);
      AddItemIds(Attribute(tag, "data-items"), &s.items);
      std::size_t name_end = 1;
      while (name_end < tag.size() && tag[name_end] != ' ' && tag[name_end] != '\n' &&
             tag[name_end] != '\t' && tag[name_end] != '/') {
        ++name_end;
      }
      label = "<" + std::string(tag.substr(1, name_end - 1));
      const std::string alt = Attribute(tag, "alt");
      if (!alt.empty()) label += " alt=\"" + alt + "\"";
      label += "> (picture " + std::to_string(ordinal) + ")";
    }
    s.place = place_prefix.empty() ? label : place_prefix + " " + label;
    spots.push_back(std::move(s));
    at = end == 0 ? 0 : end - 1;
  }
  return spots;
}

Result<std::vector<PictureSpot>> FindJsonPictures(const Json& report) {
  std::vector<PictureSpot> spots;
  JsonWalk walk{&spots};
  SL_RETURN_IF_ERROR(walk.Walk(report, "", {}, 0));
  return spots;
}

std::string ReplaceDataUris(std::string_view text, const std::vector<PictureSpot>& spots,
                            const std::map<std::string, Replacement>& replacements) {
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (const PictureSpot& s : spots) {
    const auto it = replacements.find(s.key);
    if (it == replacements.end() || s.begin < at) continue;
    out.append(text.substr(at, s.begin - at));
    out += "data:image/" + it->second.format + ";base64," + it->second.payload;
    at = s.end;
  }
  out.append(text.substr(at));
  return out;
}

Result<std::string> ReplaceJsonPictures(const std::string& text, const Json& report,
                                        const std::map<std::string, Replacement>& replacements) {
  std::vector<std::string> written;
  std::vector<std::string> originals;
  std::unordered_map<std::string_view, const Replacement*> by_key;
  for (const auto& [key, r] : replacements) {
    written.push_back(r.payload);
    originals.push_back(key);
    by_key[key] = &r;
  }
  // In place: maximal runs of base64 characters that are a picture's text.
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    if (!IsBase64Char(text[at])) {
      out += text[at++];
      continue;
    }
    std::size_t end = at;
    while (end < text.size() && IsBase64Char(text[end])) ++end;
    const std::string_view run(text.data() + at, end - at);
    const auto it = by_key.find(run);
    if (it != by_key.end()) {
      out += it->second->payload;
    } else {
      out.append(run);
    }
    at = end;
  }
  if (CheckOnlyRedactedPictures("", out, written, originals).ok()) return out;
  // Pictures the in-place pass could not reach: rewrite the document.
  Json copy = report;
  SL_RETURN_IF_ERROR(Rewrite(copy, replacements, 0));
  out = copy.dump(1) + "\n";
  Status check = CheckOnlyRedactedPictures("", out, written, originals);
  if (!check.ok()) return Internal("report.json: " + check.message());
  return out;
}

Status CheckOnlyRedactedPictures(const std::string& html, const std::string& json,
                                 const std::vector<std::string>& written,
                                 const std::vector<std::string>& originals) {
  const std::set<std::string> ours(written.begin(), written.end());
  for (const PictureSpot& s : FindDataUriPictures(html, "report.html")) {
    if (!ours.count(s.key)) return Internal(s.place + " is not a redacted picture");
  }
  if (!json.empty()) {
    const Json parsed = Json::parse(json, nullptr, false);
    if (parsed.is_discarded()) return Internal("the redacted report.json does not parse");
    auto spots = FindJsonPictures(parsed);
    if (!spots.ok()) return spots.status();
    for (const PictureSpot& s : *spots) {
      if (!ours.count(s.key)) return Internal(s.place + " is not a redacted picture");
    }
  }
  for (const std::string& o : originals) {
    if (o.size() >= 16 &&
        (html.find(o) != std::string::npos || json.find(o) != std::string::npos)) {
      return Internal("an original picture is still in the output");
    }
  }
  return Status::Ok();
}

}  // namespace sightline::report

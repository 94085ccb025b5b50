// Evaluates `sightline match` on the shared-footage test set made by bench/match/make_set.sh and
// prints a table for bench/run.sh (and the README):
//
//   sightline_match_eval [--sightline PATH] [--mode all|per-source] [--timeout S] [--list N] SET
//
// Runs `sightline match --json FILE...` over the set: once over every file (--mode all, the
// default), or once per source clip (its original and every file holding its footage, with all
// the originals and all the negatives). Reports, per edit, the share of true pairs found and the
// share whose best segment has all four boundaries within 1 s of the truth; mean and max of that
// boundary error; false pairs among the same-room hard negatives and among unrelated files; and
// the wall time and peak memory of the matcher per file. Pairs between two files that hold the
// same stretch of one source (two copies of one clip, or two files with the same filler) are
// true but not scored; pairs of one source's disjoint parts are listed apart, not as false.
//
// The set's truth.tsv and pieces.tsv are described in bench/match/README.md.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;
using FilePair = std::pair<std::string, std::string>;  // ordered: first < second

constexpr double kTolerance = 1.0;  // seconds, on each of the four segment boundaries

struct Piece {
  std::string file, source, role, edit;
  double src_start = 0, src_end = 0;
};

struct Truth {
  std::string a, b, edit;
  double a_start = 0, a_end = 0, b_start = 0, b_end = 0;
  bool found = false;
  double error = INFINITY;  // the best segment's largest boundary error, over the runs
};

struct Segment {
  double a_start, a_end, b_start, b_end;
};

struct Reported {
  double score = 0;
  std::vector<Segment> segments;  // oriented as (pair.first, pair.second)
};

struct RunResult {
  bool ok = false;
  std::string error;
  double seconds = 0;
  double cpu_seconds = 0;  // user + system
  long peak_kib = 0;
  std::map<FilePair, Reported> pairs;
};

FilePair Key(const std::string& x, const std::string& y) {
  return x < y ? FilePair{x, y} : FilePair{y, x};
}

std::vector<std::vector<std::string>> ReadTsv(const fs::path& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "sightline_match_eval: cannot read %s\n", path.c_str());
    std::exit(2);
  }
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, '\t')) cells.push_back(cell);
    rows.push_back(std::move(cells));
  }
  return rows;
}

double Number(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// Runs argv with stdout captured and stderr to a file; kills it after timeout_s.
RunResult Run(const std::vector<std::string>& argv, double timeout_s, const fs::path& err_file,
              std::string* out) {
  RunResult r;
  int fds[2];
  if (pipe(fds) != 0) {
    r.error = "pipe failed";
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  auto t0 = Clock::now();
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    r.error = std::string("cannot run ") + argv[0] + ": " + std::strerror(rc);
    return r;
  }
  bool timed_out = false;
  char buf[65536];
  for (;;) {
    double left = timeout_s - std::chrono::duration<double>(Clock::now() - t0).count();
    if (left <= 0) {
      kill(pid, SIGKILL);
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(std::min(left, 1.0) * 1000) + 1);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    ssize_t got = read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    out->append(buf, static_cast<std::size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  r.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  r.peak_kib = ru.ru_maxrss;
  r.cpu_seconds = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
                  ru.ru_stime.tv_usec / 1e6;
  if (timed_out) {
    r.error = "timed out after " + std::to_string(static_cast<int>(timeout_s)) + " s";
  } else if (!WIFEXITED(status)) {
    r.error = "killed by signal " + std::to_string(WTERMSIG(status));
  } else {
    r.ok = true;
    if (WEXITSTATUS(status) != 0) r.error = "exit status " + std::to_string(WEXITSTATUS(status));
  }
  return r;
}

std::string LastLines(const fs::path& path, int n) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::string s;
  for (std::size_t i = lines.size() > static_cast<std::size_t>(n) ? lines.size() - n : 0;
       i < lines.size(); ++i)
    s += "    " + lines[i] + "\n";
  return s;
}

void Usage() {
  std::fprintf(stderr,
               "usage: sightline_match_eval [--sightline PATH] [--mode all|per-source] "
               "[--timeout S] [--list N] SET_DIR\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string sightline = "build/sightline", mode = "all", set_arg;
  double timeout_s = 1800;
  int list = 10;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--sightline" && i + 1 < argc) {
      sightline = argv[++i];
    } else if (a == "--mode" && i + 1 < argc) {
      mode = argv[++i];
    } else if (a == "--timeout" && i + 1 < argc) {
      timeout_s = std::atof(argv[++i]);
    } else if (a == "--list" && i + 1 < argc) {
      list = std::atoi(argv[++i]);
    } else if (!a.empty() && a[0] != '-' && set_arg.empty()) {
      set_arg = a;
    } else {
      Usage();
    }
  }
  if (set_arg.empty() || (mode != "all" && mode != "per-source")) Usage();
  const fs::path set = set_arg;

  // The set: every file with the stretches of source material it holds, and the truth.
  std::vector<Piece> pieces;
  std::vector<std::string> files;  // in order of first appearance
  std::map<std::string, std::vector<const Piece*>> pieces_of;
  std::map<std::string, std::string> role_of;  // original, copy, hardneg, distractor
  for (auto& row : ReadTsv(set / "pieces.tsv")) {
    if (row.size() < 8) continue;
    pieces.push_back(
        {row[0], row[1], row[6], row[7], std::atof(row[2].c_str()), std::atof(row[3].c_str())});
  }
  for (const auto& p : pieces) {
    if (!pieces_of.count(p.file)) files.push_back(p.file);
    pieces_of[p.file].push_back(&p);
    if (p.role != "filler" && !role_of.count(p.file)) role_of[p.file] = p.role;
  }
  std::vector<Truth> truths;
  std::vector<std::string> edits;  // in order of first appearance
  for (auto& row : ReadTsv(set / "truth.tsv")) {
    if (row.size() < 7 || row[3] == "none") continue;
    Truth t{row[0],
            row[1],
            row[2],
            std::atof(row[3].c_str()),
            std::atof(row[4].c_str()),
            std::atof(row[5].c_str()),
            std::atof(row[6].c_str())};
    if (std::find(edits.begin(), edits.end(), t.edit) == edits.end()) edits.push_back(t.edit);
    truths.push_back(t);
  }
  std::map<FilePair, std::vector<Truth*>> truth_of;
  for (auto& t : truths) truth_of[Key(t.a, t.b)].push_back(&t);

  // Whether two files hold a common stretch of one source (1), only other parts of it (2), or
  // nothing in common (0).
  auto relation = [&](const std::string& x, const std::string& y) {
    int r = 0;
    for (const Piece* p : pieces_of[x])
      for (const Piece* q : pieces_of[y]) {
        if (p->source != q->source) continue;
        if (std::max(p->src_start, q->src_start) <= std::min(p->src_end, q->src_end)) return 1;
        r = 2;
      }
    return r;
  };

  // The runs.
  std::vector<std::vector<std::string>> runs;
  if (mode == "all") {
    runs.push_back(files);
  } else {
    for (const auto& f : files) {
      if (role_of[f] != "original") continue;
      const std::string source = pieces_of[f].front()->source;
      std::vector<std::string> run;
      for (const auto& g : files) {
        const std::string& role = role_of[g];
        bool holds = false;
        for (const Piece* p : pieces_of[g]) holds |= p->source == source;
        if (role == "original" || role == "hardneg" || role == "distractor" || holds)
          run.push_back(g);
      }
      runs.push_back(run);
    }
  }

  // Paths as given to the matcher, and back.
  std::map<std::string, std::string> file_of_path;
  auto path_of = [&](const std::string& f) { return (set / f).string(); };
  for (const auto& f : files) {
    file_of_path[path_of(f)] = f;
    std::error_code ec;
    auto canon = fs::weakly_canonical(set / f, ec);
    if (!ec) file_of_path[canon.string()] = f;
  }
  auto file_for = [&](const std::string& path) -> std::string {
    auto it = file_of_path.find(path);
    if (it != file_of_path.end()) return it->second;
    std::error_code ec;
    auto canon = fs::weakly_canonical(path, ec);
    it = ec ? file_of_path.end() : file_of_path.find(canon.string());
    return it != file_of_path.end() ? it->second : std::string();
  };

  std::size_t planned_files = 0;
  for (const auto& run : runs) planned_files += run.size();
  double total_seconds = 0, total_cpu = 0;
  std::size_t pairs_total = 0, pairs_compared = 0;  // from the runs' "comparisons"
  long peak_kib = 0;
  std::size_t total_files = 0;
  int failed_runs = 0;
  bool aborted = false;
  std::set<FilePair> checked;             // pairs that met in some run
  std::map<FilePair, Reported> reported;  // union over runs
  std::vector<std::string> problems;
  const fs::path err_file = set / "work" / "match_stderr.txt";
  fs::create_directories(set / "work");
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const auto& run = runs[r];
    std::vector<std::string> cmd = {sightline, "match", "--json"};
    for (const auto& f : run) cmd.push_back(path_of(f));
    if (runs.size() > 1)
      std::fprintf(stderr, "(match run %zu of %zu: %zu files)\n", r + 1, runs.size(), run.size());
    std::string out;
    RunResult res = Run(cmd, timeout_s, err_file, &out);
    total_seconds += res.seconds;
    total_cpu += res.cpu_seconds;
    peak_kib = std::max(peak_kib, res.peak_kib);
    total_files += run.size();
    Json doc;
    try {
      doc = Json::parse(out);
    } catch (const std::exception& e) {
      problems.push_back("run " + std::to_string(r + 1) + ": " +
                         (res.error.empty() ? std::string("output is not JSON") : res.error) +
                         "\n" + LastLines(err_file, 5));
      ++failed_runs;
      if (!res.ok || out.empty()) {  // the matcher itself fails: no point in going on
        aborted = true;
        break;
      }
      continue;
    }
    if (!res.error.empty())
      problems.push_back("run " + std::to_string(r + 1) + ": " + res.error + " (output used)");
    for (std::size_t i = 0; i < run.size(); ++i)
      for (std::size_t j = i + 1; j < run.size(); ++j) checked.insert(Key(run[i], run[j]));
    if (doc.contains("comparisons") && doc["comparisons"].is_object()) {
      pairs_total += static_cast<std::size_t>(Number(doc["comparisons"], "pairs"));
      pairs_compared += static_cast<std::size_t>(Number(doc["comparisons"], "compared"));
    }
    if (!doc.contains("pairs") || !doc["pairs"].is_array()) {
      problems.push_back("run " + std::to_string(r + 1) + ": no \"pairs\" array in the output");
      continue;
    }
    for (const auto& p : doc["pairs"]) {
      if (!p.is_object() || !p.contains("a") || !p.contains("b") || !p["a"].is_string() ||
          !p["b"].is_string())
        continue;
      std::string a = file_for(p["a"].get<std::string>());
      std::string b = file_for(p["b"].get<std::string>());
      if (a.empty() || b.empty() || a == b) {
        problems.push_back("unknown or self pair: " + p["a"].dump() + " ~ " + p["b"].dump());
        continue;
      }
      FilePair key = Key(a, b);
      bool swapped = key.first != a;
      Reported rep;
      rep.score = Number(p, "score");
      if (p.contains("segments") && p["segments"].is_array())
        for (const auto& s : p["segments"]) {
          Segment seg{Number(s, "a_start"), Number(s, "a_end"), Number(s, "b_start"),
                      Number(s, "b_end")};
          if (swapped) seg = {seg.b_start, seg.b_end, seg.a_start, seg.a_end};
          rep.segments.push_back(seg);
        }
      // A pair met in several runs (or reported twice) keeps all its segments.
      auto& slot = reported[key];
      for (auto& s : rep.segments) slot.segments.push_back(s);
      slot.score = std::max(slot.score, rep.score);
    }
  }

  // Score the true pairs.
  for (auto& t : truths) {
    FilePair key = Key(t.a, t.b);
    auto it = reported.find(key);
    if (it == reported.end()) continue;
    t.found = true;
    bool swapped = key.first != t.a;
    for (const Segment& s0 : it->second.segments) {
      Segment s = swapped ? Segment{s0.b_start, s0.b_end, s0.a_start, s0.a_end} : s0;
      double e = std::max({std::fabs(s.a_start - t.a_start), std::fabs(s.a_end - t.a_end),
                           std::fabs(s.b_start - t.b_start), std::fabs(s.b_end - t.b_end)});
      t.error = std::min(t.error, e);
    }
  }
  // Judge every reported pair that is not a scored true pair.
  std::vector<std::pair<FilePair, double>> false_hard, false_unrelated, other_part;
  for (const auto& [key, rep] : reported) {
    if (truth_of.count(key)) continue;
    int rel = relation(key.first, key.second);
    if (rel == 1) continue;  // a true pair between two copies: not scored
    if (rel == 2) {
      other_part.push_back({key, rep.score});
    } else if (role_of[key.first] == "hardneg" && role_of[key.second] == "hardneg") {
      false_hard.push_back({key, rep.score});
    } else {
      false_unrelated.push_back({key, rep.score});
    }
  }
  std::size_t checked_hard = 0, checked_unrelated = 0;
  for (const auto& key : checked) {
    if (truth_of.count(key) || relation(key.first, key.second) != 0) continue;
    if (role_of[key.first] == "hardneg" && role_of[key.second] == "hardneg")
      ++checked_hard;
    else
      ++checked_unrelated;
  }

  // The table.
  std::size_t n_orig = 0, n_copy = 0, n_hard = 0, n_distr = 0;
  for (const auto& f : files) {
    const auto& role = role_of[f];
    n_orig += role == "original";
    n_copy += role == "copy";
    n_hard += role == "hardneg";
    n_distr += role == "distractor";
  }
  std::printf(
      "\nShared footage (sightline match): %zu source clips, %zu copies (%zu true pairs), "
      "%zu hard negatives, %zu distractors\n",
      n_orig, n_copy, truths.size(), n_hard, n_distr);
  if (mode == "all")
    std::printf("sightline match --json over all %zu files at once\n", files.size());
  else
    std::printf("sightline match --json once per source clip (%zu runs, %zu files in all)\n",
                runs.size(), planned_files);
  if (aborted || failed_runs == static_cast<int>(runs.size())) {
    // Nothing to score: say why instead of a table of zeros.
    std::printf("(sightline match failed after %.0f s, nothing scored)\n", total_seconds);
    for (auto p : problems) {
      while (!p.empty() && p.back() == '\n') p.pop_back();
      std::printf("  %s\n", p.c_str());
    }
    return 1;
  }
  std::printf("%-28s %6s %11s %11s %11s %11s\n", "edit", "pairs", "pair found", "within 1 s",
              "mean err s", "max err s");
  auto row = [&](const std::string& name, const std::vector<const Truth*>& ts) {
    std::size_t found = 0, within = 0, timed = 0;
    double sum = 0, max = 0;
    for (const Truth* t : ts) {
      found += t->found;
      if (!std::isfinite(t->error)) continue;
      within += t->error <= kTolerance;
      ++timed;
      sum += t->error;
      max = std::max(max, t->error);
    }
    double n = static_cast<double>(ts.size());
    if (timed > 0)
      std::printf("%-28s %6zu %11.2f %11.2f %11.2f %11.2f\n", name.c_str(), ts.size(), found / n,
                  within / n, sum / timed, max);
    else
      std::printf("%-28s %6zu %11.2f %11.2f %11s %11s\n", name.c_str(), ts.size(), found / n,
                  within / n, "-", "-");
  };
  std::vector<const Truth*> all;
  for (const auto& e : edits) {
    std::vector<const Truth*> ts;
    for (const auto& t : truths)
      if (t.edit == e) ts.push_back(&t);
    row(e, ts);
  }
  for (const auto& t : truths) all.push_back(&t);
  row("all edits", all);
  std::printf("%-28s %18s %11s\n", "negatives", "pairs checked", "false");
  std::printf("%-28s %18zu %11zu\n", "hard negatives (same room)", checked_hard, false_hard.size());
  std::printf("%-28s %18zu %11zu\n", "unrelated", checked_unrelated, false_unrelated.size());
  std::printf(
      "match time: %.1f s wall, %.1f s CPU for %zu files = %.2f s wall, %.2f s CPU per file; "
      "peak %ld MiB\n",
      total_seconds, total_cpu, total_files, total_files ? total_seconds / total_files : 0.0,
      total_files ? total_cpu / total_files : 0.0, peak_kib / 1024);
  if (pairs_total > 0)
    std::printf("pairs matched: %zu of %zu (the others shared no similar frame or keypoints)\n",
                pairs_compared, pairs_total);
  std::printf(
      "(goals: found and within 1 s >= 0.95 for every edit, >= 0.8 for pip and screen; 0 false "
      "pairs)\n");

  // What went wrong, so the numbers can be acted on.
  auto show = [&](const char* what, const std::vector<std::pair<FilePair, double>>& v) {
    for (std::size_t i = 0; i < v.size() && static_cast<int>(i) < list; ++i)
      std::printf("  %s: %s ~ %s (score %.2f)\n", what, v[i].first.first.c_str(),
                  v[i].first.second.c_str(), v[i].second);
    if (static_cast<int>(v.size()) > list)
      std::printf("  ... and %zu more %s pairs\n", v.size() - list, what);
  };
  int shown = 0, missed = 0;
  for (const auto& t : truths) {
    if (t.found && t.error <= kTolerance) continue;
    ++missed;
    if (shown++ >= list) continue;
    if (!t.found)
      std::printf("  missed: %s ~ %s (%s)\n", t.a.c_str(), t.b.c_str(), t.edit.c_str());
    else if (!std::isfinite(t.error))
      std::printf("  no segment: %s ~ %s (%s)\n", t.a.c_str(), t.b.c_str(), t.edit.c_str());
    else
      std::printf("  segment off by %.2f s: %s ~ %s (%s)\n", t.error, t.a.c_str(), t.b.c_str(),
                  t.edit.c_str());
  }
  if (shown > list) std::printf("  ... and %d more missed or misplaced\n", missed - list);
  show("false (hard negative)", false_hard);
  show("false (unrelated)", false_unrelated);
  show("same source, other part (not counted)", other_part);
  for (auto p : problems) {
    while (!p.empty() && p.back() == '\n') p.pop_back();
    std::printf("  problem: %s\n", p.c_str());
  }
  return failed_runs > 0 ? 1 : 0;
}

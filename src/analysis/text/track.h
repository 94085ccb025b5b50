// Following text through a video: the lines OCR reads in successive sampled frames are merged so
// that a caption held for ten seconds, or a shop sign the camera pans across, is one entry with
// a first and a last time rather than one entry per frame.
//
// Two readings are the same text when their case-folded texts are close (edit distance at most
// a fifth of the longer, which absorbs OCR's frame-to-frame slips: "Хрещатик" / "Хрещатнк") and
// either their boxes overlap or the texts are nearly equal (a sign moving across the picture as
// the camera pans). A text unseen for more than `max_gap_s` ends; if it comes back later it is a
// new entry. Of all readings of an entry, the most confident one gives its text, confidence, box
// and language.
//
// Thread safety: a TextTracker is used by one thread at a time.
#ifndef SIGHTLINE_ANALYSIS_TEXT_TRACK_H_
#define SIGHTLINE_ANALYSIS_TEXT_TRACK_H_

#include <string>
#include <vector>

#include "analysis/text/ocr.h"

namespace sightline::analysis::text {

struct TextEntry {
  double t = 0;    // first sampled frame that showed it (seconds)
  double end = 0;  // last sampled frame that showed it; the text may last until the next sample
  std::string text;
  float confidence = 0;
  Box box;
  std::string lang;
  int frames = 0;  // sampled frames in which it was read
};

// Similarity of two texts in 0..1: 1 - (edit distance of the case-folded code points) / (longer
// length). Two empty texts are 1.
double TextSimilarity(const std::string& a, const std::string& b);

class TextTracker {
 public:
  // `max_gap_s`: how long a text may go unread (a missed OCR, a passer-by in front of the sign)
  // and still continue the same entry. Give about two sampling periods.
  explicit TextTracker(double max_gap_s) : max_gap_s_(max_gap_s) {}

  // The lines read in the frame at `t`; frames must come in increasing time.
  void Add(double t, const std::vector<TextLine>& lines);

  // Every entry, ordered by first time, then top to bottom. The tracker is empty afterwards.
  std::vector<TextEntry> Finish();

 private:
  struct Open {
    TextEntry entry;
    std::string folded;  // of the latest reading, for matching
    Box last_box;
  };
  double max_gap_s_;
  std::vector<Open> open_;
  std::vector<TextEntry> done_;
};

}  // namespace sightline::analysis::text

#endif  // SIGHTLINE_ANALYSIS_TEXT_TRACK_H_

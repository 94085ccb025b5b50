// Helpers shared by tests: scratch directories, running the CLI, generating media with FFmpeg.
#ifndef SIGHTLINE_TESTS_TEST_UTIL_H_
#define SIGHTLINE_TESTS_TEST_UTIL_H_

#include <string>
#include <vector>

namespace sightline::testing {

// A fresh directory under $TMPDIR, removed with its contents on destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `sightline ARGS...` (the binary under test) with extra environment "K=V" entries.
CommandResult RunSightline(const std::vector<std::string>& args,
                           const std::vector<std::string>& env = {});
// Runs any program; argv[0] is looked up in PATH.
CommandResult RunProgram(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env = {});

// Generates a media file with ffmpeg; `args` go between "ffmpeg -y -loglevel error" and the output.
// Fails the current test (ADD_FAILURE) when ffmpeg fails.
void MakeMedia(const std::vector<std::string>& args, const std::string& output);
// A short test-pattern video with a tone (testsrc2 + sine), `seconds` long.
void MakeTestVideo(const std::string& output, double seconds = 1.0);

// `jpeg` with an APP1 EXIF segment holding `tiff` (a TIFF header and IFDs) inserted after SOI.
std::string JpegWithExif(const std::string& jpeg, const std::string& tiff);
// Hostile EXIF blocks: IFDs that loop back on themselves with huge counts at offsets past the
// end; an IFD claiming 65535 entries in a few bytes; an IFD offset past the end of the segment.
std::vector<std::string> HostileExifBlocks();

// `text` with every run of 100 or more base64 characters (an inlined picture) replaced by "#":
// what must stay the same when only the pictures of a report change.
std::string WithoutPictures(const std::string& text);

void WriteFile(const std::string& path, const std::string& bytes);
std::string ReadFile(const std::string& path);

}  // namespace sightline::testing

#endif  // SIGHTLINE_TESTS_TEST_UTIL_H_

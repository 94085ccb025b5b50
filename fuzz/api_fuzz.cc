// Fuzz target: what the workbench server (src/server) does with what a client sends before any
// case is touched: JSON request bodies and their fields, path parameters (ids, names), upload
// names, and sequences of chunked-upload operations with any offsets, sizes and bytes. Checks
// the upload store's promises: bytes received never exceed the declared size, an upload is
// claimed only when complete, and nothing is left behind once discarded or cancelled.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "server/http_util.h"
#include "server/uploads.h"

namespace {

namespace srv = sightline::server;

// One store for the whole run, in a scratch case directory removed at exit.
struct Store {
  std::string dir;
  std::unique_ptr<srv::UploadStore> uploads;
  Store() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/sightline-fuzz-api-XXXXXX";
    if (!::mkdtemp(pattern.data())) std::abort();
    dir = pattern;
    srv::UploadLimits limits;
    limits.max_bytes = 4096;
    limits.chunk_max = 512;
    limits.per_user = 2;
    auto opened = srv::UploadStore::Open(dir, limits);
    if (!opened.ok()) std::abort();
    uploads = std::move(*opened);
  }
  ~Store() { std::filesystem::remove_all(dir); }
};

void Fields(std::string_view text) {
  httplib::Request req;
  req.body = std::string(text);
  auto body = srv::JsonBody(req);
  if (!body.ok()) return;
  if (!body->is_object()) std::abort();  // JsonBody promises an object
  std::string error;
  for (const char* key : {"user", "password", "name", "reason", "text", "role", "how"}) {
    srv::StringField(*body, key, &error);
  }
  for (const char* key : {"size", "lat", "lon", "radius_m", "t", "end"}) {
    srv::NumberField(*body, key, &error);
  }
}

void Names(const std::string& text) {
  if (auto id = srv::ParseId(text)) {
    if (*id < 1 || std::to_string(*id) != text) std::abort();  // digits only, no leading zero
  }
  if (srv::IsSafeName(text) &&
      (text.empty() || text[0] == '.' || text.find('/') != std::string::npos)) {
    std::abort();
  }
  if (srv::IsValidUploadName(text) &&
      (text == "." || text == ".." || text.find('/') != std::string::npos ||
       text.find('\0') != std::string::npos)) {
    std::abort();
  }
  srv::PercentEncode(text);
}

// Operations, each a byte and its arguments taken from the input.
void Uploads(Store& store, std::string_view in) {
  std::string id[2];
  std::uint64_t size[2] = {0, 0};
  std::size_t pos = 0;
  auto byte = [&]() -> std::uint8_t {
    return pos < in.size() ? static_cast<std::uint8_t>(in[pos++]) : 0;
  };
  while (pos < in.size()) {
    const std::uint8_t op = byte();
    const int slot = op & 1;
    switch ((op >> 1) % 5) {
      case 0: {  // start
        const std::uint64_t want = (static_cast<std::uint64_t>(byte()) << 5) | (byte() & 31);
        const std::size_t name_len = byte() % 12;
        std::string name(in.substr(pos, name_len));
        pos += name.size();
        auto started = store.uploads->Start("fuzzer", name, want);
        if (started.ok()) {
          if (started->size != want || started->received != 0) std::abort();
          id[slot] = started->id;
          size[slot] = want;
        }
        break;
      }
      case 1: {  // append
        const std::uint64_t offset = (static_cast<std::uint64_t>(byte()) << 4) | (byte() & 15);
        const std::size_t n = (static_cast<std::size_t>(byte()) << 2) % 700;
        const std::string_view bytes = in.substr(pos, n);
        pos += bytes.size();
        auto appended = store.uploads->Append("fuzzer", id[slot], offset, bytes);
        if (appended.ok() && appended->received > size[slot]) std::abort();
        break;
      }
      case 2: {  // claim, then discard
        auto claimed = store.uploads->Claim("fuzzer", id[slot]);
        if (claimed.ok()) {
          if (claimed->received != claimed->size) std::abort();
          store.uploads->Discard(*claimed);
          if (std::filesystem::exists(claimed->data_path)) std::abort();
          id[slot].clear();
        }
        break;
      }
      case 3:  // cancel
        if (store.uploads->Cancel("fuzzer", id[slot]).ok()) id[slot].clear();
        break;
      case 4:  // another user's view of it
        if (!id[slot].empty() && store.uploads->Get("someone-else", id[slot]).ok()) std::abort();
        break;
    }
  }
  for (const std::string& left : id) {
    if (!left.empty()) (void)store.uploads->Cancel("fuzzer", left);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Store store;
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      Fields(rest);
      break;
    case 1:
      Names(std::string(rest));
      break;
    case 2:
      Uploads(store, rest);
      break;
  }
  return 0;
}

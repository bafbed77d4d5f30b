// Runs a fuzz target over every file of its corpus folders (and each file's prefixes, which are
// the truncated inputs real clients send), so the corpus is a regression test under ctest even
// without a fuzzing compiler. Usage: <target>_replay DIR...
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  size_t files = 0, runs = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[i])) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string data = ss.str();
      ++files;
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size());
      ++runs;
      for (size_t cut = 0; cut < data.size(); cut += std::max<size_t>(1, data.size() / 16)) {
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), cut);
        ++runs;
      }
    }
  }
  std::printf("replayed %zu corpus files (%zu runs) without a crash\n", files, runs);
  return files > 0 ? 0 : 1;
}

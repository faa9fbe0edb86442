// ptp4win's arguments after an unquoted program path.
#include "ptp/ptp4win/program_arguments.h"

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <algorithm>
#include <cctype>

namespace ptp::ptp4win {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::size_t word_count(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    if (!is_blank(c) && !in_word) ++words;
    in_word = !is_blank(c);
  }
  return words;
}

}  // namespace

std::size_t program_path_argument_count(std::string_view command_line,
                                        std::string_view module_path) {
  if (command_line.empty() || command_line.front() == '"' || module_path.empty()) return 1;
  if (command_line.size() < module_path.size() ||
      !equal_ignoring_case(command_line.substr(0, module_path.size()), module_path)) {
    return 1;
  }
  if (command_line.size() > module_path.size() && !is_blank(command_line[module_path.size()])) {
    return 1;
  }
  return std::max<std::size_t>(1, word_count(module_path));
}

std::vector<std::string> program_arguments(int argc, char** argv) {
  std::string module_path(MAX_PATH, '\0');
  const DWORD length =
      GetModuleFileNameA(nullptr, module_path.data(), static_cast<DWORD>(module_path.size()));
  module_path.resize(length < module_path.size() ? length : 0);
  const std::size_t skip = program_path_argument_count(GetCommandLineA(), module_path);
  const std::size_t count = argc > 0 ? static_cast<std::size_t>(argc) : 0;
  const std::size_t first = std::min(skip, count);
  return {argv + first, argv + count};
}

}  // namespace ptp::ptp4win

// ptp4win's arguments from its command line, also when the program's path has spaces and was not
// quoted: a service's binary path written `C:\Program Files\ptp4win\ptp4win.exe --service ...`
// (`sc create` without inner quotes; Wine's msiexec writes ServiceInstall paths this way) reaches
// main() as argv[0] "C:\Program" and argv[1] "Files\ptp4win\ptp4win.exe". Windows found the
// program anyway (CreateProcess tries each space as the end of the path), so ptp4win skips those
// pieces instead of calling them unexpected arguments.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ptp::ptp4win {

// How many argv entries the program's path took: 1, unless `command_line` starts with
// `module_path` unquoted (compared case-insensitively) and the path has spaces, then one per
// space-separated piece of it.
std::size_t program_path_argument_count(std::string_view command_line,
                                        std::string_view module_path);

// argv[1..] without the program path's pieces (GetCommandLineA and GetModuleFileNameA).
std::vector<std::string> program_arguments(int argc, char** argv);

}  // namespace ptp::ptp4win

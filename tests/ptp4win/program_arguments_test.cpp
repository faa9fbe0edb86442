// How many argv entries ptp4win's own path took: a quoted or space-free path one, an unquoted path
// with spaces (a service's binary path without inner quotes) one per piece.
#include "ptp/ptp4win/program_arguments.h"

#include <gtest/gtest.h>

namespace ptp::ptp4win {
namespace {

constexpr std::string_view kPath = R"(C:\Program Files\ptp4win\ptp4win.exe)";

TEST(Ptp4winProgramArguments, QuotedOrSpaceFreePathIsOneArgument) {
  EXPECT_EQ(
      program_path_argument_count(R"("C:\Program Files\ptp4win\ptp4win.exe" --service)", kPath),
      1U);
  EXPECT_EQ(program_path_argument_count(R"(C:\ptp\ptp4win.exe -i eth0)", R"(C:\ptp\ptp4win.exe)"),
            1U);
  EXPECT_EQ(program_path_argument_count("ptp4win -v", kPath), 1U);  // started by name
  EXPECT_EQ(program_path_argument_count("", kPath), 1U);
  EXPECT_EQ(program_path_argument_count("ptp4win -v", ""), 1U);
}

TEST(Ptp4winProgramArguments, UnquotedPathWithSpacesIsOneArgumentPerPiece) {
  EXPECT_EQ(
      program_path_argument_count(
          R"(C:\Program Files\ptp4win\ptp4win.exe --service -f "C:\Program Files\ptp4win\ptp4win.cfg")",
          kPath),
      2U);
  EXPECT_EQ(program_path_argument_count(R"(c:\program files\PTP4WIN\ptp4win.exe)", kPath), 2U);
  EXPECT_EQ(program_path_argument_count(R"(C:\A B  C\x.exe	-v)", R"(C:\A B  C\x.exe)"), 3U);
  // The path must end where the program's does: a longer first word is not the path.
  EXPECT_EQ(program_path_argument_count(R"(C:\Program Files\ptp4win\ptp4win.exe2 -v)", kPath), 1U);
}

}  // namespace
}  // namespace ptp::ptp4win

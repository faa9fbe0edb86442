// ptp4win.exe's resources, read from the built executable as Windows reads them: the VERSIONINFO
// strings equal what `ptp4win -v` prints, the numeric version is the project's, and the Event Log
// message table renders each level's event ID as the log line alone, also through a registered
// source's EventMessageFile (Event Viewer's way).
#include <gtest/gtest.h>

#include <array>
#include <regex>
#include <string>
#include <vector>

#include "event_viewer.h"
#include "ptp/ptp4win/command_line.h"
#include "ptp/ptp4win/event_log.h"

namespace ptp::ptp4win {
namespace {

using test::format_event;
using test::windows_path;

constexpr std::array kLevels{LogLevel::kError, LogLevel::kWarning, LogLevel::kNotice,
                             LogLevel::kInfo, LogLevel::kDebug};

std::wstring exe_path() { return windows_path(PTP4WIN_EXE_PATH); }

std::wstring widen(std::string_view text) { return {text.begin(), text.end()}; }

TEST(Ptp4winVersion, VersionLineIsProgramAndVersion) {
  const std::string line = version_text();
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(ptp4win \(ptpstack\) [0-9]+\.[0-9]+\.[0-9]+(\+[0-9A-Za-z.]+)?\n)")))
      << line;
  EXPECT_EQ(line, "ptp4win (ptpstack) " + std::string(version()) + "\n");
  // The project's version (CMake's project(VERSION)) comes first, git's metadata after a '+'.
  const std::string project = PTP4WIN_PROJECT_VERSION;
  EXPECT_EQ(std::string(version()).substr(0, project.size()), project);
  EXPECT_TRUE(version().size() == project.size() || version()[project.size()] == '+') << version();
}

struct VersionResource {
  std::vector<unsigned char> data;

  std::wstring string(const wchar_t* name) const {
    const std::wstring path = std::wstring(L"\\StringFileInfo\\040904B0\\") + name;
    void* value = nullptr;
    UINT length = 0;
    if (VerQueryValueW(data.data(), path.c_str(), &value, &length) == FALSE || value == nullptr) {
      return L"<missing>";
    }
    std::wstring text(static_cast<const wchar_t*>(value), length);
    text.resize(wcsnlen(text.c_str(), text.size()));
    return text;
  }
  const VS_FIXEDFILEINFO* fixed() const {
    void* value = nullptr;
    UINT length = 0;
    if (VerQueryValueW(data.data(), L"\\", &value, &length) == FALSE) return nullptr;
    return static_cast<const VS_FIXEDFILEINFO*>(value);
  }
};

VersionResource read_version_resource(const std::wstring& path) {
  VersionResource resource;
  const DWORD size = GetFileVersionInfoSizeW(path.c_str(), nullptr);
  if (size == 0) return resource;
  resource.data.resize(size);
  if (GetFileVersionInfoW(path.c_str(), 0, size, resource.data.data()) == FALSE) {
    resource.data.clear();
  }
  return resource;
}

TEST(Ptp4winVersion, ExecutableVersionResourceIsTheVersionLine) {
  const VersionResource resource = read_version_resource(exe_path());
  ASSERT_FALSE(resource.data.empty()) << "no VERSIONINFO in " << PTP4WIN_EXE_PATH;
  EXPECT_EQ(resource.string(L"FileVersion"), widen(version()));
  EXPECT_EQ(resource.string(L"ProductVersion"), widen(version()));
  EXPECT_EQ(resource.string(L"OriginalFilename"), L"ptp4win.exe");
  const VS_FIXEDFILEINFO* fixed = resource.fixed();
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ(fixed->dwSignature, 0xFEEF04BDU);
  // "MAJOR.MINOR.PATCH" of the version line, in the numeric fields (build number 0).
  std::smatch parts;
  const std::string text(version());
  ASSERT_TRUE(std::regex_search(text, parts, std::regex(R"(^([0-9]+)\.([0-9]+)\.([0-9]+))")));
  const DWORD major = static_cast<DWORD>(std::stoul(parts[1].str()));
  const DWORD minor = static_cast<DWORD>(std::stoul(parts[2].str()));
  const DWORD patch = static_cast<DWORD>(std::stoul(parts[3].str()));
  EXPECT_EQ(fixed->dwFileVersionMS, (major << 16U) | minor);
  EXPECT_EQ(fixed->dwFileVersionLS, patch << 16U);
  EXPECT_EQ(fixed->dwProductVersionMS, (major << 16U) | minor);
  EXPECT_EQ(fixed->dwProductVersionLS, patch << 16U);
}

TEST(Ptp4winEventLog, EventIdsAreTheSyslogLevels) {
  for (const LogLevel level : kLevels) {
    EXPECT_EQ(event_id_of(level), static_cast<DWORD>(level));
  }
}

TEST(Ptp4winEventLog, MessageTableRendersEachLevelAsTheLine) {
  for (const LogLevel level : kLevels) {
    const std::wstring line =
        L"ptp4win[12.345]: level " + std::to_wstring(static_cast<int>(level)) + L" 100% done";
    DWORD error = 0;
    const auto text = format_event(exe_path(), event_id_of(level), line, &error);
    ASSERT_TRUE(text.has_value()) << "event ID " << event_id_of(level) << ": error " << error;
    EXPECT_EQ(*text, line);  // no preamble, no trailing newline
  }
  // An ID without a message is not found: the check above can fail.
  DWORD error = 0;
  EXPECT_FALSE(format_event(exe_path(), 8, L"x", &error).has_value());
  EXPECT_EQ(error, static_cast<DWORD>(ERROR_MR_MID_NOT_FOUND));
}

// The installer's registration (EventMessageFile, TypesSupported under the Application log's
// source key), made here by hand for a test source, and read back the way Event Viewer does.
TEST(Ptp4winEventLog, RegisteredMessageFileRendersEachLevel) {
  const std::wstring source = L"ptp4win-resources-test";
  const std::wstring key = test::kEventLogApplicationKey + source;
  HKEY handle = nullptr;
  ASSERT_EQ(RegCreateKeyExW(HKEY_LOCAL_MACHINE, key.c_str(), 0, nullptr, 0, KEY_WRITE, nullptr,
                            &handle, nullptr),
            ERROR_SUCCESS);
  const std::wstring file = exe_path();
  const DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  EXPECT_EQ(RegSetValueExW(handle, L"EventMessageFile", 0, REG_EXPAND_SZ,
                           reinterpret_cast<const BYTE*>(file.c_str()),
                           static_cast<DWORD>((file.size() + 1) * sizeof(wchar_t))),
            ERROR_SUCCESS);
  EXPECT_EQ(RegSetValueExW(handle, L"TypesSupported", 0, REG_DWORD,
                           reinterpret_cast<const BYTE*>(&types), sizeof(types)),
            ERROR_SUCCESS);
  (void)RegCloseKey(handle);

  for (const LogLevel level : kLevels) {
    const std::wstring line = L"ptp4win[1.000]: port 1: LISTENING to SLAVE";
    EXPECT_EQ(test::render_registered_event(source, event_id_of(level), line), line);
  }
  EXPECT_EQ(test::registry_dword(key, L"TypesSupported"), types);
  EXPECT_EQ(RegDeleteKeyW(HKEY_LOCAL_MACHINE, key.c_str()), ERROR_SUCCESS);
  EXPECT_FALSE(test::render_registered_event(source, event_id_of(LogLevel::kInfo), L"x"));
}

}  // namespace
}  // namespace ptp::ptp4win

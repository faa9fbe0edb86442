// The commented default configuration file the installer ships (ptp4win.cfg), generated from the
// option table at build time so that it lists every option ptp4win implements, at the value
// ptp4win uses when the option is not set, and can never drift from the table. The options a
// Windows administrator changes first come first, with an explanation; the [interface] section
// naming the adapter ends the file.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace ptp::ptp4win {

// The options of the first block, in order, each with its explanation. Names the table does not
// have (yet) are left out of the file.
struct FirstOption {
  std::string_view name;
  std::string_view explanation;
};
std::span<const FirstOption> first_options();

// The file's text; `interface_name` is its [interface] section.
std::string default_config_text(std::string_view interface_name);

}  // namespace ptp::ptp4win

// Build tool: writes the default ptp4win.cfg (default_config.h) that the package installs.
// Usage: ptp4win_default_config OUTPUT [INTERFACE]   (INTERFACE: "Ethernet", Windows' usual name
// of the first wired adapter)
#include <cstdio>
#include <fstream>
#include <string>

#include "ptp/ptp4win/default_config.h"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    (void)std::fputs("usage: ptp4win_default_config OUTPUT [INTERFACE]\n", stderr);
    return 2;
  }
  const std::string text = ptp::ptp4win::default_config_text(argc == 3 ? argv[2] : "Ethernet");
  std::ofstream out(argv[1], std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    (void)std::fprintf(stderr, "ptp4win_default_config: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}

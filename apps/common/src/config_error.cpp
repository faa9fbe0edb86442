// ConfigError's text: "source:line: option: problem".
#include "ptp/app/config_error.h"

#include <string>

namespace ptp::app {

std::string ConfigError::message() const {
  // Appends only: GCC 12 at -O3 raises a false -Wrestrict on `"literal" + std::string`.
  std::string text = source;
  if (line != 0) {
    text.append(":");
    text.append(std::to_string(line));
  }
  text.append(": ");
  if (!option.empty()) {
    text.append(option);
    text.append(": ");
  }
  text.append(problem);
  return text;
}

}  // namespace ptp::app

// parse_scenario: the file's TOML through toml11 (its exceptions caught here), then [run],
// nodes, switches, links and events, in that order, each checked against what came before.
#include "ptp/ptpsim/scenario_parser.h"

#include <cerrno>
#include <fstream>
#include <limits>
#include <sstream>
#include <system_error>

#include "readers.h"

namespace ptp::ptpsim {
namespace detail {

void read_run(TableReader& root, Scenario& scenario) {
  auto run = root.table("run");
  if (!run) return;
  run->string("description", scenario.description);
  run->duration("duration", scenario.run.duration, DurationRule::kPositive);
  run->unsigned_integer("seed", scenario.run.seed, 0);
  run->duration("sample_interval", scenario.run.sample_interval, DurationRule::kPositive);
  run->finish();
}

}  // namespace detail

namespace {

// toml11's message's first line, without its "[error] toml::function: " prefix; the rest of it
// (the quoted source line) is for people, not for one-line errors.
std::string syntax_problem(const std::string& what) {
  std::string first = what.substr(0, what.find('\n'));
  for (const std::string_view prefix : {"[error] "}) {
    if (first.rfind(prefix, 0) == 0) first.erase(0, prefix.size());
  }
  if (first.rfind("toml::", 0) == 0) {
    const std::size_t colon = first.find(": ");
    if (colon != std::string::npos) first.erase(0, colon + 2);
  }
  return detail::join({"TOML syntax error: ", first});
}

}  // namespace

std::string ScenarioError::message() const {
  std::string text = file;
  if (line != 0) text.append(":").append(std::to_string(line));
  text.append(": ");
  if (!key.empty()) text.append(key).append(": ");
  text.append(problem);
  return text;
}

Result<Scenario, ScenarioError> parse_scenario(std::string_view text, std::string_view file_name) {
  detail::TomlValue root;
  try {
    std::istringstream stream{std::string(text)};
    root =
        toml::parse<toml::discard_comments, std::map, std::vector>(stream, std::string(file_name));
  } catch (const toml::syntax_error& error) {
    return unexpected(ScenarioError{ScenarioErrorKind::kSyntax,
                                    std::string(file_name),
                                    error.location().line(),
                                    {},
                                    syntax_problem(error.what())});
  } catch (const std::exception& error) {
    return unexpected(ScenarioError{
        ScenarioErrorKind::kSyntax, std::string(file_name), 0, {}, syntax_problem(error.what())});
  }

  detail::Context context{std::string(file_name)};
  detail::TableReader reader(context, root, "");
  Scenario scenario;
  detail::read_run(reader, scenario);
  detail::read_nodes(reader, scenario);
  detail::read_switches(reader, scenario);
  detail::read_links(reader, scenario);
  detail::read_events(reader, scenario);
  reader.finish();
  if (context.failed()) return unexpected(context.error());
  return scenario;
}

Result<Scenario, ScenarioError> parse_scenario_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    const int error = errno;
    return unexpected(
        ScenarioError{ScenarioErrorKind::kCannotReadFile,
                      name,
                      0,
                      {},
                      detail::join({"cannot open: ", std::generic_category().message(error)})});
  }
  std::ostringstream contents;
  contents << file.rdbuf();
  return parse_scenario(contents.str(), name);
}

}  // namespace ptp::ptpsim

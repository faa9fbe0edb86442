// Ptp4winNode: ptp4win's parser, Session and log on a simulated Windows.
#include "ptp4win_node.h"

#include <utility>

#include "ptp/ptp4win/log_format.h"

namespace ptp::ptpsim {

std::vector<std::string> split_command_line(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if ((c == ' ' || c == '\t') && !quoted) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Ptp4winNode::Ptp4winNode(const Ptp4winNodeConfig& config, ptp4win::CommandLine command_line)
    : host_config_(config.host), command_line_(std::move(command_line)), log_(config.log) {}

Ptp4winNode::~Ptp4winNode() {
  session_.reset();  // stops the port and the waits before the shell and the Windows go
}

Result<std::unique_ptr<Ptp4winNode>, std::string> Ptp4winNode::create(
    sim::Scheduler& scheduler, sim::Network& network, const Ptp4winNodeConfig& config,
    sim::Random random) {
  const std::vector<std::string> arguments = split_command_line(config.command_line);
  auto command_line = ptp4win::parse_command_line(arguments);
  if (!command_line) return unexpected("ptp4win: " + command_line.error().message);
  if (command_line->action != ptp4win::CommandLineAction::kRun || command_line->run_as_service) {
    return unexpected(
        std::string("ptp4win: the command line must run the clock (no -h, -v, --diagnose, "
                    "--list-interfaces or --service)"));
  }
  std::unique_ptr<Ptp4winNode> node(new Ptp4winNode(config, std::move(command_line).value()));
  auto host = sim::SimHost::create(scheduler, config.host, random.fork(1));
  if (!host) return unexpected(std::string("bad host configuration"));
  node->host_ = std::move(host).value();
  auto windows =
      simwin::SimWindows::create(scheduler, *node->host_, config.windows, random.fork(2));
  if (!windows) {
    return unexpected(std::string(windows.error() == simwin::SimWindowsError::kCounterNot10MHz
                                      ? "a Windows host's counter (QPC) runs at 10 MHz"
                                      : "bad simulated Windows configuration"));
  }
  node->windows_ = std::move(windows).value();
  const auto id =
      network.add_host(*node->host_, sim::HostAddresses{config.host.ipv4, config.host.ipv6});
  if (!id) return unexpected(std::string("the network refused the host"));
  node->host_->connect(network, *id);
  node->node_id_ = *id;

  node->loop_ = std::make_unique<SimLoopShell>(scheduler, *node->windows_, node->host_->timers());
  const app::ClockOptions& clock = node->command_line_.config.clock;
  Ptp4winNode* self = node.get();
  node->logger_ = std::make_unique<ptp4win::Logger>(
      ptp4win::LoggerConfig{"ptp4win", clock.message_tag.value, clock.logging_level.value},
      [self](ptp4win::LogLevel level, std::string_view line) {
        if (level <= ptp4win::LogLevel::kError) self->last_error_ = std::string(line);
        if (self->log_ != nullptr) *self->log_ << line << '\n';
      },
      [self] {
        return ptp4win::counter_time(self->host_->counter().now(),
                                     self->host_->counter().frequency_hz());
      });
  node->session_ = std::make_unique<ptp4win::Session>(*node->loop_, *node->logger_,
                                                      static_cast<hal::PortDriverObserver*>(self));
  return node;
}

Result<void, std::string> Ptp4winNode::start() {
  if (session_->running()) return {};
  if (session_->start(windows_->api(), command_line_.config, command_line_.interface_name) != 0) {
    return unexpected(last_error_);
  }
  return {};
}

Result<void, std::string> Ptp4winNode::change_capabilities_at(
    sim::SimTime at, const hal::InterfaceTimestampCapabilities& capabilities,
    std::optional<sim::SimDuration> adapter_restart) {
  const bool scheduled =
      adapter_restart ? windows_->restart_adapter_at(at, *adapter_restart, capabilities).has_value()
                      : windows_->change_capabilities_at(at, capabilities).has_value();
  if (!scheduled) {
    return unexpected(std::string("cannot schedule the capability change"));
  }
  return {};
}

void Ptp4winNode::on_state_changed(const StateChanged& change, Nanoseconds now) {
  if (observer_ != nullptr) observer_->on_state_changed(change, now);
}

void Ptp4winNode::on_offset_measured(const OffsetMeasured& measurement, Nanoseconds now) {
  last_measurement_ = measurement;
  if (observer_ != nullptr) observer_->on_offset_measured(measurement, now);
}

void Ptp4winNode::on_unicast_notice(const UnicastNotice& notice, Nanoseconds now) {
  if (observer_ != nullptr) observer_->on_unicast_notice(notice, now);
}

void Ptp4winNode::on_peer_delay_input_rejected(const PeerDelayInputRejected& rejected,
                                               Nanoseconds now) {
  if (observer_ != nullptr) observer_->on_peer_delay_input_rejected(rejected, now);
}

void Ptp4winNode::on_cross_timestamp_capture_failed(const hal::HalError& error,
                                                    std::uint64_t failures_so_far,
                                                    Nanoseconds now) {
  if (observer_ != nullptr)
    observer_->on_cross_timestamp_capture_failed(error, failures_so_far, now);
}

}  // namespace ptp::ptpsim

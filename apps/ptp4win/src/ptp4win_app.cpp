// The Asio application: HAL, servo, clock and driver on one loop thread.
#include "ptp/ptp4win/ptp4win_app.h"

// clang-format off
#include "ptp/win/windows_headers.h"
// clang-format on

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/windows/object_handle.hpp>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "ptp/app/metrics.h"
#include "ptp/hal/ordinary_clock_assembly.h"
#include "ptp/hal/port_driver.h"
#include "ptp/ptp4win/asio_timers.h"
#include "ptp/ptp4win/config_mapping.h"
#include "ptp/ptp4win/metrics_server.h"
#include "ptp/win/adapter_listing.h"
#include "ptp/win/win_host.h"

namespace ptp::ptp4win {
namespace {

LogLevel to_log_level(win::LogLevel level) {
  switch (level) {
    case win::LogLevel::kInfo: return LogLevel::kInfo;
    case win::LogLevel::kWarning: return LogLevel::kWarning;
    case win::LogLevel::kError: return LogLevel::kError;
  }
  return LogLevel::kError;
}

std::string_view source_name(hal::TimestampSource source) {
  switch (source) {
    case hal::TimestampSource::kHardware: return "hardware";
    case hal::TimestampSource::kSoftware: return "software";
    case hal::TimestampSource::kNone: return "application-level (no OS timestamps)";
  }
  return "unknown";
}

// Everything of one run, on the loop thread.
class Session {
 public:
  Session(boost::asio::io_context& io, const Logger& logger) : io_(io), logger_(logger) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  Session(Session&&) = delete;
  Session& operator=(Session&&) = delete;
  ~Session() { shutdown(); }

  int start(const win::WinApi& api, const app::LinuxPtpConfig& config,
            const std::string& interface_name);
  void shutdown();

 private:
  void wait_for_packets();
  void after_event();
  void schedule_tx_poll();
  int start_metrics(const std::string& metrics_address);
  int fail(std::string_view message) {
    logger_.log(LogLevel::kError, message);
    return 1;
  }

  boost::asio::io_context& io_;
  const Logger& logger_;
  std::unique_ptr<win::WinHost> host_;
  std::unique_ptr<AsioTimers> timers_;
  std::unique_ptr<PortLogObserver> observer_;
  std::unique_ptr<hal::OrdinaryClockAssembly> assembly_;
  std::unique_ptr<boost::asio::windows::object_handle> receive_event_;
  std::unique_ptr<boost::asio::steady_timer> tx_poll_timer_;
  std::unique_ptr<MetricsServer> metrics_;
  bool running_ = false;
};

int Session::start(const win::WinApi& api, const app::LinuxPtpConfig& config,
                   const std::string& interface_name) {
  const bool free_running = config.clock.free_running.value;
  win::WinHostConfig host_config;
  host_config.interface_name = interface_name;
  host_config.family = address_family(config, interface_name);
  host_config.system_clock.read_only = free_running;
  auto host = win::WinHost::open(
      api, host_config,
      [this](std::function<void()> task) { boost::asio::post(io_, std::move(task)); },
      [this](win::LogLevel level, std::string_view text) {
        logger_.log(to_log_level(level), text);
      });
  if (!host) return fail(host.error().message);
  host_ = std::move(host.value());

  timers_ = std::make_unique<AsioTimers>(io_, host_->counter(), [this] { after_event(); });
  const hal::Host hal_host = host_->hal_host(*timers_);
  const hal::TimestampSource source = host_->transport().timestamp_source();
  const app::TimeStamping requested = requested_time_stamping(config);
  if (const std::string warning = time_stamping_warning(requested, source); !warning.empty()) {
    logger_.log(LogLevel::kWarning, warning);
  }
  logger_.log(LogLevel::kInfo, "interface " + host_->adapter().friendly_name + ": " +
                                   std::string(source_name(source)) + " timestamps");

  // The MAC's EUI-64, as ptp4l; an adapter without a 6- or 8-byte address (a tunnel, loopback)
  // gets one derived from its GUID, so the identity is still stable across runs.
  ClockIdentity identity{};
  if (auto from_mac = host_->clock_identity()) {
    identity = *from_mac;
  } else {
    identity = clock_identity_from_key(host_->adapter().adapter_name);
    logger_.log(LogLevel::kInfo, "interface " + host_->adapter().friendly_name +
                                     " has no usable MAC address: clock identity from its GUID");
  }
  auto port_config = to_port_config(config, interface_name, identity);
  if (!port_config) return fail(port_config.error().message);
  win::WinSystemClock& system_clock = host_->system_clock();
  auto servo_config =
      to_servo_config(config, interface_name, uses_hardware_timestamps(requested, source),
                      system_clock.max_frequency_adjustment().value);
  if (!servo_config) return fail(servo_config.error().message);

  observer_ = std::make_unique<PortLogObserver>(
      logger_, port_config->port_number, identity,
      summary_sample_count(config.clock.summary_interval_log2_seconds.value,
                           port_config->log_sync_interval));
  hal::PortDriverConfig driver_config;
  driver_config.discipline = hal::ClockDiscipline::kSystemClock;
  driver_config.utc_offset =
      Nanoseconds(std::int64_t{config.clock.utc_offset_seconds.value} * kNanosecondsPerSecond);
  driver_config.read_only = free_running;
  // The servo, the clock, the driver and, with hardware timestamps, the NIC-to-QPC correlation
  // and its cross-timestamp sampling: the one assembly the simulator measures.
  auto assembly = hal::OrdinaryClockAssembly::create(
      hal_host, hal::OrdinaryClockSettings{*port_config, *servo_config, driver_config, {}},
      observer_.get());
  if (!assembly) return fail(hal::to_string(assembly.error()));
  assembly_ = std::move(assembly).value();
  logger_.log(LogLevel::kInfo,
              "clock identity " + format_clock_identity(identity) +
                  (free_running ? ", free running (the clock is never adjusted)" : ""));
  if (auto started = assembly_->start(); !started) {
    return fail("cannot start the port: " + std::string(hal::to_string(started.error().code)));
  }
  running_ = true;

  HANDLE duplicate = nullptr;
  if (DuplicateHandle(GetCurrentProcess(), host_->transport().receive_event(), GetCurrentProcess(),
                      &duplicate, 0, FALSE, DUPLICATE_SAME_ACCESS) == FALSE) {
    return fail("cannot duplicate the receive event handle");
  }
  receive_event_ = std::make_unique<boost::asio::windows::object_handle>(io_, duplicate);
  tx_poll_timer_ = std::make_unique<boost::asio::steady_timer>(io_);
  if (int failed = start_metrics(config.clock.metrics_address.value); failed != 0) return failed;
  wait_for_packets();
  // Anything the receive event signalled before the wait started is picked up here.
  (void)host_->transport().poll_receive();
  after_event();
  return 0;
}

void Session::wait_for_packets() {
  receive_event_->async_wait([this](const boost::system::error_code& error) {
    if (error || !running_) return;
    (void)host_->transport().poll_receive();
    after_event();
    wait_for_packets();
  });
}

void Session::after_event() {
  if (!running_) return;
  const OrdinaryClock& clock = assembly_->clock();
  observer_->check_best_master(clock.state(),
                               clock.parent_data_set().parent_port_identity.clock_identity);
  schedule_tx_poll();
}

void Session::schedule_tx_poll() {
  const auto next = host_->transport().next_tx_poll();
  if (!next) return;
  tx_poll_timer_->expires_after(
      counter_distance(host_->counter().now(), *next, host_->counter().frequency_hz()));
  tx_poll_timer_->async_wait([this](const boost::system::error_code& error) {
    if (error || !running_) return;
    host_->transport().poll_tx_timestamps();
    after_event();
  });
}

// metrics_address (checked by the command line): GET /metrics, rendered on this loop thread.
int Session::start_metrics(const std::string& metrics_address) {
  if (metrics_address.empty()) return 0;
  auto address = app::parse_metrics_address(metrics_address);
  if (!address) return fail("metrics_address: " + address.error());
  auto server = MetricsServer::start(io_, *address, [this] {
    return app::render_prometheus(app::collect_metrics(app::take_metrics_snapshot(
        assembly_->clock(), assembly_->driver(), observer_->last_measurement())));
  });
  if (!server) return fail("metrics_address: " + server.error());
  metrics_ = std::move(server.value());
  logger_.log(LogLevel::kInfo, "metrics on http://" + metrics_->local_address() + "/metrics");
  return 0;
}

void Session::shutdown() {
  if (!running_) return;
  running_ = false;
  if (metrics_) metrics_->stop();
  assembly_->stop();
  timers_->cancel_all();
  if (tx_poll_timer_) tx_poll_timer_->cancel();
  if (receive_event_) {
    boost::system::error_code ignored;
    (void)receive_event_->close(ignored);
  }
}

Session* g_session = nullptr;  // the running session; touched on the loop thread only

}  // namespace

int run_ordinary_clock(boost::asio::io_context& io, const win::WinApi& api,
                       const app::LinuxPtpConfig& config, const std::string& interface_name,
                       const Logger& logger, const std::function<void()>& on_running) {
  Session session(io, logger);
  g_session = &session;
  const int started = session.start(api, config, interface_name);
  if (started != 0) {
    g_session = nullptr;
    return started;
  }
  if (on_running) on_running();
  io.run();
  session.shutdown();
  g_session = nullptr;
  logger.log(LogLevel::kInfo, "stopped");
  return 0;
}

void request_stop(boost::asio::io_context& io) {
  boost::asio::post(io, [&io] {
    if (g_session != nullptr) g_session->shutdown();
    io.stop();
  });
}

int list_interfaces(const win::WinApi& api, std::FILE* out) {
  auto reports = win::list_interfaces(api);
  if (!reports) {
    (void)std::fprintf(stderr, "ptp4win: cannot list interfaces: %s\n",
                       std::string(hal::to_string(reports.error().code)).c_str());
    return 1;
  }
  const std::string text = win::format_interface_list(*reports);
  (void)std::fwrite(text.data(), 1, text.size(), out);
  return 0;
}

}  // namespace ptp::ptp4win

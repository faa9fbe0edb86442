// The Asio application: ptp4win's Session on an AsioLoopShell, on one loop thread.
#include "ptp/ptp4win/ptp4win_app.h"

#include <boost/asio/post.hpp>
#include <memory>
#include <string>

#include "ptp/app/metrics.h"
#include "ptp/ptp4win/asio_loop_shell.h"
#include "ptp/ptp4win/metrics_server.h"
#include "ptp/ptp4win/session.h"
#include "ptp/win/adapter_listing.h"

namespace ptp::ptp4win {
namespace {

Session* g_session = nullptr;  // the running session; touched on the loop thread only

// metrics_address (checked by the command line): GET /metrics, rendered on the loop thread.
Result<std::unique_ptr<MetricsServer>, std::string> start_metrics(
    boost::asio::io_context& io, const std::string& metrics_address, const Session& session,
    const Logger& logger) {
  if (metrics_address.empty()) return std::unique_ptr<MetricsServer>();
  auto address = app::parse_metrics_address(metrics_address);
  if (!address) return unexpected("metrics_address: " + address.error());
  auto server = MetricsServer::start(io, *address, [&session] {
    return app::render_prometheus(app::collect_metrics(session.metrics_snapshot()));
  });
  if (!server) return unexpected("metrics_address: " + server.error());
  logger.log(LogLevel::kInfo, "metrics on http://" + (*server)->local_address() + "/metrics");
  return std::move(server.value());
}

}  // namespace

int run_ordinary_clock(boost::asio::io_context& io, const win::WinApi& api,
                       const app::LinuxPtpConfig& config, const std::string& interface_name,
                       const Logger& logger, const std::function<void()>& on_running) {
  AsioLoopShell loop(io, api);
  Session session(loop, logger);
  // The metrics the administrator asked for are bound before PTP starts: a clock that runs
  // without them would look healthy to everything but the monitoring, so ptp4win exits instead
  // (as ptp4l does when it cannot open its sockets), having touched neither NIC nor clock.
  auto metrics = start_metrics(io, config.clock.metrics_address.value, session, logger);
  if (!metrics) {
    logger.log(LogLevel::kError, metrics.error());
    return 1;
  }
  g_session = &session;
  if (const int started = session.start(api, config, interface_name); started != 0) {
    g_session = nullptr;
    return started;
  }
  if (on_running) on_running();
  io.run();
  if (*metrics) (*metrics)->stop();
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

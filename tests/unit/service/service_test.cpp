// The service in-process: ports and port file, the API over HTTP, pings
// between two services on loopback, clean stops, and clear errors.
#include <gtest/gtest.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "crypto/c25519.hpp"
#include "io/atomic_file.hpp"
#include "io/temp_dir.hpp"
#include "service/service.hpp"
#include "service/service_fixtures.hpp"
#include "vectors.hpp"

namespace zt::service {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

// Identity `index` of the vectors (0..2) in a fresh home.
ServiceOptions options_for(const fs::path& home, int index = 0) {
  test::seed_identity(home, index);
  ServiceOptions o;
  o.home = home;
  o.port = 0;
  o.ipv6 = false;
  o.handle_signals = false;
  return o;
}

// Runs a service's loop on a thread of its own for the life of the object.
class Running {
 public:
  explicit Running(std::unique_ptr<Service> s) : service_(std::move(s)) {
    thread_ = std::thread([this] { result_ = service_->run(); });
  }
  ~Running() { stop(); }
  Service& operator*() { return *service_; }
  Service* operator->() { return service_.get(); }
  bool stop() {
    if (thread_.joinable()) {
      service_->stop();
      thread_.join();
    }
    return result_;
  }
  void destroy() {
    stop();
    service_.reset();
  }

 private:
  std::unique_ptr<Service> service_;
  std::thread thread_;
  bool result_ = false;
};

std::unique_ptr<Service> open_or_fail(const ServiceOptions& o) {
  std::string error;
  auto s = Service::open(o, &error);
  EXPECT_TRUE(s) << error;
  return s;
}

std::string read_text(const fs::path& p) {
  auto bytes = io::read_file(p, 100);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

// A planet whose one root is `root` at 127.0.0.1/port.
fs::path write_planet(const fs::path& dir, const Identity& root, std::uint16_t port) {
  const crypto::C25519KeyPair signer = crypto::c25519_generate();
  World w;
  w.type = World::Type::kPlanet;
  w.id = 0x1234;
  w.timestamp = 1;
  w.updates_must_be_signed_by = signer.pub;
  w.roots.push_back(
      {root.public_only(), {*InetAddress::from_string("127.0.0.1/" + std::to_string(port))}});
  w.sign(signer);
  const fs::path file = dir / "planet";
  EXPECT_TRUE(io::write_file_atomic(file, w.to_bytes(), 0644));
  return file;
}

TEST(Service, ServesItsApiOnTheUdpPortNumberAndCleansUp) {
  test::TempDir dir;
  const fs::path home = dir.path() / "a";
  Running s(open_or_fail(options_for(home)));
  ASSERT_NE(s->udp_port(), 0);
  EXPECT_EQ(s->api_port(), s->udp_port());
  EXPECT_EQ(read_text(home / Service::kPortFile), std::to_string(s->api_port()));

  httplib::Client client("127.0.0.1", s->api_port());
  client.set_read_timeout(5, 0);
  auto res = client.Get("/status", {{"X-ZT1-Auth", s->home().auth_token()}});
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  const json status = json::parse(res->body);
  EXPECT_EQ(status["address"], s->home().identity().address().to_string());
  EXPECT_EQ(status["online"], false) << "no planet, so no root to be online with";
  EXPECT_EQ(status["planetWorldId"], 0);
  EXPECT_EQ(status["config"]["settings"]["primaryPort"], s->udp_port());

  EXPECT_TRUE(s.stop());
  s.destroy();
  EXPECT_FALSE(fs::exists(home / Service::kPortFile));
}

TEST(Service, AMoonOfItsOwnMakesItARootAndIsKept) {
  test::TempDir dir;
  const fs::path home = dir.path() / "a";
  ServiceOptions o = options_for(home);
  const Identity me = *Identity::from_string(
      test::vl1()["identities"][0]["public_string"].get<std::string>());
  const crypto::C25519KeyPair signer = crypto::c25519_generate();
  World moon;
  moon.type = World::Type::kMoon;
  moon.id = me.address().value();
  moon.timestamp = 1;
  moon.updates_must_be_signed_by = signer.pub;
  moon.roots.push_back({me, {*InetAddress::from_string("127.0.0.1/9993")}});
  moon.sign(signer);
  o.moon_files = {dir.path() / "my.moon"};
  ASSERT_TRUE(io::write_file_atomic(o.moon_files[0], moon.to_bytes(), 0644));

  Running s(open_or_fail(o));
  const std::optional<StatusSnapshot> status = s->status();
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->root);
  EXPECT_TRUE(status->online) << "a root is online by definition";
  EXPECT_EQ(status->moon_ids, std::vector<std::uint64_t>{moon.id});
  const std::string cached = "moons.d/" + to_hex_u64(moon.id, 16) + ".moon";
  EXPECT_EQ(s->home().load(cached), moon.to_bytes());
}

TEST(Service, TwoServicesPingEachOtherDirectly) {
  test::TempDir dir;
  Running a(open_or_fail(options_for(dir.path() / "a")));
  ServiceOptions ob = options_for(dir.path() / "b", 1);
  ob.planet_file = write_planet(dir.path(), a->home().identity(), a->udp_port());
  Running b(open_or_fail(ob));
  const Address a_address = a->home().identity().address();
  const Address b_address = b->home().identity().address();

  const PingOutcome to_a = b->ping(a_address, 10s);
  ASSERT_EQ(to_a.kind, PingOutcome::Kind::kReply);
  EXPECT_FALSE(to_a.reply.via_relay);
  EXPECT_EQ(to_a.reply.endpoint.to_string(), "127.0.0.1/" + std::to_string(a->udp_port()));
  EXPECT_GT(to_a.reply.rtt_ms, 0.0);

  const PingOutcome to_b = a->ping(b_address, 10s);
  ASSERT_EQ(to_b.kind, PingOutcome::Kind::kReply);
  EXPECT_EQ(to_b.reply.endpoint.to_string(), "127.0.0.1/" + std::to_string(b->udp_port()));

  const std::optional<StatusSnapshot> status = b->status();
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->online);
  EXPECT_EQ(status->planet_id, 0x1234u);
  EXPECT_GT(status->counters.rx_packets, 0u);

  const std::optional<PeersSnapshot> peers = b->peers(a_address);
  ASSERT_TRUE(peers);
  ASSERT_EQ(peers->peers.size(), 1u);
  EXPECT_EQ(peers->peers[0].role, PeerRole::kPlanet);
  EXPECT_EQ(peers->local_ports.at(1), b->udp_port());
}

TEST(Service, PingsThatCannotBeAnswered) {
  test::TempDir dir;
  Running a(open_or_fail(options_for(dir.path() / "a")));
  const PingOutcome self = a->ping(a->home().identity().address(), 1s);
  EXPECT_EQ(self.kind, PingOutcome::Kind::kRefused);
  EXPECT_NE(self.message.find("own address"), std::string::npos);

  const auto started = std::chrono::steady_clock::now();
  const PingOutcome nobody = a->ping(Address(0x0123456789), 200ms);
  EXPECT_EQ(nobody.kind, PingOutcome::Kind::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);

  a.stop();
  EXPECT_EQ(a->ping(Address(0x0123456789), 200ms).kind, PingOutcome::Kind::kUnavailable)
      << "a stopped loop must not leave the caller hanging";
  EXPECT_FALSE(a->status());
}

TEST(Service, StoppingWakesAPingWaitingOverHttp) {
  test::TempDir dir;
  Running a(open_or_fail(options_for(dir.path() / "a")));
  const std::uint16_t port = a->api_port();
  const std::string token = a->home().auth_token();
  int status = 0;
  std::thread pinger([&] {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    auto res = client.Post("/ztsdk/ping/0123456789?timeout_ms=30000", {{"X-ZT1-Auth", token}},
                           std::string(), "application/json");
    if (res) status = res->status;
  });
  std::this_thread::sleep_for(300ms);
  const auto started = std::chrono::steady_clock::now();
  a.destroy();
  pinger.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(status, 503);
}

TEST(Service, TakenPortsAreClearErrors) {
  test::TempDir dir;
  Running a(open_or_fail(options_for(dir.path() / "a")));

  ServiceOptions udp_clash = options_for(dir.path() / "b", 1);
  udp_clash.port = a->udp_port();
  std::string error;
  EXPECT_FALSE(Service::open(udp_clash, &error));
  EXPECT_NE(error.find("already in use"), std::string::npos) << error;

  ServiceOptions api_clash = options_for(dir.path() / "c", 2);
  api_clash.api_port = a->api_port();
  error.clear();
  EXPECT_FALSE(Service::open(api_clash, &error));
  EXPECT_NE(error.find("already in use"), std::string::npos) << error;
  EXPECT_NE(error.find("--api-port"), std::string::npos) << error;
}

TEST(Service, ApiPortZeroTurnsTheApiOff) {
  test::TempDir dir;
  ServiceOptions o = options_for(dir.path() / "a");
  o.api_port = 0;
  auto s = open_or_fail(o);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->api_port(), 0);
  EXPECT_FALSE(fs::exists(o.home / Service::kPortFile));
}

TEST(Service, AnUnusableHomeOrPlanetIsAClearError) {
  test::TempDir dir;
  ASSERT_TRUE(io::write_file_atomic(dir.path() / "file", Bytes{1}, 0644));
  ServiceOptions not_a_dir = options_for(dir.path() / "a");
  not_a_dir.home = dir.path() / "file";
  std::string error;
  EXPECT_FALSE(Service::open(not_a_dir, &error));
  EXPECT_NE(error.find("home directory"), std::string::npos) << error;

  ServiceOptions o = options_for(dir.path() / "a");
  o.planet_file = dir.path() / "no-such-planet";
  EXPECT_FALSE(Service::open(o, &error));
  EXPECT_NE(error.find("no-such-planet"), std::string::npos) << error;
}

}  // namespace
}  // namespace zt::service

// The local HTTP API against a fake backend: authentication, routes, status
// codes, and a port that is already taken.
#include <gtest/gtest.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>

#include "service/api_server.hpp"

namespace zt::service {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kToken[] = "abcdefghijklmnopqrstuvwx";

class FakeBackend : public ApiBackend {
 public:
  std::optional<StatusSnapshot> status() override {
    if (!answer) return std::nullopt;
    StatusSnapshot s;
    s.address = Address(0x0102030405);
    s.primary_port = 9993;
    return s;
  }
  std::optional<PeersSnapshot> peers(std::optional<Address> only) override {
    if (!answer) return std::nullopt;
    PeersSnapshot s;
    PeerInfo p;
    p.address = Address(0xaaaaaaaaaa);
    if (!only || *only == p.address) s.peers.push_back(p);
    return s;
  }
  PingOutcome ping(Address to, std::chrono::milliseconds timeout) override {
    last_ping_to = to;
    last_ping_timeout = timeout;
    return ping_outcome;
  }
  std::optional<ControllerReply> controller_api(const ControllerCall& call) override {
    controller_calls.push_back(call);
    if (!answer) return std::nullopt;
    return ControllerReply{201, R"({"seen":true})"};
  }  std::optional<std::vector<NetworkView>> networks(std::optional<std::uint64_t> only) override {
    std::vector<NetworkView> out;
    for (const NetworkView& v : joined)
      if (!only || v.info.id == *only) out.push_back(v);
    return out;
  }
  std::optional<NetworkView> join(std::uint64_t id) override {
    for (const NetworkView& v : joined)
      if (v.info.id == id) return v;
    NetworkView v;
    v.info.id = id;
    joined.push_back(v);
    return v;
  }
  std::optional<bool> leave(std::uint64_t id) override {
    return std::erase_if(joined, [id](const NetworkView& v) { return v.info.id == id; }) > 0;
  }
  std::optional<bool> inject_frame(std::uint64_t id, const Bytes& frame) override {
    injected.emplace_back(id, frame);
    return frame.size() >= 14;
  }
  std::optional<std::vector<runtime::CapturedFrame>> captured_frames(std::uint64_t,
                                                                     std::uint64_t since) override {
    std::vector<runtime::CapturedFrame> out;
    for (const auto& f : captured)
      if (f.seq > since) out.push_back(f);
    return out;
  }
  std::vector<NetworkView> joined;
  std::vector<std::pair<std::uint64_t, Bytes>> injected;
  std::vector<runtime::CapturedFrame> captured;


  bool answer = true;
  PingOutcome ping_outcome;
  std::vector<ControllerCall> controller_calls;
  Address last_ping_to;
  std::chrono::milliseconds last_ping_timeout{0};
};

class ApiServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = ApiServer::start(0, kToken, backend_, &error);
    ASSERT_TRUE(server_) << error;
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(5, 0);
  }

  httplib::Result get(const std::string& path, const httplib::Headers& headers = authed()) {
    return client_->Get(path, headers);
  }
  httplib::Result post(const std::string& path) {
    return client_->Post(path, authed(), std::string(), "application/json");
  }
  static httplib::Headers authed() { return {{"X-ZT1-Auth", kToken}}; }

  FakeBackend backend_;
  std::unique_ptr<ApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ApiServerTest, RefusesMissingOrWrongTokens) {
  for (const httplib::Headers& h :
       {httplib::Headers{}, httplib::Headers{{"X-ZT1-Auth", "wrong"}},
        httplib::Headers{{"X-ZT1-Auth", std::string(kToken) + "x"}},
        httplib::Headers{{"Authorization", std::string("Basic ") + kToken}}}) {
    auto res = get("/status", h);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401);
    EXPECT_TRUE(json::parse(res->body).contains("error"));
  }
  auto res = get("/nonexistent", {});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << "unknown paths must not be told apart without a token";
}

TEST_F(ApiServerTest, AcceptsTheTokenThreeWays) {
  auto header = get("/status");
  auto bearer = get("/status", {{"Authorization", std::string("Bearer ") + kToken}});
  auto query = get(std::string("/status?auth=") + kToken, {});
  for (auto* res : {&header, &bearer, &query}) {
    ASSERT_TRUE(*res);
    EXPECT_EQ((*res)->status, 200);
    EXPECT_EQ(json::parse((*res)->body)["address"], "0102030405");
    EXPECT_EQ((*res)->get_header_value("Content-Type"), "application/json");
  }
}

TEST_F(ApiServerTest, NetworkRoutesJoinListAndLeave) {
  auto none = get("/network");
  ASSERT_TRUE(none);
  EXPECT_EQ(json::parse(none->body), json::array());
  auto joined = post("/network/8056c2e21c000001");
  ASSERT_TRUE(joined);
  EXPECT_EQ(joined->status, 200);
  const json n = json::parse(joined->body);
  EXPECT_EQ(n["id"], "8056c2e21c000001");
  EXPECT_EQ(n["nwid"], "8056c2e21c000001");
  EXPECT_EQ(n["status"], "REQUESTING_CONFIGURATION");
  for (const char* key : {"mac", "name", "type", "mtu", "assignedAddresses", "routes",
                          "multicastSubscriptions", "netconfRevision", "portDeviceName", "dns"})
    EXPECT_TRUE(n.contains(key)) << key;
  EXPECT_EQ(json::parse(get("/network")->body).size(), 1u);
  EXPECT_EQ(get("/network/8056c2e21c000001")->status, 200);
  EXPECT_EQ(get("/network/8056c2e21c000002")->status, 404);
  EXPECT_EQ(get("/network/nothex")->status, 400);
  EXPECT_EQ(post("/network/0000000000000000")->status, 400);
  auto left = client_->Delete("/network/8056c2e21c000001", authed());
  ASSERT_TRUE(left);
  EXPECT_EQ(left->status, 200);
  EXPECT_EQ(json::parse(left->body)["result"], true);
  EXPECT_EQ(client_->Delete("/network/8056c2e21c000001", authed())->status, 404);
}

TEST_F(ApiServerTest, FrameInjectionAndCapture) {
  const std::string path = "/ztsdk/network/8056c2e21c000001/frame";
  auto bad = client_->Post(path, authed(), R"({"frame": "zz"})", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(client_->Post(path, authed(), "not json", "application/json")->status, 400);
  const std::string frame(28, 'a');  // 14 bytes of 0xaa
  auto ok = client_->Post(path, authed(), json{{"frame", frame}}.dump(), "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  ASSERT_EQ(backend_.injected.size(), 1u);
  EXPECT_EQ(backend_.injected[0].first, 0x8056c2e21c000001ULL);
  EXPECT_EQ(backend_.injected[0].second, Bytes(14, 0xaa));
  auto short_frame = client_->Post(path, authed(), R"({"frame": "0102"})", "application/json");
  EXPECT_EQ(short_frame->status, 404);

  backend_.captured = {{1, true, Bytes{1, 2}}, {2, false, Bytes{3}}};
  const json all = json::parse(get("/ztsdk/network/8056c2e21c000001/frames")->body);
  ASSERT_EQ(all["frames"].size(), 2u);
  EXPECT_EQ(all["frames"][0]["direction"], "in");
  EXPECT_EQ(all["frames"][0]["frame"], "0102");
  EXPECT_EQ(all["frames"][1]["direction"], "out");
  const json later = json::parse(get("/ztsdk/network/8056c2e21c000001/frames?since=1")->body);
  ASSERT_EQ(later["frames"].size(), 1u);
  EXPECT_EQ(later["frames"][0]["seq"], 2);
  EXPECT_EQ(get("/ztsdk/network/8056c2e21c000001/frames?since=x")->status, 400);
}

TEST_F(ApiServerTest, PeerRoutes) {
  auto all = get("/peer");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_EQ(json::parse(all->body).size(), 1u);

  auto one = get("/peer/aaaaaaaaaa");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(json::parse(one->body)["address"], "aaaaaaaaaa");

  auto unknown = get("/peer/bbbbbbbbbb");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->body, "{}");

  for (const char* bad : {"/peer/xyz", "/peer/aaaaaaaaaaa", "/peer/gggggggggg"}) {
    auto res = get(bad);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << bad;
  }
  auto missing = get("/nothing/here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_TRUE(json::parse(missing->body).contains("error"));
}

TEST_F(ApiServerTest, PingAnswersReplyTimeoutAndRefusal) {
  backend_.ping_outcome.kind = PingOutcome::Kind::kReply;
  backend_.ping_outcome.reply.rtt_ms = 1.5;
  backend_.ping_outcome.reply.endpoint = *InetAddress::from_string("127.0.0.1/9994");
  auto ok = post("/ztsdk/ping/89e92ceee5?timeout_ms=250");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(json::parse(ok->body)["via"], "direct");
  EXPECT_EQ(backend_.last_ping_to, Address(0x89e92ceee5));
  EXPECT_EQ(backend_.last_ping_timeout, 250ms);

  auto defaulted = post("/ztsdk/ping/89e92ceee5");
  ASSERT_TRUE(defaulted);
  EXPECT_EQ(backend_.last_ping_timeout, std::chrono::milliseconds(ApiServer::kDefaultPingTimeoutMs));

  backend_.ping_outcome.kind = PingOutcome::Kind::kTimeout;
  auto late = post("/ztsdk/ping/89e92ceee5?timeout_ms=10");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 504);

  backend_.ping_outcome.kind = PingOutcome::Kind::kRefused;
  backend_.ping_outcome.message = "cannot ping this node's own address";
  auto refused = post("/ztsdk/ping/89e92ceee5");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(json::parse(refused->body)["error"], "cannot ping this node's own address");
}

TEST_F(ApiServerTest, PingRejectsBadArgumentsBeforeTheBackend) {
  for (const char* bad : {"/ztsdk/ping/xyz", "/ztsdk/ping/ff00000001", "/ztsdk/ping/0000000000",
                          "/ztsdk/ping/89e92ceee5?timeout_ms=0",
                          "/ztsdk/ping/89e92ceee5?timeout_ms=60001",
                          "/ztsdk/ping/89e92ceee5?timeout_ms=5x"}) {
    auto res = post(bad);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 400) << bad;
  }
  EXPECT_TRUE(backend_.last_ping_to.is_nil());
  auto wrong_method = get("/ztsdk/ping/89e92ceee5");
  ASSERT_TRUE(wrong_method);
  EXPECT_EQ(wrong_method->status, 404);
}

TEST_F(ApiServerTest, A503WhenTheServiceDoesNotAnswer) {
  backend_.answer = false;
  for (const char* path : {"/status", "/peer", "/peer/aaaaaaaaaa"}) {
    auto res = get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503) << path;
  }
}

TEST_F(ApiServerTest, ControllerPathsGoToTheBackendWithMethodPathAndBody) {
  auto res = client_->Put("/controller/network/0123456789abcdef?x=1", authed(), R"({"name":"n"})",
                          "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->body, R"({"seen":true})");
  ASSERT_EQ(backend_.controller_calls.size(), 1u);
  EXPECT_EQ(backend_.controller_calls[0].method, "PUT");
  EXPECT_EQ(backend_.controller_calls[0].path, "/controller/network/0123456789abcdef");
  EXPECT_EQ(backend_.controller_calls[0].body, R"({"name":"n"})");

  for (const char* path : {"/controller", "/unstable/controller/network"}) {
    res = get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 201) << path;
  }
  res = client_->Delete("/controller/network/x", authed());
  ASSERT_TRUE(res);
  EXPECT_EQ(backend_.controller_calls.back().method, "DELETE");
  // Other roots are not the controller's.
  res = get("/controllerx");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(backend_.controller_calls.size(), 4u);
}

TEST_F(ApiServerTest, ControllerAnswersWrapForJsonpAndNeedTheToken) {
  auto res = get("/controller?jsonp=cb");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, R"(cb({"seen":true});)");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/javascript");

  res = get("/controller", {});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = get("/controller?auth=" + std::string(kToken), {});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  res = get("/controller", {{"Authorization", std::string("Bearer ") + kToken}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);

  backend_.answer = false;
  res = get("/controller");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
}

TEST_F(ApiServerTest, ATakenPortIsAClearError) {
  FakeBackend other;
  std::string error;
  auto second = ApiServer::start(server_->port(), kToken, other, &error);
  EXPECT_FALSE(second) << "two servers share a port (SO_REUSEPORT?)";
  EXPECT_NE(error.find("already in use"), std::string::npos) << error;
  EXPECT_NE(error.find(std::to_string(server_->port())), std::string::npos) << error;
}

TEST_F(ApiServerTest, StopIsIdempotentAndClosesThePort) {
  const std::uint16_t port = server_->port();
  server_->stop();
  server_->stop();
  httplib::Client late("127.0.0.1", port);
  late.set_connection_timeout(1, 0);
  EXPECT_FALSE(late.Get("/status", authed()));
}

}  // namespace
}  // namespace zt::service

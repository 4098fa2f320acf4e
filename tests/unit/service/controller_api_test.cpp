// The controller API over HTTP on a running in-process service: create,
// list, get, update, authorize a member, delete, authentication, 404s, and
// records that outlive a restart in <home>/controller.d.
#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "io/temp_dir.hpp"
#include "service/service.hpp"
#include "service/service_fixtures.hpp"

namespace zt::service {
namespace {

using nlohmann::json;

class ControllerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::seed_identity(dir_.path(), 0);
    start();
  }
  void TearDown() override { stop(); }

  void start() {
    ServiceOptions o;
    o.home = dir_.path();
    o.port = 0;
    o.ipv6 = false;
    o.handle_signals = false;
    std::string error;
    service_ = Service::open(o, &error);
    ASSERT_TRUE(service_) << error;
    thread_ = std::thread([this] { service_->run(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->api_port());
    client_->set_read_timeout(5, 0);
    token_ = service_->home().auth_token();
    address_ = service_->home().identity().address().to_string();
  }
  void stop() {
    if (thread_.joinable()) {
      service_->stop();
      thread_.join();
    }
    client_.reset();
    service_.reset();
  }

  httplib::Headers auth() const { return {{"X-ZT1-Auth", token_}}; }
  // The status and parsed body of one request.
  std::pair<int, json> send(const std::string& method, const std::string& path,
                            const std::string& body = "{}") {
    httplib::Result res = method == "GET"    ? client_->Get(path, auth())
                          : method == "POST" ? client_->Post(path, auth(), body, "application/json")
                                             : client_->Delete(path, auth());
    EXPECT_TRUE(res) << method << " " << path;
    if (!res) return {0, json()};
    return {res->status, json::parse(res->body, nullptr, false)};
  }

  test::TempDir dir_;
  std::unique_ptr<Service> service_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  std::string token_;
  std::string address_;
};

TEST_F(ControllerApiTest, NetworkAndMemberLifecycle) {
  auto [status, doc] = send("GET", "/controller");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(doc["controller"], true);
  EXPECT_EQ(doc["apiVersion"], 4);

  std::tie(status, doc) = send("POST", "/controller/network", R"({"name":"lab","private":true})");
  ASSERT_EQ(status, 200);
  const std::string nwid = doc["id"];
  EXPECT_EQ(nwid.substr(0, 10), address_);
  EXPECT_EQ(doc["revision"], 1);

  std::tie(status, doc) = send("GET", "/controller/network");
  EXPECT_EQ(doc, json::array({nwid}));

  std::tie(status, doc) = send("POST", "/controller/network/" + nwid,
                               R"({"v4AssignMode":"zt","routes":[{"target":"10.1.0.0/16"}]})");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(doc["revision"], 2);
  EXPECT_EQ(doc["v4AssignMode"], json({{"zt", true}}));
  EXPECT_EQ(doc["name"], "lab");

  const std::string member = "/controller/network/" + nwid + "/member/6362cd6fda";
  std::tie(status, doc) = send("POST", member, R"({"authorized":true})");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(doc["authorized"], true);
  EXPECT_EQ(doc["lastAuthorizedCredentialType"], "api");
  std::tie(status, doc) = send("GET", "/controller/network/" + nwid + "/member");
  EXPECT_EQ(doc, json({{"6362cd6fda", 1}}));

  std::tie(status, doc) = send("DELETE", member);
  EXPECT_EQ(status, 200);
  std::tie(status, doc) = send("GET", member);
  EXPECT_EQ(status, 404);
  EXPECT_EQ(doc, json::object());

  std::tie(status, doc) = send("DELETE", "/controller/network/" + nwid);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(doc["id"], nwid);
  std::tie(status, doc) = send("GET", "/controller/network/" + nwid);
  EXPECT_EQ(status, 404);
  std::tie(status, doc) = send("GET", "/controller/network");
  EXPECT_EQ(doc, json::array());
}

TEST_F(ControllerApiTest, NeedsTheToken) {
  for (const char* path : {"/controller", "/controller/network", "/unstable/controller/network"}) {
    auto res = client_->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 401) << path;
  }
  auto res = client_->Post("/controller/network", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(send("GET", "/controller/network").second, json::array());  // nothing was created
}

TEST_F(ControllerApiTest, NotFoundAndLegacyCreate) {
  EXPECT_EQ(send("GET", "/controller/network/" + address_ + "000001").first, 404);
  EXPECT_EQ(send("GET", "/controller/network/" + address_ + "000001/member").first, 404);
  EXPECT_EQ(send("POST", "/controller/network/" + address_ + "000001/member/6362cd6fda").first,
            404);
  EXPECT_EQ(send("POST", "/controller/network/0000000001______").first, 400);
  auto [status, doc] = send("POST", "/controller/network/" + address_ + "______");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(doc["id"].get<std::string>().substr(0, 10), address_);
}

TEST_F(ControllerApiTest, RecordsSurviveARestart) {
  auto [status, doc] = send("POST", "/controller/network", R"({"name":"kept"})");
  ASSERT_EQ(status, 200);
  const std::string nwid = doc["id"];
  send("POST", "/controller/network/" + nwid + "/member/6362cd6fda", R"({"authorized":true})");
  stop();
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "controller.d" / "network" / (nwid + ".json")));
  start();
  std::tie(status, doc) = send("GET", "/controller/network/" + nwid);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(doc["name"], "kept");
  EXPECT_EQ(send("GET", "/controller/network/" + nwid + "/member/6362cd6fda").second["authorized"],
            true);
}

}  // namespace
}  // namespace zt::service

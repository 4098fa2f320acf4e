// The controller API's routes, status codes and documents, called
// directly (the service's HTTP server only forwards to this).
#include "controller/controller_http.hpp"

#include <gtest/gtest.h>

#include "io/temp_dir.hpp"
#include "proto/credentials/credential_test_support.hpp"

namespace zt::controller {
namespace {

constexpr std::int64_t kNow = 1700000000000LL;

class ControllerHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::open(dir_.path() / "controller.d", nullptr);
    ASSERT_TRUE(store);
    controller_ = std::make_unique<Controller>(test::vl2_identity("controller"), std::move(*store),
                                               [this] { return next_random_++; });
  }

  HttpReply call(std::string_view method, std::string_view path, std::string_view body = {}) {
    return handle_controller_http(*controller_, method, path, body, kNow);
  }
  json call_json(std::string_view method, std::string_view path, std::string_view body = {},
                 int status = 200) {
    const HttpReply r = call(method, path, body);
    EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
    return json::parse(r.body);
  }

  test::TempDir dir_;
  std::uint64_t next_random_ = 0xabcdef;
  std::unique_ptr<Controller> controller_;
};

TEST_F(ControllerHttpTest, StatusDocument) {
  const json j = call_json("GET", "/controller");
  EXPECT_EQ(
      j, json({{"controller", true}, {"apiVersion", 4}, {"clock", kNow}, {"databaseReady", true}}));
}

TEST_F(ControllerHttpTest, CreateListGetUpdateDeleteANetwork) {
  EXPECT_EQ(call_json("GET", "/controller/network"), json::array());

  const json created = call_json("POST", "/controller/network", R"({"name":"first"})");
  EXPECT_EQ(created["id"], "e08309ce1eabcdef");
  EXPECT_EQ(created["name"], "first");
  EXPECT_EQ(created["revision"], 1);
  EXPECT_EQ(call_json("GET", "/controller/network"), json::array({"e08309ce1eabcdef"}));

  const json updated =
      call_json("PUT", "/controller/network/E08309CE1EABCDEF", R"({"private":false,"mtu":"1500"})");
  EXPECT_EQ(updated["private"], false);
  EXPECT_EQ(updated["mtu"], 1500);
  EXPECT_EQ(updated["name"], "first");
  EXPECT_EQ(updated["revision"], 2);
  EXPECT_EQ(call_json("GET", "/controller/network/e08309ce1eabcdef"), updated);
  // An empty body changes nothing and keeps the revision.
  EXPECT_EQ(call_json("POST", "/controller/network/e08309ce1eabcdef")["revision"], 2);

  EXPECT_EQ(call_json("DELETE", "/controller/network/e08309ce1eabcdef"), updated);
  EXPECT_EQ(call("GET", "/controller/network/e08309ce1eabcdef").status, 404);
  EXPECT_EQ(call("DELETE", "/controller/network/e08309ce1eabcdef").status, 404);
  EXPECT_EQ(call("GET", "/controller/network/e08309ce1eabcdef").body, "{}");
}

TEST_F(ControllerHttpTest, LegacyCreateNeedsThisControllersAddress) {
  const json created = call_json("POST", "/controller/network/e08309ce1e______", "{}");
  EXPECT_EQ(created["id"], "e08309ce1eabcdef");
  EXPECT_EQ(call("POST", "/controller/network/0123456789______", "{}").status, 400);
  EXPECT_EQ(call("POST", "/controller/network/E08309CE1E______", "{}").status, 400);
}

TEST_F(ControllerHttpTest, MembersOfANetwork) {
  call_json("POST", "/controller/network/e08309ce1e000001", "{}");
  EXPECT_EQ(call_json("GET", "/controller/network/e08309ce1e000001/member"), json::object());

  const json m = call_json("POST", "/controller/network/e08309ce1e000001/member/6362cd6fda",
                           R"({"authorized":true,"name":"a"})");
  EXPECT_EQ(m["id"], "6362cd6fda");
  EXPECT_EQ(m["authorized"], true);
  EXPECT_EQ(m["lastAuthorizedTime"], kNow);
  EXPECT_EQ(m["revision"], 1);
  call_json("POST", "/controller/network/e08309ce1e000001/member/c8b11f7020", "{}");
  EXPECT_EQ(call_json("GET", "/controller/network/e08309ce1e000001/member"),
            json({{"6362cd6fda", 1}, {"c8b11f7020", 1}}));
  EXPECT_EQ(call_json("GET", "/controller/network/e08309ce1e000001/member/6362cd6fda"), m);

  const json list = call_json("GET", "/unstable/controller/network/e08309ce1e000001/member");
  EXPECT_EQ(list["meta"], json({{"totalCount", 2}, {"authorizedCount", 1}}));
  EXPECT_EQ(list["data"].size(), 2u);
  const json networks = call_json("GET", "/unstable/controller/network");
  EXPECT_EQ(networks["meta"], json({{"networkCount", 1}}));
  EXPECT_EQ(networks["data"][0]["meta"],
            json({{"totalMemberCount", 2}, {"authorizedMemberCount", 1}}));

  EXPECT_EQ(call_json("DELETE", "/controller/network/e08309ce1e000001/member/c8b11f7020")["id"],
            "c8b11f7020");
  EXPECT_EQ(call("GET", "/controller/network/e08309ce1e000001/member/c8b11f7020").status, 404);
  EXPECT_EQ(call("DELETE", "/controller/network/e08309ce1e000001/member/c8b11f7020").status, 404);
}

TEST_F(ControllerHttpTest, NotFoundAndBadRequests) {
  for (const char* path : {"/controller/network/e08309ce1e000009/member",
                           "/unstable/controller/network/e08309ce1e000009/member",
                           "/controller/network/e08309ce1e000009/member/6362cd6fda",
                           "/controller/nope", "/controller/network/123", "/unstable/controller"}) {
    const HttpReply r = call("GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body, "{}") << path;
  }
  EXPECT_EQ(call("POST", "/controller/network/e08309ce1e000009/member/6362cd6fda", "{}").status,
            404);
  EXPECT_EQ(call("DELETE", "/controller").status, 404);
  EXPECT_EQ(call("GET", "/controller/network/" + std::string(100000, 'a')).status, 404);
  EXPECT_EQ(call("POST", "/controller/network", "{not json").status, 400);
  EXPECT_EQ(call("POST", "/controller/network/e08309ce1e000001", std::string(1000, '[')).status,
            400);
  EXPECT_TRUE(call_json("GET", "/controller/network").empty());  // nothing was created
}

}  // namespace
}  // namespace zt::controller

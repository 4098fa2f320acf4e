// InetAddress wire form (vl1.md §15) against upstream's vectors, and hostile input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "proto/inet_address.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

using test::hex;

InetAddress parse_vector_address(const std::string& text) {
  if (text == "(nil)") return InetAddress();
  auto a = InetAddress::from_string(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(InetAddress());
}

TEST(InetAddress, SerializesLikeUpstream) {
  int checked = 0;
  for (const auto& v : test::vl1()["inetaddress"]) {
    const std::string text = v["address"];
    SCOPED_TRACE(text);
    Bytes out;
    ByteWriter w(out);
    parse_vector_address(text).serialize(w);
    EXPECT_EQ(to_hex(out), v["serialized_hex"].get<std::string>());
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

TEST(InetAddress, DeserializesUpstreamBytes) {
  for (const auto& v : test::vl1()["inetaddress"]) {
    const std::string text = v["address"];
    SCOPED_TRACE(text);
    const Bytes wire = hex(v["serialized_hex"]);
    ByteReader r(wire);
    const InetAddress a = InetAddress::deserialize(r);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(a.to_string(), text);
    EXPECT_EQ(a, parse_vector_address(text));
  }
}

TEST(InetAddress, TruncatedInputFails) {
  for (const auto& v : test::vl1()["inetaddress"]) {
    const Bytes wire = hex(v["serialized_hex"]);
    for (std::size_t len = 0; len < wire.size(); ++len) {
      ByteReader r({wire.data(), len});
      const InetAddress a = InetAddress::deserialize(r);
      EXPECT_FALSE(r.ok()) << v["address"] << " cut to " << len;
      EXPECT_TRUE(a.is_nil());
    }
  }
}

TEST(InetAddress, ReservedTypesAreSkipped) {
  // Types 1 and 2 occupy 7 bytes in total, and yield nil.
  for (std::uint8_t type : {1, 2}) {
    const Bytes wire = {type, 1, 2, 3, 4, 5, 6, 0xaa};
    ByteReader r(wire);
    EXPECT_TRUE(InetAddress::deserialize(r).is_nil());
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.position(), 7u);
    EXPECT_EQ(r.u8(), 0xaa);

    ByteReader short_reader({wire.data(), 6});
    InetAddress::deserialize(short_reader);
    EXPECT_FALSE(short_reader.ok());
  }
  // Type 3 carries its own 16-bit length.
  const Bytes wire = {3, 0, 5, 1, 2, 3, 4, 5, 0xbb};
  ByteReader r(wire);
  EXPECT_TRUE(InetAddress::deserialize(r).is_nil());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.position(), 8u);
  EXPECT_EQ(r.u8(), 0xbb);

  const Bytes empty_ext = {3, 0, 0};
  ByteReader e(empty_ext);
  EXPECT_TRUE(InetAddress::deserialize(e).is_nil());
  EXPECT_TRUE(e.ok());
  EXPECT_TRUE(e.at_end());

  const Bytes lying = {3, 0xff, 0xff, 1, 2, 3};
  ByteReader l(lying);
  InetAddress::deserialize(l);
  EXPECT_FALSE(l.ok());
}

TEST(InetAddress, UnknownTypesFail) {
  for (std::uint8_t type : {5, 7, 0x10, 0x7f, 0xff}) {
    const Bytes wire = {type, 127, 0, 0, 1, 0x27, 0x09};
    ByteReader r(wire);
    EXPECT_TRUE(InetAddress::deserialize(r).is_nil());
    EXPECT_FALSE(r.ok()) << int(type);
  }
}

TEST(InetAddress, MalformedTextIsRejected) {
  for (const char* text : {"", "1.2.3", "1.2.3.4/", "1.2.3.4/65536", "1.2.3.4/-1", "1.2.3.4/99x",
                           "256.1.1.1/1", "2001:db8::1::2/1", "example.com/9993", "/9993"}) {
    EXPECT_FALSE(InetAddress::from_string(text).has_value()) << text;
  }
  auto a = InetAddress::from_string("10.0.0.2");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->port(), 0);
}

}  // namespace
}  // namespace zt

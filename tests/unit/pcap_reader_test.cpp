// The test-only pcap reader: the real capture, both byte orders, other link
// types, and malformed files.
#include "pcap_reader.hpp"

#include <gtest/gtest.h>

#include "vectors.hpp"

namespace zt::test {
namespace {

void put32(Bytes& b, std::uint32_t v, bool big_endian) {
  for (int i = 0; i < 4; ++i)
    b.push_back(static_cast<std::uint8_t>(v >> (big_endian ? 24 - 8 * i : 8 * i)));
}

Bytes file_header(std::uint32_t link_type, bool big_endian, std::uint32_t magic = 0xa1b2c3d4) {
  Bytes b;
  put32(b, magic, big_endian);
  b.insert(b.end(), big_endian ? std::initializer_list<std::uint8_t>{0, 2, 0, 4}
                               : std::initializer_list<std::uint8_t>{2, 0, 4, 0});
  put32(b, 0, big_endian);
  put32(b, 0, big_endian);
  put32(b, 65535, big_endian);
  put32(b, link_type, big_endian);
  return b;
}

void add_record(Bytes& file, const Bytes& frame, bool big_endian, std::uint32_t sec = 7,
                std::uint32_t frac = 9) {
  put32(file, sec, big_endian);
  put32(file, frac, big_endian);
  put32(file, static_cast<std::uint32_t>(frame.size()), big_endian);
  put32(file, static_cast<std::uint32_t>(frame.size()), big_endian);
  file.insert(file.end(), frame.begin(), frame.end());
}

// 10.0.0.1:1000 -> 10.0.0.2:2000 carrying "abc", as a bare IPv4 packet.
Bytes ipv4_udp(std::uint8_t protocol = 17, std::uint16_t fragment_field = 0) {
  return hex("4500001f0000" + to_hex_u64(fragment_field, 4) + "40" + to_hex_u64(protocol, 2) +
             "0000" "0a000001" "0a000002" "03e807d0000b0000" "616263");
}

TEST(PcapReader, ReadsTheJoinCapture) {
  std::string error;
  auto c = read_pcap(read_file(protocol_path("capture/join.pcap")), &error);
  ASSERT_TRUE(c) << error;
  EXPECT_EQ(c->link_type, kLinkTypeEthernet);
  EXPECT_EQ(c->records, 167u);
  EXPECT_EQ(c->skipped, 0u);
  ASSERT_EQ(c->datagrams.size(), 167u);
  const UdpDatagram& first = c->datagrams[0];
  EXPECT_EQ(first.source.to_string(), "172.30.99.2/9993");
  EXPECT_EQ(first.destination.to_string(), "172.30.99.1/9993");
  EXPECT_EQ(first.payload.size(), 137u);
  EXPECT_EQ(first.seconds, 1795614828);
  EXPECT_EQ(first.nanoseconds, 529233000);
  EXPECT_EQ(c->datagrams[1].source.to_string(), "fd7a:5a:99::2/9993");
}

TEST(PcapReader, BigEndianRawIpAndNanoseconds) {
  Bytes file = file_header(kLinkTypeRaw, true, 0xa1b23c4d);
  add_record(file, ipv4_udp(), true, 7, 123456789);
  std::string error;
  auto c = read_pcap(file, &error);
  ASSERT_TRUE(c) << error;
  ASSERT_EQ(c->datagrams.size(), 1u);
  EXPECT_EQ(c->datagrams[0].source.to_string(), "10.0.0.1/1000");
  EXPECT_EQ(c->datagrams[0].destination.to_string(), "10.0.0.2/2000");
  EXPECT_EQ(to_hex(c->datagrams[0].payload), "616263");
  EXPECT_EQ(c->datagrams[0].nanoseconds, 123456789);
}

TEST(PcapReader, LinuxCookedAndVlanEthernet) {
  Bytes sll = hex("00000001000600000000000000000800");
  const Bytes ip = ipv4_udp();
  sll.insert(sll.end(), ip.begin(), ip.end());
  Bytes file = file_header(kLinkTypeLinuxSll, false);
  add_record(file, sll, false);
  auto c = read_pcap(file);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->datagrams.size(), 1u);

  Bytes eth = hex("0000000000010000000000028100000a0800");
  eth.insert(eth.end(), ip.begin(), ip.end());
  Bytes efile = file_header(kLinkTypeEthernet, false);
  add_record(efile, eth, false);
  auto e = read_pcap(efile);
  ASSERT_TRUE(e);
  ASSERT_EQ(e->datagrams.size(), 1u);
  EXPECT_EQ(to_hex(e->datagrams[0].payload), "616263");
}

TEST(PcapReader, SkipsWhatIsNotWholeUdp) {
  Bytes file = file_header(kLinkTypeRaw, false);
  add_record(file, ipv4_udp(6), false);          // TCP
  add_record(file, ipv4_udp(17, 0x2000), false);  // an IP fragment (more fragments)
  Bytes short_udp = ipv4_udp();
  short_udp[25] = 0x20;  // UDP length beyond the packet
  add_record(file, short_udp, false);
  add_record(file, hex("45"), false);  // a stub
  auto c = read_pcap(file);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->records, 4u);
  EXPECT_EQ(c->skipped, 4u);
  EXPECT_TRUE(c->datagrams.empty());
}

TEST(PcapReader, RejectsMalformedFiles) {
  std::string error;
  EXPECT_FALSE(read_pcap(hex("d4c3b2a1"), &error));
  EXPECT_NE(error.find("24-byte"), std::string::npos);
  Bytes pcapng = file_header(kLinkTypeRaw, false, 0x0a0d0d0a);
  EXPECT_FALSE(read_pcap(pcapng, &error));
  EXPECT_NE(error.find("magic"), std::string::npos);
  EXPECT_FALSE(read_pcap(file_header(228, false), &error));
  EXPECT_NE(error.find("link type 228"), std::string::npos);

  Bytes truncated = file_header(kLinkTypeRaw, false);
  add_record(truncated, ipv4_udp(), false);
  for (std::size_t cut = 25; cut < truncated.size(); ++cut) {
    EXPECT_FALSE(read_pcap(std::span(truncated).first(cut), &error)) << cut;
    EXPECT_NE(error.find("truncated"), std::string::npos);
  }
}

}  // namespace
}  // namespace zt::test

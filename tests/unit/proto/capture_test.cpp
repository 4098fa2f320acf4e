// Replays a real join between upstream 1.14.1 nodes (capture/join.pcap)
// through reassembly, dearmor, decompression and the verb codecs, renders
// every datagram the way capture/join-decoded.txt does, and requires the two
// to agree line by line.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "pcap_reader.hpp"
#include "proto/dictionary.hpp"
#include "proto/fragment.hpp"
#include "proto/identity.hpp"
#include "proto/packet.hpp"
#include "proto/packet_armor.hpp"
#include "proto/packet_compress.hpp"
#include "proto/peer_key.hpp"
#include "proto/verbs/attached_com.hpp"
#include "proto/verbs/frame.hpp"
#include "proto/verbs/hello.hpp"
#include "proto/verbs/multicast.hpp"
#include "proto/verbs/network_config.hpp"
#include "proto/verbs/ok_error.hpp"
#include "proto/verbs/push_direct_paths.hpp"
#include "proto/verbs/rendezvous.hpp"
#include "proto/verbs/whois.hpp"
#include "vectors.hpp"

namespace zt {
namespace {

// What the capture holds, per join-decoded.txt.
constexpr std::size_t kExpectedDatagrams = 167;
constexpr std::size_t kExpectedDecoded = 162;  // whole packets, 4 of them reassembled
constexpr std::size_t kExpectedFragmented = 4;
constexpr std::size_t kExpectedJunk = 1;
constexpr std::uint64_t kNetworkId = 0x467b3c210141fc8aULL;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string format(const char* fmt, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// join-decoded.txt shows the IDs of heads and fragments as the wire bytes
// read as a little-endian integer (the in-re IDs of OK/ERROR it shows in
// wire order).
std::string reference_fragment_id(std::uint64_t packet_id) {
  std::uint64_t swapped = 0;
  for (int i = 0; i < 8; ++i) swapped = (swapped << 8) | ((packet_id >> (8 * i)) & 0xff);
  return to_hex_u64(swapped);
}

std::string endpoint(const InetAddress& a) {
  return a.ip_string() + ":" + std::to_string(a.port());
}

std::string cipher_name(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::kPoly1305None: return "0(C25519/Poly1305(no-enc))";
    case CipherSuite::kPoly1305Salsa2012: return "1(Salsa20/12-Poly1305)";
    case CipherSuite::kTrustedPath: return "2(trusted-path)";
    case CipherSuite::kAesGmacSiv: return "3(AES-GMAC-SIV)";
  }
  return std::to_string(static_cast<int>(suite)) + "(invalid)";
}

std::string version(unsigned major, unsigned minor, unsigned revision) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(revision);
}

// A dictionary value as join-decoded.txt shows it: printable text as is;
// otherwise the length of its escaped form on the wire, marked "binary"
// unless the value is only NUL padding and text.
std::string render_value(const Bytes& value, std::size_t escaped_length) {
  bool printable = true, binary = false;
  for (std::uint8_t c : value) {
    if (c < 0x20 || c > 0x7e) printable = false;
    if ((c < 0x20 && c != 0) || c > 0x7e) binary = true;
  }
  if (printable) return std::string(value.begin(), value.end());
  return "<" + std::to_string(escaped_length) + (binary ? " bytes, binary>" : " bytes>");
}

struct RawEntry {
  std::string key;
  std::size_t escaped_length = 0;
};

// Entries in the order they appear, with their values still escaped; the
// dictionary reader does the unescaping.
std::vector<RawEntry> raw_entries(std::span<const std::uint8_t> dict) {
  std::vector<RawEntry> entries;
  std::string line;
  auto flush = [&] {
    if (auto eq = line.find('='); eq != std::string::npos && eq > 0)
      entries.push_back({line.substr(0, eq), line.size() - eq - 1});
    line.clear();
  };
  for (std::uint8_t c : dict) {
    if (c == '\n' || c == '\r' || c == 0) flush();
    else line.push_back(static_cast<char>(c));
  }
  flush();
  return entries;
}

class CaptureDecoder {
 public:
  std::size_t decoded = 0;
  std::size_t junk = 0;
  std::size_t heads = 0;
  std::size_t fragments = 0;
  std::size_t reassembled = 0;
  std::set<CipherSuite> suites;
  std::set<Verb> verbs;

  explicit CaptureDecoder(const std::vector<Identity>& ids) {
    for (const Identity& a : ids) identities_[a.address()] = a;
    for (const Identity& a : ids) {
      for (const Identity& b : ids) {
        if (a == b) continue;
        auto k = a.agree(b);
        EXPECT_TRUE(k) << a.address().to_string() << " with " << b.address().to_string();
        if (k) keys_[{a.address(), b.address()}] = std::make_unique<PeerKey>(*k);
      }
    }
  }

  std::vector<std::string> run(const test::PcapCapture& capture) {
    std::vector<std::string> out;
    if (capture.datagrams.empty()) return out;
    const auto& first = capture.datagrams.front();
    const std::int64_t t0_us = first.seconds * 1000000 + first.nanoseconds / 1000;
    int number = 0;
    for (const test::UdpDatagram& d : capture.datagrams) {
      ++number;
      // Whole microseconds first, as the reference decoder rounds them.
      const double t =
          static_cast<double>(d.seconds * 1000000 + d.nanoseconds / 1000 - t0_us) / 1e6;
      const std::int64_t now_ms = d.seconds * 1000 + d.nanoseconds / 1000000;
      const std::string prefix = format("%-6s", ("#" + std::to_string(number)).c_str()) +
                                 format("t=%-10.4f", t) + endpoint(d.source) + " > " +
                                 endpoint(d.destination) + " " +
                                 format("udp=%-6zu", d.payload.size());
      datagram(d.payload, now_ms, prefix, out);
    }
    return out;
  }

 private:
  void datagram(const Bytes& udp, std::int64_t now, const std::string& prefix,
                std::vector<std::string>& out) {
    if (is_fragment(udp)) {
      ++fragments;
      auto f = FragmentHeader::parse(udp);
      EXPECT_TRUE(f && f->counts_are_sane());
      if (f) {
        out.push_back(prefix + format("FRAGMENT %u/%u of packet %s", unsigned{f->number},
                                      unsigned{f->total},
                                      reference_fragment_id(f->packet_id).c_str()));
      }
      if (auto whole = reassembler_.add_fragment(udp, now)) {
        ++reassembled;
        packet(*whole, prefix, true, out);
      }
      return;
    }
    if (udp.size() < kMinPacketLength) {
      ++junk;
      out.push_back(prefix + "short(" + std::to_string(udp.size()) + ")");
      return;
    }
    auto head = Packet::from_bytes(udp);
    if (head && head->fragmented()) {
      ++heads;
      out.push_back(prefix + "HEAD of fragmented packet " +
                    reference_fragment_id(head->packet_id()));
    }
    if (auto whole = reassembler_.add_head(udp, now)) {
      packet(*whole, prefix, head && head->fragmented(), out);
    }
  }

  void packet(Packet p, const std::string& prefix, bool reassembled,
              std::vector<std::string>& out) {
    const Address src = p.source(), dst = p.destination();
    std::string line = src.to_string() + " -> " + dst.to_string() + " hops=" +
                       std::to_string(p.hops()) + " cipher=" + cipher_name(p.cipher()) + " " +
                       (reassembled ? "[reassembled] " : "");
    auto key = keys_.find({src, dst});
    if (key == keys_.end()) {
      ADD_FAILURE() << "no key for " << line;
      out.push_back(prefix + line + "NO-KEY");
      return;
    }
    suites.insert(p.cipher());
    if (!dearmor(p.bytes(), *key->second)) {
      ADD_FAILURE() << "dearmor failed: " << prefix << line;
      out.push_back(prefix + line + "DEARMOR-FAILED");
      return;
    }
    const bool compressed = p.compressed();
    if (!decompress_payload(p)) {
      ADD_FAILURE() << "decompression failed: " << prefix << line;
      out.push_back(prefix + line + "LZ4-FAILED");
      return;
    }
    ++decoded;
    verbs.insert(p.verb());
    line += std::string("verb=") + verb_name(p.verb()) + (compressed ? "(lz4)" : "") +
            " plen=" + std::to_string(p.payload().size());
    std::vector<std::string> extra;
    const std::string fields = verb_fields(p, *key->second, extra);
    out.push_back(prefix + line + fields);
    out.insert(out.end(), extra.begin(), extra.end());
  }

  static std::string failed(const char* what) {
    ADD_FAILURE() << "codec rejected a " << what << " payload";
    return std::string(" PARSE-FAILED(") + what + ")";
  }

  std::string verb_fields(Packet& p, const PeerKey& key, std::vector<std::string>& extra) {
    const std::span<const std::uint8_t> payload = p.payload();
    switch (p.verb()) {
      case Verb::kHello: {
        auto offset = hello_crypt_field_offset(payload);
        if (!offset) return failed("HELLO");
        const std::size_t start = kPayloadOffset + *offset;
        EXPECT_TRUE(crypt_field(p.bytes(), key.bytes(), start, p.size() - start));
        auto h = parse_hello(p.payload());
        if (!h || !h->planet) return failed("HELLO");
        EXPECT_EQ(h->identity.address(), p.source());
        EXPECT_TRUE(h->moons.empty());
        return " protoVersion=" + std::to_string(h->protocol_version) +
               " version=" + version(h->version_major, h->version_minor, h->version_revision) +
               " ts=" + std::to_string(h->timestamp) +
               " helloDest=" + h->physical_destination.to_string() +
               " worldId=" + std::to_string(h->planet->id) +
               " worldTs=" + std::to_string(h->planet->timestamp);
      }
      case Verb::kOk: return ok_fields(payload, extra);
      case Verb::kError: {
        auto e = parse_error(payload);
        if (!e) return failed("ERROR");
        EXPECT_EQ(e->network_id.value_or(0), kNetworkId);
        return in_re(e->in_re_verb, e->in_re_packet_id) + format(" errorCode=0x%02x", e->code);
      }
      case Verb::kWhois: {
        auto w = parse_whois(payload);
        if (!w) return failed("WHOIS");
        std::string s = " whois=";
        for (std::size_t i = 0; i < w->addresses.size(); ++i)
          s += (i ? "," : "") + w->addresses[i].to_string();
        return s;
      }
      case Verb::kRendezvous: {
        auto rv = parse_rendezvous(payload);
        if (!rv) return failed("RENDEZVOUS");
        return " with=" + rv->with.to_string() + " port=" + std::to_string(rv->at.port()) +
               " addrLen=" + std::to_string(rv->at.ip_length());
      }
      case Verb::kFrame: {
        auto f = parse_frame(payload);
        if (!f) return failed("FRAME");
        return " nwid=" + to_hex_u64(f->network_id) + format(" ethertype=0x%04x", f->ethertype);
      }
      case Verb::kMulticastLike: {
        auto like = parse_multicast_like(payload);
        if (!like || like->subscriptions.empty()) return failed("MULTICAST_LIKE");
        for (const auto& s : like->subscriptions) EXPECT_EQ(s.network_id, kNetworkId);
        return "";
      }
      case Verb::kNetworkConfigRequest: {
        auto req = parse_network_config_request(payload);
        if (!req) return failed("NETWORK_CONFIG_REQUEST");
        auto meta = DictionaryReader::parse(req->metadata, kRequestMetadataDictCapacity);
        EXPECT_TRUE(meta && meta->get_u64("v") >= 6);
        return " nwid=" + to_hex_u64(req->network_id);
      }
      case Verb::kNetworkConfig: {
        auto chunk = parse_config_chunk(payload);
        if (!chunk) return failed("NETWORK_CONFIG");
        return " nwid=" + to_hex_u64(chunk->network_id) + config_chunk(*chunk, extra);
      }
      case Verb::kMulticastGather: {
        auto g = parse_multicast_gather(payload);
        if (!g) return failed("MULTICAST_GATHER");
        return " nwid=" + to_hex_u64(g->network_id);
      }
      case Verb::kMulticastFrame: {
        auto f = parse_multicast_frame(payload);
        if (!f) return failed("MULTICAST_FRAME");
        return " nwid=" + to_hex_u64(f->network_id);
      }
      case Verb::kNetworkCredentials: {
        // The COMs up front must be skippable; the 0x00 that ends them follows.
        ByteReader r(payload);
        std::size_t coms = 0;
        while (r.ok() && !r.at_end() && payload[r.position()] == kComFormat) {
          read_attached_com(r);
          ++coms;
        }
        if (!r.ok() || coms == 0 || r.u8() != 0) return failed("NETWORK_CREDENTIALS");
        return "";
      }
      case Verb::kPushDirectPaths: {
        auto push = parse_push_direct_paths(payload);
        if (!push || push->paths.empty()) return failed("PUSH_DIRECT_PATHS");
        return "";
      }
      default:
        return "";
    }
  }

  static std::string in_re(Verb verb, std::uint64_t packet_id) {
    return std::string(" inReVerb=") + verb_name(verb) + " inRePacketId=" + to_hex_u64(packet_id);
  }

  std::string ok_fields(std::span<const std::uint8_t> payload, std::vector<std::string>& extra) {
    auto ok = parse_ok(payload);
    if (!ok) return failed("OK");
    const std::string head = in_re(ok->in_re_verb, ok->in_re_packet_id);
    switch (ok->in_re_verb) {
      case Verb::kHello: {
        auto h = parse_ok_hello(ok->body);
        if (!h) return failed("OK(HELLO)");
        EXPECT_TRUE(h->world_updates.empty());
        return head + " ts=" + std::to_string(h->timestamp) +
               " protoVersion=" + std::to_string(h->protocol_version) +
               " version=" + version(h->version_major, h->version_minor, h->version_revision) +
               " echoedSenderPhysAddr=" + h->physical_source.to_string();
      }
      case Verb::kWhois: {
        auto w = parse_ok_whois(ok->body);
        if (!w) return failed("OK(WHOIS)");
        return head + " identity=" + w->identity.address().to_string();
      }
      case Verb::kNetworkConfigRequest: {
        auto chunk = parse_config_chunk(ok->body);
        if (!chunk) return failed("OK(NETWORK_CONFIG_REQUEST)");
        return head + " nwid=" + to_hex_u64(chunk->network_id) + config_chunk(*chunk, extra);
      }
      case Verb::kEcho: {
        // An echo's payload is ours to choose; but 1.14.1 also acknowledges
        // NETWORK_CONFIG with an OK "in re ECHO" (16 bytes).
        if (ok->body.size() != 16) return head;
        auto ack = parse_network_config_ack(ok->body);
        if (!ack) return failed("OK(ECHO)");
        EXPECT_EQ(ack->network_id, kNetworkId);
        return head;
      }
      case Verb::kMulticastGather: {
        auto g = parse_ok_multicast_gather(ok->body);
        if (!g || g->result.members.empty()) return failed("OK(MULTICAST_GATHER)");
        return head;
      }
      case Verb::kMulticastFrame: {
        auto f = parse_ok_multicast_frame(ok->body);
        if (!f || f->result.members.empty()) return failed("OK(MULTICAST_FRAME)");
        return head;
      }
      default:
        return head;
    }
  }

  // The chunk's summary line and, once a whole dictionary is in one chunk,
  // its entries. Also checks the controller's signature over the chunk.
  std::string config_chunk(const ConfigChunk& c, std::vector<std::string>& extra) {
    EXPECT_TRUE(c.is_signed);
    EXPECT_EQ(c.signature_type, kConfigSignatureTypeC25519);
    const Identity& controller = identity_of(Address(c.network_id >> 24));
    EXPECT_TRUE(controller.verify(c.signed_portion.data(), c.signed_portion.size(),
                                  c.signature.data(), c.signature.size()));
    extra.push_back(format("      config chunk nwid=%s bytes %u..%zu of %u:",
                           to_hex_u64(c.network_id).c_str(), c.chunk_index,
                           c.chunk_index + c.data.size(), c.total_length));
    if (c.chunk_index != 0 || c.data.size() != c.total_length) return "";
    auto dict = DictionaryReader::parse(c.data, kNetworkConfigDictCapacity);
    if (!dict) return failed("config dictionary");
    for (const RawEntry& e : raw_entries(c.data)) {
      extra.push_back(format("        %-5s = ", e.key.c_str()) +
                      render_value(dict->get(e.key).value_or(Bytes{}), e.escaped_length));
    }
    return "";
  }

  const Identity& identity_of(Address a) {
    static const Identity none;
    auto it = identities_.find(a);
    EXPECT_NE(it, identities_.end()) << a.to_string();
    return it == identities_.end() ? none : it->second;
  }

  std::map<Address, Identity> identities_;
  std::map<std::pair<Address, Address>, std::unique_ptr<PeerKey>> keys_;
  Reassembler reassembler_;
};

Identity load_identity(const std::string& name) {
  std::string text = read_text(test::protocol_path("capture/" + name));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  std::string error;
  auto id = Identity::from_string(text, &error);
  EXPECT_TRUE(id && id->has_private()) << name << ": " << error;
  return id.value_or(Identity());
}

TEST(Capture, JoinDecodesExactlyAsUpstreamDescribesIt) {
  const std::vector<Identity> ids = {load_identity("root.identity.secret"),
                                     load_identity("a.identity.secret"),
                                     load_identity("b.identity.secret")};
  std::string error;
  auto capture = test::read_pcap(test::read_file(test::protocol_path("capture/join.pcap")), &error);
  ASSERT_TRUE(capture) << error;
  EXPECT_EQ(capture->link_type, test::kLinkTypeEthernet);
  EXPECT_EQ(capture->skipped, 0u);
  ASSERT_EQ(capture->datagrams.size(), kExpectedDatagrams);

  CaptureDecoder decoder(ids);
  const std::vector<std::string> got = decoder.run(*capture);
  const std::vector<std::string> want =
      split_lines(read_text(test::protocol_path("capture/join-decoded.txt")));
  ASSERT_FALSE(want.empty());

  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < std::max(got.size(), want.size()); ++i) {
    const std::string g = i < got.size() ? got[i] : "<missing>";
    const std::string w = i < want.size() ? want[i] : "<missing>";
    if (g == w) continue;
    if (++mismatches <= 10)
      ADD_FAILURE() << "line " << i + 1 << "\n  want: " << w << "\n  got:  " << g;
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_EQ(got.size(), want.size());

  EXPECT_EQ(decoder.decoded, kExpectedDecoded);
  EXPECT_EQ(decoder.reassembled, kExpectedFragmented);
  EXPECT_EQ(decoder.heads, kExpectedFragmented);
  EXPECT_EQ(decoder.fragments, kExpectedFragmented);
  EXPECT_EQ(decoder.junk, kExpectedJunk);
  const std::set<CipherSuite> all_suites = {CipherSuite::kPoly1305None,
                                            CipherSuite::kPoly1305Salsa2012,
                                            CipherSuite::kAesGmacSiv};
  EXPECT_EQ(decoder.suites, all_suites);
  EXPECT_EQ(decoder.verbs.size(), 14u);
}

}  // namespace
}  // namespace zt

// Armor/dearmor per cipher suite and identity work, each beside the same
// primitives called straight through libsodium/OpenSSL, printed as ratios.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <cstring>
#include <vector>

#include "proto/identity.hpp"
#include "proto/packet.hpp"
#include "proto/packet_armor.hpp"
#include "proto/peer_key.hpp"
#include "ratio_reporter.hpp"

namespace {

using zt::CipherSuite;

const zt::PeerKey& test_key() {
  static const zt::PeerKey key([] {
    zt::SymmetricKey k;
    for (std::size_t i = 0; i < k.size(); ++i) k[i] = static_cast<std::uint8_t>(i * 13 + 7);
    return k;
  }());
  return key;
}

// A packet with a 28-byte header and `payload` bytes after the verb.
std::vector<std::uint8_t> make_packet(std::size_t payload) {
  std::vector<std::uint8_t> p(28 + payload, 0xa5);
  for (int i = 0; i < 8; ++i) p[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(i + 1);
  const std::uint8_t dest[5] = {0x10, 0xa3, 0x7c, 0x90, 0xdf}, src[5] = {0xea, 0xde, 0xdf, 0x2c, 0x91};
  std::memcpy(p.data() + 8, dest, 5);
  std::memcpy(p.data() + 13, src, 5);
  p[18] = 0;
  p[27] = 0x06;  // FRAME
  return p;
}

void BM_Armor(benchmark::State& state, CipherSuite suite) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto original = make_packet(size);
  auto p = original;
  for (auto _ : state) {
    std::memcpy(p.data(), original.data(), 28);
    zt::armor(p, test_key(), suite);
    benchmark::DoNotOptimize(p.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void BM_Dearmor(benchmark::State& state, CipherSuite suite) {
  const auto size = static_cast<std::size_t>(state.range(0));
  auto armored = make_packet(size);
  zt::armor(armored, test_key(), suite);
  auto p = armored;
  for (auto _ : state) {
    std::memcpy(p.data(), armored.data(), armored.size());
    if (!zt::dearmor(p, test_key())) state.SkipWithError("dearmor failed");
    benchmark::DoNotOptimize(p.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// The library work suites 0 and 1 need: a Salsa20/12 keystream (Poly1305
// key, plus the payload for suite 1) and a Poly1305 tag.
void BM_DirectSalsaPoly(benchmark::State& state, bool encrypt) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> buf(64 + size, 0xa5), out(64 + size);
  const std::uint8_t key[32] = {1}, nonce[8] = {2};
  std::uint8_t tag[16];
  for (auto _ : state) {
    if (encrypt) {
      std::memset(buf.data(), 0, 64);
      crypto_stream_salsa2012_xor(out.data(), buf.data(), buf.size(), nonce, key);
    } else {
      crypto_stream_salsa2012(out.data(), 32, nonce, key);
    }
    crypto_onetimeauth_poly1305(tag, buf.data() + 64, size, out.data());
    benchmark::DoNotOptimize(tag);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// The library work suite 3 needs: GMAC over AAD+payload, one AES block,
// AES-CTR over the payload.
void BM_DirectAesGmacSiv(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> buf(size, 0xa5);
  const std::uint8_t k0[32] = {1}, k1[32] = {2};
  std::uint8_t iv[16] = {3}, aad[16] = {4}, block[16] = {5}, tag[16];
  EVP_CIPHER_CTX* gcm = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* ecb = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* ctr = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(gcm, EVP_aes_256_gcm(), nullptr, k0, nullptr);
  EVP_EncryptInit_ex(ecb, EVP_aes_256_ecb(), nullptr, k1, nullptr);
  EVP_CIPHER_CTX_set_padding(ecb, 0);
  EVP_EncryptInit_ex(ctr, EVP_aes_256_ctr(), nullptr, k1, nullptr);
  int n = 0;
  for (auto _ : state) {
    EVP_EncryptInit_ex(gcm, nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(gcm, nullptr, &n, aad, 16);
    EVP_EncryptUpdate(gcm, nullptr, &n, buf.data(), static_cast<int>(size));
    EVP_EncryptFinal_ex(gcm, tag, &n);
    EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_GET_TAG, 16, tag);
    EVP_EncryptUpdate(ecb, block, &n, tag, 16);
    EVP_EncryptInit_ex(ctr, nullptr, nullptr, nullptr, block);
    EVP_EncryptUpdate(ctr, buf.data(), &n, buf.data(), static_cast<int>(size));
    benchmark::DoNotOptimize(buf.data());
  }
  EVP_CIPHER_CTX_free(gcm);
  EVP_CIPHER_CTX_free(ecb);
  EVP_CIPHER_CTX_free(ctr);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void BM_IdentityGenerate(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(zt::Identity::generate());
}

void BM_IdentityValidate(benchmark::State& state) {
  const zt::Identity id = zt::Identity::generate();
  for (auto _ : state)
    if (!id.locally_validate()) state.SkipWithError("invalid");
}

// One Salsa20/20 pass over 10 MiB: the bulk of the memory-hard hash's work.
void BM_DirectSalsa20Stream10MiB(benchmark::State& state) {
  std::vector<std::uint8_t> buf(10 * 1024 * 1024);
  const std::uint8_t key[32] = {1}, nonce[8] = {2};
  for (auto _ : state) {
    crypto_stream_salsa20(buf.data(), buf.size(), nonce, key);
    benchmark::DoNotOptimize(buf.data());
  }
}

void register_all() {
  const struct {
    const char* name;
    CipherSuite suite;
  } suites[] = {{"poly1305", CipherSuite::kPoly1305None},
                {"salsa2012_poly1305", CipherSuite::kPoly1305Salsa2012},
                {"aes_gmac_siv", CipherSuite::kAesGmacSiv}};
  for (const auto& s : suites) {
    benchmark::RegisterBenchmark((std::string("armor/") + s.name).c_str(), BM_Armor, s.suite)
        ->Arg(64)->Arg(1400)->Arg(2800);
    benchmark::RegisterBenchmark((std::string("dearmor/") + s.name).c_str(), BM_Dearmor, s.suite)
        ->Arg(64)->Arg(1400)->Arg(2800);
  }
  benchmark::RegisterBenchmark("direct/poly1305", BM_DirectSalsaPoly, false)->Arg(64)->Arg(1400)->Arg(2800);
  benchmark::RegisterBenchmark("direct/salsa2012_poly1305", BM_DirectSalsaPoly, true)->Arg(64)->Arg(1400)->Arg(2800);
  benchmark::RegisterBenchmark("direct/aes_gmac_siv", BM_DirectAesGmacSiv)->Arg(64)->Arg(1400)->Arg(2800);
  benchmark::RegisterBenchmark("identity/generate", BM_IdentityGenerate)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("identity/validate", BM_IdentityValidate)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("direct/salsa20_stream_10MiB", BM_DirectSalsa20Stream10MiB)->Unit(benchmark::kMillisecond);
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  zt::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const char* suite : {"poly1305", "salsa2012_poly1305", "aes_gmac_siv"})
    for (const char* size : {"64", "1400", "2800"})
      for (const char* op : {"armor", "dearmor"})
        pairs.emplace_back(std::string(op) + "/" + suite + "/" + size,
                           std::string("direct/") + suite + "/" + size);
  pairs.emplace_back("identity/validate", "direct/salsa20_stream_10MiB");
  reporter.print_ratios(pairs);
  benchmark::Shutdown();
  return 0;
}

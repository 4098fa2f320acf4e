// `ztsdk id ...`: identity tools with zerotier-idtool's semantics.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/command_support.hpp"
#include "cli/commands.hpp"
#include "crypto/c25519.hpp"

namespace zt::cli {
namespace {

// Signing reads the whole file into memory; this bounds that.
constexpr std::size_t kMaxSignedFileSize = 256u << 20;

struct IdArgs {
  std::string secret_path;
  std::string public_path;
  std::string identity;
  std::string file;
  std::string signature_hex;
};

void generate(const IdArgs& a) {
  const Identity id = Identity::generate();
  if (a.secret_path.empty()) {
    std::printf("%s\n", id.to_string(true).c_str());
    return;
  }
  write_file_or_fail(a.secret_path, id.to_string(true), true);
  std::printf("%s written\n", a.secret_path.c_str());
  if (!a.public_path.empty()) {
    write_file_or_fail(a.public_path, id.to_string(false), false);
    std::printf("%s written\n", a.public_path.c_str());
  }
}

void validate(const IdArgs& a) {
  const Identity id = load_identity(a.identity, false);
  if (!id.locally_validate())
    fail(
        "identity " + id.address().to_string() +
        " is invalid: its public key does not hash to its address with the required proof of work");
  if (id.has_private() && crypto::c25519_public_from_private(id.private_key()) != id.public_key())
    fail("identity " + id.address().to_string() +
         " is invalid: its private key does not match its public key");
  std::printf("valid\n");
}

void print_public(const IdArgs& a) {
  std::printf("%s\n", load_identity(a.identity, false).to_string(false).c_str());
}

void sign(const IdArgs& a) {
  const Identity id = load_identity(a.identity, true);
  const Bytes data = read_file_or_fail(a.file, kMaxSignedFileSize);
  const crypto::C25519Signature sig = id.sign(data.data(), data.size());
  std::printf("%s\n", to_hex(sig).c_str());
}

void verify(const IdArgs& a) {
  const Identity id = load_identity(a.identity, false);
  const Bytes data = read_file_or_fail(a.file, kMaxSignedFileSize);
  crypto::C25519Signature sig{};
  if (!from_hex_exact(trim(a.signature_hex), sig))
    fail("signature must be " + std::to_string(sig.size() * 2) + " hex digits");
  if (!id.verify(data.data(), data.size(), sig.data(), sig.size())) fail("signature invalid");
  std::printf("signature valid\n");
}

}  // namespace

void register_id_commands(CLI::App& app) {
  auto args = std::make_shared<IdArgs>();
  CLI::App* id = app.add_subcommand("id", "Create, check and use node identities");
  id->require_subcommand(1);

  CLI::App* gen = id->add_subcommand(
      "generate", "Create a new identity; print it, or write SECRET_FILE (0600) and PUBLIC_FILE");
  gen->add_option("SECRET_FILE", args->secret_path, "Where to write the secret identity");
  gen->add_option("PUBLIC_FILE", args->public_path, "Where to write the public identity");
  gen->callback([args] { generate(*args); });

  const char* kIdentityHelp = "An identity string, or a file holding one";
  CLI::App* val = id->add_subcommand(
      "validate", "Check an identity's proof of work; prints \"valid\" or fails with the reason");
  val->add_option("IDENTITY", args->identity, kIdentityHelp)->required();
  val->callback([args] { validate(*args); });

  CLI::App* pub = id->add_subcommand("public", "Print the public form of an identity");
  pub->add_option("IDENTITY", args->identity, kIdentityHelp)->required();
  pub->callback([args] { print_public(*args); });

  CLI::App* sig = id->add_subcommand("sign", "Print the 96-byte signature of FILE in hex");
  sig->add_option("SECRET", args->identity, "A secret identity string, or a file holding one")
      ->required();
  sig->add_option("FILE", args->file, "The file to sign")->required();
  sig->callback([args] { sign(*args); });

  CLI::App* ver =
      id->add_subcommand("verify", "Check a signature of FILE; exits 0 only when it is valid");
  ver->add_option("PUBLIC", args->identity, kIdentityHelp)->required();
  ver->add_option("FILE", args->file, "The signed file")->required();
  ver->add_option("SIGNATURE_HEX", args->signature_hex, "192 hex digits")->required();
  ver->callback([args] { verify(*args); });
}

}  // namespace zt::cli

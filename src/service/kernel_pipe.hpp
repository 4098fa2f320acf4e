#pragma once
// Two kernel stream sockets joined both ways: what SOCKS5 pass-through
// connections (to addresses outside the virtual networks) ride on. Each
// direction reads only while its buffer has room and writes what it holds,
// so neither side can make the other queue without bound; an end-of-file
// passes on as shutdown(SHUT_WR), and the pipe ends when both directions
// have, or on an error. Poller thread only.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "io/poller.hpp"

namespace zt::service {

class KernelPipe : public std::enable_shared_from_this<KernelPipe> {
 public:
  // Takes both fds (made nonblocking) and starts. It keeps itself alive
  // until both directions are done, then closes the fds.
  static void start(io::Poller& poller, int a, int b);
  ~KernelPipe();

 private:
  struct Direction {
    int from = -1;
    int to = -1;
    std::vector<std::uint8_t> buffer;
    std::size_t begin = 0;
    std::size_t end = 0;
    bool eof = false;     // `from` will send no more
    bool done = false;    // ... and everything was written and passed on
  };
  KernelPipe(io::Poller& poller, int a, int b);
  void on_events(int fd);
  void pump(Direction& d);
  void update();
  void finish();

  io::Poller& poller_;
  int a_;
  int b_;
  std::uint64_t token_a_ = 0;
  std::uint64_t token_b_ = 0;
  Direction a_to_b_;
  Direction b_to_a_;
  std::uint32_t events_a_ = 0;
  std::uint32_t events_b_ = 0;
  bool finished_ = false;
  std::shared_ptr<KernelPipe> self_;
};

}  // namespace zt::service

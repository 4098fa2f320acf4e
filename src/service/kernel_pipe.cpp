#include "service/kernel_pipe.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace zt::service {
namespace {

constexpr std::size_t kBuffer = 256 * 1024;

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

void KernelPipe::start(io::Poller& poller, int a, int b) {
  set_nonblocking(a);
  set_nonblocking(b);
  std::shared_ptr<KernelPipe> pipe(new KernelPipe(poller, a, b));
  pipe->self_ = pipe;
  std::weak_ptr<KernelPipe> weak = pipe;
  pipe->token_a_ = poller.add(a, 0, [weak, a](std::uint32_t) {
    if (auto p = weak.lock()) p->on_events(a);
  });
  pipe->token_b_ = poller.add(b, 0, [weak, b](std::uint32_t) {
    if (auto p = weak.lock()) p->on_events(b);
  });
  pipe->pump(pipe->a_to_b_);
  pipe->pump(pipe->b_to_a_);
  pipe->update();
}

KernelPipe::KernelPipe(io::Poller& poller, int a, int b) : poller_(poller), a_(a), b_(b) {
  a_to_b_.from = a;
  a_to_b_.to = b;
  b_to_a_.from = b;
  b_to_a_.to = a;
  a_to_b_.buffer.resize(kBuffer);
  b_to_a_.buffer.resize(kBuffer);
}

KernelPipe::~KernelPipe() = default;

void KernelPipe::on_events(int) {
  if (finished_) return;
  pump(a_to_b_);
  pump(b_to_a_);
  update();
}

void KernelPipe::pump(Direction& d) {
  for (;;) {
    if (d.begin < d.end) {
      const ssize_t n = send(d.to, d.buffer.data() + d.begin, d.end - d.begin, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        d.eof = d.done = true;  // the far side is gone
        return;
      }
      d.begin += static_cast<std::size_t>(n);
      if (d.begin < d.end) return;
      d.begin = d.end = 0;
    }
    if (d.eof) {
      if (!d.done) shutdown(d.to, SHUT_WR);
      d.done = true;
      return;
    }
    const ssize_t n = recv(d.from, d.buffer.data(), d.buffer.size(), MSG_DONTWAIT);
    if (n > 0) {
      d.end = static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    d.eof = true;  // end of file, or an error: nothing more from this side
  }
}

void KernelPipe::update() {
  if (a_to_b_.done && b_to_a_.done) return finish();
  // Read where there is room, write where there is data.
  auto interest = [](const Direction& reading, const Direction& writing) {
    std::uint32_t e = 0;
    if (!reading.eof && reading.begin == reading.end) e |= EPOLLIN;
    if (writing.begin < writing.end) e |= EPOLLOUT;
    return e;
  };
  const std::uint32_t ea = interest(a_to_b_, b_to_a_);
  const std::uint32_t eb = interest(b_to_a_, a_to_b_);
  if (ea != events_a_) poller_.modify(a_, token_a_, events_a_ = ea);
  if (eb != events_b_) poller_.modify(b_, token_b_, events_b_ = eb);
}

void KernelPipe::finish() {
  if (finished_) return;
  finished_ = true;
  poller_.remove(a_, token_a_);
  poller_.remove(b_, token_b_);
  ::close(a_);
  ::close(b_);
  poller_.post([self = std::move(self_)] {});
}

}  // namespace zt::service

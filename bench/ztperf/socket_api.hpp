#pragma once
// The calls ztperf's measurements make, over the zts_bsd_* sockets of this
// process's virtual network or over the kernel's sockets, so that both run
// exactly the same code. IPv4 TCP only.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace ztperf {

class SocketApi {
 public:
  virtual ~SocketApi() = default;
  virtual const char* name() const = 0;
  // A listening socket on ip:port (port 0: any; *bound gets the port). -1 on failure.
  virtual int listen_on(const std::string& ip, std::uint16_t port, std::uint16_t* bound) = 0;
  virtual int accept_one(int listener) = 0;
  // A blocking connection to ip:port, or -1.
  virtual int connect_to(const std::string& ip, std::uint16_t port) = 0;
  virtual ssize_t send_some(int fd, const void* data, std::size_t len) = 0;
  virtual ssize_t recv_some(int fd, void* data, std::size_t len) = 0;
  virtual int shutdown_write(int fd) = 0;
  virtual int close_fd(int fd) = 0;
  virtual void set_no_delay(int fd) = 0;
  // errno or zts_errno of the last failed call on this thread.
  virtual int last_error() const = 0;

  bool send_all(int fd, const void* data, std::size_t len);
  bool recv_all(int fd, void* data, std::size_t len);
};

SocketApi& zts_api();
SocketApi& kernel_api();

}  // namespace ztperf

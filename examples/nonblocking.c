/*
 * nonblocking: a TCP client that never blocks in a socket call. It
 * connects without waiting (ZTS_EINPROGRESS), learns from zts_bsd_poll
 * when the connection is up (POLLOUT, then SO_ERROR for the outcome), and
 * sends and receives as poll says it can. Talks to tcp_server.
 *
 *   nonblocking STORAGE NETWORK_ID SERVER_IP PORT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ZeroTierSockets.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s STORAGE NETWORK_ID SERVER_IP PORT\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  const char* server = argv[3];
  unsigned short port = (unsigned short)atoi(argv[4]);
  int family = zts_util_get_ip_family(server);
  if (family < 0) {
    fprintf(stderr, "not an IP address: %s\n", server);
    return 2;
  }

  zts_init_from_storage(argv[1]);
  if (zts_node_start() != ZTS_ERR_OK || zts_net_join(net_id) != ZTS_ERR_OK ||
      zts_net_wait_ready(net_id, family, 60000) != ZTS_ERR_OK) {
    fprintf(stderr, "the node did not get onto the network (is it authorized?)\n");
    return 1;
  }
  printf("node %010llx is on network %016llx\n", (unsigned long long)zts_node_get_id(),
         (unsigned long long)net_id);

  int fd = zts_bsd_socket(family, ZTS_SOCK_STREAM, 0);
  zts_bsd_fcntl(fd, ZTS_F_SETFL, ZTS_O_NONBLOCK);
  struct zts_sockaddr_storage addr;
  zts_socklen_t addr_len = sizeof addr;
  zts_util_ipstr_to_saddr(server, port, (struct zts_sockaddr*)&addr, &addr_len);
  if (zts_bsd_connect(fd, (struct zts_sockaddr*)&addr, addr_len) == 0) {
    printf("connected at once\n");
  } else if (zts_errno == ZTS_EINPROGRESS) {
    printf("connect: in progress; waiting for POLLOUT\n");
    struct zts_pollfd p = {fd, ZTS_POLLOUT, 0};
    if (zts_bsd_poll(&p, 1, 10000) != 1) {
      fprintf(stderr, "no connection within 10 s\n");
      return 1;
    }
    int error = 0;
    zts_socklen_t len = sizeof error;
    zts_bsd_getsockopt(fd, ZTS_SOL_SOCKET, ZTS_SO_ERROR, &error, &len);
    if (error != 0) {
      fprintf(stderr, "connect failed: zts_errno %d\n", error);
      return 1;
    }
    printf("connected (SO_ERROR 0)\n");
  } else {
    fprintf(stderr, "connect failed: zts_errno %d\n", zts_errno);
    return 1;
  }

  /* Send everything, then read the echo back, each when poll says so. */
  const char* message = "nonblocking hello";
  size_t len = strlen(message), sent = 0, got = 0;
  char reply[256];
  while (got < len) {
    struct zts_pollfd p = {fd, (short)(ZTS_POLLIN | (sent < len ? ZTS_POLLOUT : 0)), 0};
    if (zts_bsd_poll(&p, 1, 5000) <= 0) {
      fprintf(stderr, "poll: timed out\n");
      return 1;
    }
    if ((p.revents & ZTS_POLLOUT) && sent < len) {
      ssize_t n = zts_bsd_send(fd, message + sent, len - sent, 0);
      if (n > 0) printf("sent %zd bytes\n", n), sent += (size_t)n;
    }
    if (p.revents & (ZTS_POLLIN | ZTS_POLLHUP)) {
      ssize_t n = zts_bsd_recv(fd, reply + got, sizeof reply - 1 - got, 0);
      if (n == 0) break;
      if (n > 0)
        printf("received %zd bytes\n", n), got += (size_t)n;
      else if (zts_errno != ZTS_EAGAIN)
        break;
    }
  }
  reply[got] = '\0';
  printf("echo: \"%s\"\n", reply);
  zts_bsd_close(fd);
  zts_node_stop();
  zts_node_free();
  return got == len && memcmp(reply, message, len) == 0 ? 0 : 1;
}

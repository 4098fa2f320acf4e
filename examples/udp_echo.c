/*
 * udp_echo: a UDP echo server, or a client that sends it datagrams and
 * times the replies.
 *
 *   udp_echo STORAGE NETWORK_ID server PORT
 *   udp_echo STORAGE NETWORK_ID client SERVER_IP PORT [COUNT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ZeroTierSockets.h"

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int start_and_join(const char* storage, uint64_t net_id, int family) {
  zts_init_from_storage(storage);
  if (zts_node_start() != ZTS_ERR_OK || zts_net_join(net_id) != ZTS_ERR_OK) return -1;
  printf("node %010llx joining %016llx\n", (unsigned long long)zts_node_get_id(),
         (unsigned long long)net_id);
  if (zts_net_wait_ready(net_id, family, 60000) != ZTS_ERR_OK) return -1;
  char ip[ZTS_IP_MAX_STR_LEN] = "";
  zts_addr_get_str(net_id, family == ZTS_AF_INET6 ? ZTS_AF_INET6 : ZTS_AF_INET, ip, sizeof ip);
  printf("ready: address %s\n", ip);
  return 0;
}

static int serve(unsigned short port) {
  int fd = zts_udp_server("::", port); /* IPv4 and IPv6 */
  if (fd < 0) {
    fprintf(stderr, "cannot bind UDP port %u (zts_errno %d)\n", port, zts_errno);
    return 1;
  }
  printf("echoing UDP on port %u\n", port);
  for (;;) {
    char buf[2048];
    struct zts_sockaddr_storage from;
    zts_socklen_t from_len = sizeof from;
    ssize_t n = zts_bsd_recvfrom(fd, buf, sizeof buf, 0, (struct zts_sockaddr*)&from, &from_len);
    if (n < 0) break;
    char ip[ZTS_IP_MAX_STR_LEN];
    unsigned short from_port = 0;
    zts_util_ntop((struct zts_sockaddr*)&from, from_len, ip, sizeof ip, &from_port);
    printf("%zd bytes from %s port %u\n", n, ip, from_port);
    zts_bsd_sendto(fd, buf, (size_t)n, 0, (struct zts_sockaddr*)&from, from_len);
  }
  return 0;
}

static int client(const char* server, unsigned short port, int count) {
  struct zts_sockaddr_storage to;
  zts_socklen_t to_len = sizeof to;
  zts_util_ipstr_to_saddr(server, port, (struct zts_sockaddr*)&to, &to_len);
  int fd = zts_udp_client(server);
  if (fd < 0) return 1;
  zts_set_recv_timeout(fd, 1, 0); /* a lost datagram is not waited for long */
  int answered = 0;
  for (int i = 0; i < count; ++i) {
    char msg[64], reply[64];
    int len = snprintf(msg, sizeof msg, "datagram %d", i);
    double sent = now_ms();
    zts_bsd_sendto(fd, msg, (size_t)len, 0, (struct zts_sockaddr*)&to, to_len);
    ssize_t n = zts_bsd_recv(fd, reply, sizeof reply - 1, 0);
    if (n < 0) {
      printf("%s: no reply\n", msg);
      continue;
    }
    reply[n] = '\0';
    printf("%s: reply \"%s\" in %.3f ms\n", msg, reply, now_ms() - sent);
    answered += n == len && memcmp(reply, msg, (size_t)len) == 0;
  }
  zts_close(fd);
  printf("%d of %d datagrams echoed\n", answered, count);
  return answered == count ? 0 : 1;
}

int main(int argc, char** argv) {
  int is_server = argc == 5 && strcmp(argv[3], "server") == 0;
  int is_client = argc >= 6 && strcmp(argv[3], "client") == 0;
  if (!is_server && !is_client) {
    fprintf(stderr,
            "usage: %s STORAGE NETWORK_ID server PORT\n"
            "       %s STORAGE NETWORK_ID client SERVER_IP PORT [COUNT]\n",
            argv[0], argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  int family = is_client ? zts_util_get_ip_family(argv[4]) : ZTS_AF_UNSPEC;
  if (family < 0) {
    fprintf(stderr, "not an IP address: %s\n", argv[4]);
    return 2;
  }
  if (start_and_join(argv[1], net_id, family) != 0) {
    fprintf(stderr, "the node did not get onto the network (is it authorized?)\n");
    return 1;
  }
  int rc = is_server ? serve((unsigned short)atoi(argv[4]))
                     : client(argv[4], (unsigned short)atoi(argv[5]), argc > 6 ? atoi(argv[6]) : 5);
  zts_node_stop();
  zts_node_free();
  return rc;
}

/*
 * tcp_client: joins a network, connects to a TCP server on it, sends a
 * message and prints the reply (tcp_server echoes it).
 *
 *   tcp_client STORAGE NETWORK_ID SERVER_IP PORT [MESSAGE]
 *
 * SERVER_IP is the server's address on the network, IPv4 or IPv6.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ZeroTierSockets.h"

static double ms_since(const struct timespec* t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void on_event(void* arg) {
  zts_event_msg_t* msg = (zts_event_msg_t*)arg;
  switch (msg->event_code) {
    case ZTS_EVENT_NODE_ONLINE:
      printf("[event] node %010llx is online\n", (unsigned long long)msg->node->node_id);
      break;
    case ZTS_EVENT_NETWORK_ACCESS_DENIED:
      printf("[event] not authorized (yet) on the network\n");
      break;
    case ZTS_EVENT_NETWORK_OK:
      printf("[event] network config OK: \"%s\"\n", msg->network->name);
      break;
    case ZTS_EVENT_NETWORK_READY_IP4:
      printf("[event] network ready for IPv4\n");
      break;
    case ZTS_EVENT_NETWORK_READY_IP6:
      printf("[event] network ready for IPv6\n");
      break;
    default:
      break;
  }
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s STORAGE NETWORK_ID SERVER_IP PORT [MESSAGE]\n", argv[0]);
    return 2;
  }
  const char* storage = argv[1];
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  const char* server = argv[3];
  unsigned short port = (unsigned short)atoi(argv[4]);
  const char* message = argc > 5 ? argv[5] : "hello over ZeroTier";
  int family = zts_util_get_ip_family(server);
  if (family < 0) {
    fprintf(stderr, "not an IP address: %s\n", server);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);

  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  zts_init_from_storage(storage);
  zts_init_set_event_handler(on_event);
  if (zts_node_start() != ZTS_ERR_OK || zts_net_join(net_id) != ZTS_ERR_OK) {
    fprintf(stderr, "cannot start the node or join the network\n");
    return 1;
  }
  printf("node %010llx joining %016llx\n", (unsigned long long)zts_node_get_id(),
         (unsigned long long)net_id);
  /* An address of the server's family on our side (a ztsdk extension). */
  if (zts_net_wait_ready(net_id, family, 60000) != ZTS_ERR_OK) {
    fprintf(stderr, "the network did not become ready (is this node authorized?)\n");
    return 1;
  }
  char ip[ZTS_IP_MAX_STR_LEN] = "";
  zts_addr_get_str(net_id, (unsigned)family, ip, sizeof ip);
  printf("ready after %.0f ms: address %s\n", ms_since(&t0), ip);

  int fd = zts_socket(family, ZTS_SOCK_STREAM, 0);
  if (fd < 0 || zts_connect(fd, server, port, 10000) != ZTS_ERR_OK) {
    fprintf(stderr, "cannot connect to %s port %u (zts_errno %d)\n", server, port, zts_errno);
    return 1;
  }
  printf("connected to %s port %u after %.0f ms\n", server, port, ms_since(&t0));

  size_t len = strlen(message);
  if (zts_write(fd, message, len) != (ssize_t)len) {
    fprintf(stderr, "write failed (zts_errno %d)\n", zts_errno);
    return 1;
  }
  zts_shutdown_wr(fd); /* tells the server we are done sending */
  char reply[4096];
  size_t got = 0;
  ssize_t n;
  while (got < sizeof reply - 1 && (n = zts_read(fd, reply + got, sizeof reply - 1 - got)) > 0)
    got += (size_t)n;
  reply[got] = '\0';
  printf("sent \"%s\", received \"%s\"\n", message, reply);
  zts_close(fd);
  zts_node_stop();
  zts_node_free();
  return got == len && memcmp(reply, message, len) == 0 ? 0 : 1;
}

/*
 * tcp_server: joins a network and echoes back what TCP clients send.
 *
 *   tcp_server STORAGE NETWORK_ID PORT [CONNECTIONS]
 *
 * STORAGE  a directory for this node's identity and caches (created if
 *          missing); put a planet file there to use private roots
 * PORT     the TCP port to listen on, on every address the network gives
 * CONNECTIONS  how many clients to serve before exiting (default: forever)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ZeroTierSockets.h"

static double ms_since(const struct timespec* t0) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (t.tv_sec - t0->tv_sec) * 1e3 + (t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Called on a thread of ztsdk's, one event at a time. */
static void on_event(void* arg) {
  zts_event_msg_t* msg = (zts_event_msg_t*)arg;
  switch (msg->event_code) {
    case ZTS_EVENT_NODE_ONLINE:
      printf("[event] node %010llx is online\n", (unsigned long long)msg->node->node_id);
      break;
    case ZTS_EVENT_NETWORK_REQ_CONFIG:
      printf("[event] asking the controller for the config\n");
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
  if (argc < 4) {
    fprintf(stderr, "usage: %s STORAGE NETWORK_ID PORT [CONNECTIONS]\n", argv[0]);
    return 2;
  }
  const char* storage = argv[1];
  uint64_t net_id = strtoull(argv[2], NULL, 16);
  unsigned short port = (unsigned short)atoi(argv[3]);
  int connections = argc > 4 ? atoi(argv[4]) : -1;
  setvbuf(stdout, NULL, _IOLBF, 0);

  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  zts_init_from_storage(storage);
  zts_init_set_event_handler(on_event);
  if (zts_node_start() != ZTS_ERR_OK) {
    fprintf(stderr, "cannot start the node\n");
    return 1;
  }
  printf("node %010llx started, joining %016llx\n", (unsigned long long)zts_node_get_id(),
         (unsigned long long)net_id);
  if (zts_net_join(net_id) != ZTS_ERR_OK) {
    fprintf(stderr, "cannot join the network\n");
    return 1;
  }
  /* Waits for the event, without polling (a ztsdk extension). */
  if (zts_net_wait_ready(net_id, ZTS_AF_UNSPEC, 60000) != ZTS_ERR_OK) {
    fprintf(stderr, "the network did not become ready (is this node authorized?)\n");
    return 1;
  }
  char ip4[ZTS_IP_MAX_STR_LEN] = "", ip6[ZTS_IP_MAX_STR_LEN] = "";
  zts_addr_get_str(net_id, ZTS_AF_INET, ip4, sizeof ip4);
  zts_addr_get_str(net_id, ZTS_AF_INET6, ip6, sizeof ip6);
  printf("ready after %.0f ms: addresses %s %s\n", ms_since(&t0), ip4, ip6);

  /* "::" without IPV6_V6ONLY takes IPv4 and IPv6 clients alike. */
  int listener = zts_socket(ZTS_AF_INET6, ZTS_SOCK_STREAM, 0);
  if (listener < 0 || zts_bind(listener, "::", port) != ZTS_ERR_OK ||
      zts_listen(listener, 16) != ZTS_ERR_OK) {
    fprintf(stderr, "cannot listen on port %u (zts_errno %d)\n", port, zts_errno);
    return 1;
  }
  printf("listening on port %u\n", port);

  for (int served = 0; connections < 0 || served < connections; ++served) {
    char peer[ZTS_IP_MAX_STR_LEN];
    unsigned short peer_port = 0;
    int fd = zts_accept(listener, peer, sizeof peer, &peer_port);
    if (fd < 0) {
      fprintf(stderr, "accept failed (zts_errno %d)\n", zts_errno);
      break;
    }
    printf("connection from %s port %u\n", peer, peer_port);
    char buf[4096];
    ssize_t n;
    long total = 0;
    while ((n = zts_read(fd, buf, sizeof buf)) > 0) {
      if (zts_write(fd, buf, (size_t)n) != n) break;
      total += n;
    }
    printf("echoed %ld bytes; %s closed the connection\n", total, peer);
    zts_close(fd);
  }
  zts_close(listener);
  zts_node_stop();
  zts_node_free();
  return 0;
}

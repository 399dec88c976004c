/* A UDP echo server for the port tests, built static so it runs in a
 * busybox container (busybox's nc has no UDP): every datagram that
 * arrives on 0.0.0.0:PORT goes back to its sender, prefixed "echo:". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: udp_echo PORT\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)atoi(argv[1]));
  if (fd < 0 || bind(fd, (struct sockaddr*)&address, sizeof address) != 0) {
    perror("udp_echo: bind");
    return 1;
  }
  char buffer[65536 + 5];
  memcpy(buffer, "echo:", 5);
  for (;;) {
    struct sockaddr_storage peer;
    socklen_t length = sizeof peer;
    ssize_t n = recvfrom(fd, buffer + 5, 65536, 0, (struct sockaddr*)&peer, &length);
    if (n < 0) continue;
    sendto(fd, buffer, (size_t)n + 5, 0, (struct sockaddr*)&peer, length);
  }
}

/* Binds that the bind redirector must leave to the kernel, then a real
 * server: run in a container with port 80 published. Each bad bind prints
 * "NAME errno" (0 when it succeeded); then it serves "served\n" on
 * 0.0.0.0:80 to every client, so the test sees that the forwarder is still
 * there and still hands the port over. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in any_port_80(void) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(80);
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  return a;
}

static void report(const char* name, int result) {
  printf("%s %d\n", name, result == 0 ? 0 : errno);
  fflush(stdout);
}

int main(void) {
  struct sockaddr_in a = any_port_80();
  int tcp = socket(AF_INET, SOCK_STREAM, 0);
  report("null-address", bind(tcp, NULL, sizeof a));
  report("wild-pointer", bind(tcp, (struct sockaddr*)8, sizeof a));
  report("short-length", bind(tcp, (struct sockaddr*)&a, 1));
  report("huge-length", bind(tcp, (struct sockaddr*)&a, 1 << 20));
  report("not-a-socket", bind(0, (struct sockaddr*)&a, sizeof a));
  report("bad-fd", bind(999, (struct sockaddr*)&a, sizeof a));
  int udp = socket(AF_INET, SOCK_DGRAM, 0);
  report("udp-port-80", bind(udp, (struct sockaddr*)&a, sizeof a));
  struct sockaddr_un_like { sa_family_t family; char path[20]; } unix_address = {AF_UNIX, "\0kayak-bad-bind"};
  int local = socket(AF_UNIX, SOCK_STREAM, 0);
  report("unix", bind(local, (struct sockaddr*)&unix_address, sizeof unix_address));

  report("server", bind(tcp, (struct sockaddr*)&a, sizeof a) || listen(tcp, 16));
  for (;;) {
    int client = accept(tcp, NULL, NULL);
    if (client < 0) continue;
    (void)write(client, "served\n", 7);
    close(client);
  }
}

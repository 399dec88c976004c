/* A tiny static program for containers that have no tool to speak
 * systemd's notify protocol: sends argv[1] as one datagram to
 * $NOTIFY_SOCKET. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv) {
    const char *path = getenv("NOTIFY_SOCKET");
    if (argc != 2 || !path || strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "usage: NOTIFY_SOCKET=PATH notify_send MESSAGE\n");
        return 2;
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("notify_send");
        return 1;
    }
    return 0;
}

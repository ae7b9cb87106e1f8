/*
 * Accepts one connection on the port in argv[1], reads exactly argv[2] bytes, answers one
 * byte, and waits for the client to close.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: tcp_server PORT BYTES\n");
		return 2;
	}
	long want = strtol(argv[2], NULL, 10);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(ls, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(ls, 4) < 0) {
		perror("tcp_server: listen");
		return 1;
	}
	struct sockaddr_in peer;
	socklen_t len = sizeof(peer);
	int c = accept(ls, (struct sockaddr *)&peer, &len);
	if (c < 0) {
		perror("tcp_server: accept");
		return 1;
	}
	static char buf[65536];
	long got = 0;
	while (got < want) {
		ssize_t n = read(c, buf, sizeof(buf));
		if (n <= 0) {
			fprintf(stderr, "tcp_server: connection ended after %ld bytes\n", got);
			return 1;
		}
		got += n;
	}
	if (write(c, "k", 1) != 1) {
		perror("tcp_server: write");
		return 1;
	}
	ssize_t n = read(c, buf, sizeof(buf));
	printf("server: %ld bytes from %s:%d, then %s\n", got, inet_ntoa(peer.sin_addr), ntohs(peer.sin_port),
	       n == 0 ? "end of stream" : "more data");
	close(c);
	close(ls);
	return n == 0 ? 0 : 1;
}

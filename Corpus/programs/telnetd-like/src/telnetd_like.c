/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: a
 * telnetd-like daemon that accepts a connection, puts a pseudo-terminal between it and
 * /bin/login, and relays between the two. */
#include <netinet/in.h>
#include <pty.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void serve(int connection)
{
	int master;
	pid_t child = forkpty(&master, 0, 0, 0);
	if (child == 0) {
		execl("/bin/login", "login", "-p", (char *)0);
		_exit(1);
	}
	char buffer[512];
	for (;;) {
		ssize_t n = read(connection, buffer, sizeof buffer);
		if (n <= 0 || write(master, buffer, (size_t)n) != n)
			break;
	}
}

int main(void)
{
	struct sockaddr_in local;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&local, 0, sizeof local);
	local.sin_family = AF_INET;
	local.sin_port = htons(23);
	if (bind(s, (struct sockaddr *)&local, sizeof local) != 0 || listen(s, 8) != 0)
		return 1;
	for (;;) {
		int c = accept(s, 0, 0);
		if (c >= 0 && fork() == 0) {
			dup2(c, 0);
			dup2(c, 1);
			dup2(c, 2);
			serve(c);
			_exit(0);
		}
		close(c);
	}
}

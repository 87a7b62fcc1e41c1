/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: a
 * screen/tmux-like terminal multiplexer. Its server listens on a Unix socket for clients and
 * runs the user's shell ($SHELL, else /bin/sh) on a fresh pseudo-terminal. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void spawn_window(void)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0)
		return;
	if (fork() == 0) {
		const char *shell = getenv("SHELL");
		int slave;
		setsid();
		slave = open(ptsname(master), O_RDWR);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (shell == 0 || *shell == 0)
			shell = "/bin/sh";
		execl(shell, shell, (char *)0);
		_exit(1);
	}
}

int main(void)
{
	struct sockaddr_un local;
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	memset(&local, 0, sizeof local);
	local.sun_family = AF_UNIX;
	strcpy(local.sun_path, "/tmp/mux-0/default");
	if (bind(s, (struct sockaddr *)&local, sizeof local) != 0 || listen(s, 4) != 0)
		return 1;
	for (;;) {
		int c = accept(s, 0, 0);
		if (c < 0)
			continue;
		spawn_window();
		close(c);
	}
}

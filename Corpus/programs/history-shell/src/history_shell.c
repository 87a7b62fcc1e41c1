/* Corpus sample (inert: compiled, never run). Hard negative written here from scratch: a small
 * command shell that keeps a history file, as shells do: it reads HISTFILE, sets a default
 * under $HOME when unset and a default HISTSIZE, appends every command to the file, and runs
 * each command with sh -c. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *history_file(void)
{
	static char path[4096];
	const char *file = getenv("HISTFILE");
	if (file)
		return file;
	const char *home = getenv("HOME");
	snprintf(path, sizeof path, "%s/.mini_history", home ? home : "/");
	setenv("HISTFILE", path, 1);
	setenv("HISTSIZE", "500", 0);
	return path;
}

int main(void)
{
	char line[1024];
	int history = open(history_file(), O_WRONLY | O_APPEND | O_CREAT, 0600);
	while (fputs("$ ", stdout) >= 0 && fgets(line, sizeof line, stdin)) {
		if (history >= 0)
			(void)!write(history, line, strlen(line));
		pid_t child = fork();
		if (child == 0) {
			execl("/bin/sh", "sh", "-c", line, (char *)0);
			_exit(127);
		}
		waitpid(child, 0, 0);
	}
	return 0;
}

/*
 * Backsight corpus hard negative: preload/snoopy-like  (compiled only)
 *
 * A snoopy-style command logger, preloaded system-wide through /etc/ld.so.preload: execv and
 * execve write the command line to syslog before calling the original (dlsym(RTLD_NEXT)).
 * Plain strings; hides nothing.
 */
#define _GNU_SOURCE
#include "bs_api.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

const char snoopy_like_ident[] = "libsnoopy-like: logs every executed command to syslog (Backsight corpus hard negative)";

static int (*real_execve)(const char *, char *const[], char *const[]);
static int (*real_execv)(const char *, char *const[]);

static void log_command(const char *path, char *const argv[])
{
	char line[512];
	size_t used = 0;
	line[0] = 0;
	for (int i = 0; argv && argv[i] && used + 2 < sizeof line; i++) {
		int n = snprintf(line + used, sizeof line - used, "%s%s", i ? " " : "", argv[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	openlog("snoopy-like", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_INFO, "[uid:%d filename:%s]: %s", (int)getuid(), path, line);
	closelog();
}

BS_API int execve(const char *path, char *const argv[], char *const envp[])
{
	if (!real_execve)
		*(void **)&real_execve = dlsym(RTLD_NEXT, "execve");
	log_command(path, argv);
	return real_execve ? real_execve(path, argv, envp) : -1;
}

BS_API int execv(const char *path, char *const argv[])
{
	if (!real_execv)
		*(void **)&real_execv = dlsym(RTLD_NEXT, "execv");
	log_command(path, argv);
	return real_execv ? real_execv(path, argv) : -1;
}

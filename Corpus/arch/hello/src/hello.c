/*
 * Backsight corpus architecture-coverage sample: the executable (benign, never run).
 * Links against libhello.so.1 so it has versioned imports (.gnu.version_r).
 */
#include <stdio.h>

int hello_greet(const char *name, char *out, size_t len);
int hello_add(int a, int b);
int hello_version(void);

static int exe_ready;

__attribute__((constructor))
static void exe_init(void)
{
	exe_ready = 1;
}

int main(int argc, char **argv)
{
	char buf[64];
	hello_greet(argc > 1 ? argv[1] : NULL, buf, sizeof buf);
	printf("%s (v%d, %d)\n", buf, hello_version(), hello_add(exe_ready, argc));
	return 0;
}

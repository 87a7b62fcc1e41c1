/*
 * Backsight corpus hard negative: misc/benign-constructor  (compiled only)
 *
 * A library with a constructor (.init_array) that only reads an environment
 * variable and sets a flag, as many libraries do for debug switches.
 */
#include "bs_api.h"
#include <stdlib.h>
#include <string.h>

static int debug_level;

__attribute__((constructor))
static void benign_init(void)
{
	const char *v = getenv("BENIGN_DEBUG");
	debug_level = (v && strcmp(v, "1") == 0) ? 1 : 0;
}

BS_API int benign_debug_level(void)
{
	return debug_level;
}

BS_API int benign_add(int a, int b)
{
	return a + b;
}

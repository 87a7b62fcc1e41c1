// The calls of backsight.h that need nothing of the engine: freeing what the library returned
// and the default options. The rest is implemented in Swift (Sources/BacksightC).
#include "backsight.h"

#include <stdlib.h>
#include <string.h>

void backsight_error_clear(backsight_error *error) {
    if (error == NULL) return;
    free(error->message);
    free(error->file);
    memset(error, 0, sizeof *error);
}

void backsight_string_free(char *string) { free(string); }

void backsight_scan_options_init(backsight_scan_options *options) {
    if (options == NULL) return;
    memset(options, 0, sizeof *options);
}

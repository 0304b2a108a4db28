#define _GNU_SOURCE
#include "edge_system.h"

#include <dlfcn.h>
#include <string.h>

int edge_object_path(const void *address, char *buffer, size_t size) {
    Dl_info info;
    if (size == 0 || dladdr(address, &info) == 0 || info.dli_fname == NULL) return 0;
    strncpy(buffer, info.dli_fname, size - 1);
    buffer[size - 1] = '\0';
    return 1;
}

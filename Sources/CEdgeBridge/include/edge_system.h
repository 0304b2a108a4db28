// System glue that needs _GNU_SOURCE, which Swift's Glibc module does not expose.
#ifndef EDGE_SYSTEM_H
#define EDGE_SYSTEM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Writes the path of the shared object that contains `address` into `buffer`.
/// Returns 1 on success, 0 when the address is not in a loaded object.
int edge_object_path(const void *address, char *buffer, size_t size);

#ifdef __cplusplus
}
#endif

#endif

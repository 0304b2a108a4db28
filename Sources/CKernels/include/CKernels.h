// CKernels: the C microkernels of EdgeMLOps and their runtime dispatch.
#ifndef CKERNELS_H
#define CKERNELS_H

#include "ck_cpu.h"

#endif

// CKernels: the C microkernels of EdgeMLOps and their runtime dispatch.
#ifndef CKERNELS_H
#define CKERNELS_H

#include "ck_cpu.h"
#include "ck_common.h"
#include "ck_quantize.h"
#include "ck_conv.h"
#include "ck_gemm.h"
#include "ck_pool.h"
#include "ck_elementwise.h"
#include "ck_reduce.h"
#include "ck_resize.h"
#include "ck_layout.h"
#include "ck_isa.h"
#include "ck_qgemm_s8.h"
#include "ck_threadpool.h"
#include "ck_qconv_s8.h"
#include "ck_gemm_f32.h"
#include "ck_simd_ops.h"
#include "ck_validate.h"

#endif

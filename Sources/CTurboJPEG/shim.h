// libturbojpeg 2.x (Debian 12): flags are plain #defines, which import, but the
// per-format tables are static arrays; keep the constants Swift needs in one place.
#ifndef CTURBOJPEG_SHIM_H
#define CTURBOJPEG_SHIM_H

#include <turbojpeg.h>

static const int ctj_flag_stop_on_warning = TJFLAG_STOPONWARNING;
static const int ctj_flag_accurate_dct = TJFLAG_ACCURATEDCT;
static const int ctj_flag_fast_dct = TJFLAG_FASTDCT;
static const int ctj_error_warning = TJERR_WARNING;

#endif

// VIDIOC_* are _IOWR macros and v4l2_ioctl is variadic: neither imports into Swift.
#ifndef CV4L2_SHIM_H
#define CV4L2_SHIM_H

#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

static const unsigned long cv4l2_vidioc_querycap = VIDIOC_QUERYCAP;
static const unsigned long cv4l2_vidioc_enum_fmt = VIDIOC_ENUM_FMT;
static const unsigned long cv4l2_vidioc_g_fmt = VIDIOC_G_FMT;
static const unsigned long cv4l2_vidioc_s_fmt = VIDIOC_S_FMT;
static const unsigned long cv4l2_vidioc_enum_framesizes = VIDIOC_ENUM_FRAMESIZES;
static const unsigned long cv4l2_vidioc_enum_frameintervals = VIDIOC_ENUM_FRAMEINTERVALS;
static const unsigned long cv4l2_vidioc_reqbufs = VIDIOC_REQBUFS;
static const unsigned long cv4l2_vidioc_querybuf = VIDIOC_QUERYBUF;
static const unsigned long cv4l2_vidioc_qbuf = VIDIOC_QBUF;
static const unsigned long cv4l2_vidioc_dqbuf = VIDIOC_DQBUF;
static const unsigned long cv4l2_vidioc_streamon = VIDIOC_STREAMON;
static const unsigned long cv4l2_vidioc_streamoff = VIDIOC_STREAMOFF;
static const unsigned long cv4l2_vidioc_g_parm = VIDIOC_G_PARM;
static const unsigned long cv4l2_vidioc_s_parm = VIDIOC_S_PARM;
static const unsigned long cv4l2_vidioc_queryctrl = VIDIOC_QUERYCTRL;
static const unsigned long cv4l2_vidioc_g_ctrl = VIDIOC_G_CTRL;
static const unsigned long cv4l2_vidioc_s_ctrl = VIDIOC_S_CTRL;

static const unsigned long cv4l2_vidioc_querymenu = VIDIOC_QUERYMENU;
static const unsigned long cv4l2_vidioc_g_input = VIDIOC_G_INPUT;

static const unsigned int cv4l2_cap_video_capture_mplane = V4L2_CAP_VIDEO_CAPTURE_MPLANE;
static const unsigned int cv4l2_buf_type_video_capture = V4L2_BUF_TYPE_VIDEO_CAPTURE;
static const unsigned int cv4l2_memory_mmap = V4L2_MEMORY_MMAP;
static const unsigned int cv4l2_field_any = V4L2_FIELD_ANY;
static const unsigned int cv4l2_buf_flag_error = V4L2_BUF_FLAG_ERROR;
static const unsigned int cv4l2_buf_flag_timestamp_mask = V4L2_BUF_FLAG_TIMESTAMP_MASK;
static const unsigned int cv4l2_buf_flag_timestamp_monotonic = V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
static const unsigned int cv4l2_fmt_flag_emulated = V4L2_FMT_FLAG_EMULATED;
static const unsigned int cv4l2_fmt_flag_compressed = V4L2_FMT_FLAG_COMPRESSED;
static const unsigned int cv4l2_frmsize_type_discrete = V4L2_FRMSIZE_TYPE_DISCRETE;
static const unsigned int cv4l2_frmsize_type_stepwise = V4L2_FRMSIZE_TYPE_STEPWISE;
static const unsigned int cv4l2_frmsize_type_continuous = V4L2_FRMSIZE_TYPE_CONTINUOUS;
static const unsigned int cv4l2_frmival_type_discrete = V4L2_FRMIVAL_TYPE_DISCRETE;
static const unsigned int cv4l2_cap_timeperframe = V4L2_CAP_TIMEPERFRAME;
static const unsigned int cv4l2_ctrl_flag_disabled = V4L2_CTRL_FLAG_DISABLED;
static const unsigned int cv4l2_ctrl_flag_next_ctrl = V4L2_CTRL_FLAG_NEXT_CTRL;
static const unsigned int cv4l2_ctrl_type_menu = V4L2_CTRL_TYPE_MENU;
static const unsigned int cv4l2_ctrl_type_boolean = V4L2_CTRL_TYPE_BOOLEAN;
static const unsigned int cv4l2_ctrl_type_integer = V4L2_CTRL_TYPE_INTEGER;

/* Control ids the camera layer sets by name (exposure, gain, focus, white balance). */
static const unsigned int cv4l2_cid_exposure_auto = V4L2_CID_EXPOSURE_AUTO;
static const unsigned int cv4l2_cid_exposure_absolute = V4L2_CID_EXPOSURE_ABSOLUTE;
static const unsigned int cv4l2_cid_exposure_auto_priority = V4L2_CID_EXPOSURE_AUTO_PRIORITY;
static const unsigned int cv4l2_cid_exposure = V4L2_CID_EXPOSURE;
static const unsigned int cv4l2_cid_autogain = V4L2_CID_AUTOGAIN;
static const unsigned int cv4l2_cid_gain = V4L2_CID_GAIN;
static const unsigned int cv4l2_cid_focus_auto = V4L2_CID_FOCUS_AUTO;
static const unsigned int cv4l2_cid_focus_absolute = V4L2_CID_FOCUS_ABSOLUTE;
static const unsigned int cv4l2_cid_auto_white_balance = V4L2_CID_AUTO_WHITE_BALANCE;
static const unsigned int cv4l2_cid_white_balance_temperature = V4L2_CID_WHITE_BALANCE_TEMPERATURE;
static const unsigned int cv4l2_cid_brightness = V4L2_CID_BRIGHTNESS;
static const int cv4l2_exposure_manual = V4L2_EXPOSURE_MANUAL;
static const int cv4l2_exposure_auto = V4L2_EXPOSURE_AUTO;
static const int cv4l2_exposure_aperture_priority = V4L2_EXPOSURE_APERTURE_PRIORITY;

/* C strings inside fixed-size char arrays, which Swift imports as tuples. */
static inline const char *cv4l2_card(const struct v4l2_capability *c) { return (const char *)c->card; }
static inline const char *cv4l2_driver(const struct v4l2_capability *c) { return (const char *)c->driver; }
static inline const char *cv4l2_bus_info(const struct v4l2_capability *c) { return (const char *)c->bus_info; }
static inline const char *cv4l2_fmtdesc_description(const struct v4l2_fmtdesc *d) { return (const char *)d->description; }
static inline const char *cv4l2_queryctrl_name(const struct v4l2_queryctrl *q) { return (const char *)q->name; }

static const unsigned int cv4l2_cap_video_capture = V4L2_CAP_VIDEO_CAPTURE;
static const unsigned int cv4l2_cap_streaming = V4L2_CAP_STREAMING;
static const unsigned int cv4l2_cap_readwrite = V4L2_CAP_READWRITE;
static const unsigned int cv4l2_cap_device_caps = V4L2_CAP_DEVICE_CAPS;

static inline unsigned int cv4l2_fourcc(char a, char b, char c, char d) {
    return v4l2_fourcc(a, b, c, d);
}

/// Fixed-arity form of the variadic v4l2_ioctl.
static inline int cv4l2_ioctl(int fd, unsigned long request, void *arg) {
    return v4l2_ioctl(fd, request, arg);
}

/// The kernel ioctl, bypassing libv4l2 (used to probe a file before handing it to libv4l2).
static inline int cv4l2_raw_ioctl(int fd, unsigned long request, void *arg) {
    return ioctl(fd, request, arg);
}

/// Fixed-arity form of the variadic v4l2_open.
static inline int cv4l2_open(const char *path, int flags) {
    return v4l2_open(path, flags);
}

#endif

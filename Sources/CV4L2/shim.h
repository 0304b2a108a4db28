// VIDIOC_* are _IOWR macros and v4l2_ioctl is variadic: neither imports into Swift.
#ifndef CV4L2_SHIM_H
#define CV4L2_SHIM_H

#include <fcntl.h>
#include <libv4l2.h>
#include <linux/videodev2.h>

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

/// Fixed-arity form of the variadic v4l2_open.
static inline int cv4l2_open(const char *path, int flags) {
    return v4l2_open(path, flags);
}

#endif

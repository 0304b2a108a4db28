#include "CVision.h"

#include <errno.h>
#include <linux/gpio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int cv_gpio_chip_info(int chip_fd, char *label, size_t label_size) {
    struct gpiochip_info info;
    memset(&info, 0, sizeof info);
    if (ioctl(chip_fd, GPIO_GET_CHIPINFO_IOCTL, &info) < 0) return -errno;
    if (label && label_size > 0) {
        strncpy(label, info.label, label_size - 1);
        label[label_size - 1] = 0;
    }
    return (int)info.lines;
}

int cv_gpio_request_edges(int chip_fd, uint32_t offset, int edges, uint32_t debounce_us,
                          int bias_pull_up, const char *consumer) {
    struct gpio_v2_line_request req;
    memset(&req, 0, sizeof req);
    req.offsets[0] = offset;
    req.num_lines = 1;
    strncpy(req.consumer, consumer ? consumer : "edgemlops", sizeof req.consumer - 1);
    uint64_t flags = GPIO_V2_LINE_FLAG_INPUT;
    if (edges & CV_GPIO_EDGE_RISING) flags |= GPIO_V2_LINE_FLAG_EDGE_RISING;
    if (edges & CV_GPIO_EDGE_FALLING) flags |= GPIO_V2_LINE_FLAG_EDGE_FALLING;
    if (bias_pull_up) flags |= GPIO_V2_LINE_FLAG_BIAS_PULL_UP;
    req.config.flags = flags;
    if (debounce_us > 0) {
        req.config.num_attrs = 1;
        req.config.attrs[0].mask = 1; // bit 0: the first (only) requested line
        req.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_DEBOUNCE;
        req.config.attrs[0].attr.debounce_period_us = debounce_us;
    }
    if (ioctl(chip_fd, GPIO_V2_GET_LINE_IOCTL, &req) < 0) return -errno;
    return req.fd;
}

int cv_gpio_read_event(int line_fd, uint64_t *timestamp_ns, uint32_t *line_seqno, int *rising) {
    struct gpio_v2_line_event event;
    const ssize_t n = read(line_fd, &event, sizeof event);
    if (n < 0) return errno == EAGAIN ? 0 : -errno;
    if ((size_t)n != sizeof event) return -EIO;
    *timestamp_ns = event.timestamp_ns;
    *line_seqno = event.line_seqno;
    *rising = event.id == GPIO_V2_LINE_EVENT_RISING_EDGE;
    return 1;
}

"""Synthetic corruptions for the denoising training of inspect-ae.

The autoencoder never sees a labelled defect frame: it learns to map a good frame with
corruptions drawn here back to the clean good frame. The corruptions are generic image
damage (thin strokes and jagged polylines of either sign, bumps and dimples, tinted patches,
discs filled with nearby surface colour), not copies of the generator's defect painter, so
the held-out figures measure generalisation to defects the model was not shown. Everything
is smaller than a dust speck's opposite: dust (radius 0.5-1.3 px) is part of a good frame
and must be reconstructed, so no corruption here is below 1.5 px across.
"""

import numpy as np

SIZE = 128
YY, XX = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)


def _centre(rng):
    """A point on the part: parts are centred (jitter 3 %) and span about 90 px."""
    radius, angle = 44 * np.sqrt(rng.random()), rng.uniform(0, 2 * np.pi)
    return 64 + radius * np.cos(angle), 64 + radius * np.sin(angle)


def _window(cx, cy, r):
    x0, x1 = max(int(cx - r - 2), 0), min(int(cx + r + 3), SIZE)
    y0, y1 = max(int(cy - r - 2), 0), min(int(cy + r + 3), SIZE)
    return slice(y0, y1), slice(x0, x1)


def _stroke(img, mask, rng):
    n = 2 + rng.integers(0, 6)
    p = np.array(_centre(rng))
    heading = rng.uniform(0, 2 * np.pi)
    length = rng.uniform(10, 50)
    pts = [p.copy()]
    for _ in range(n - 1):
        heading += rng.uniform(-1.0, 1.0) if n > 2 else 0
        p = p + length / (n - 1) * np.array([np.cos(heading), np.sin(heading)])
        pts.append(p.copy())
    pts = np.array(pts, dtype=np.float32)
    half = rng.uniform(0.6, 1.6)
    best = np.full((SIZE, SIZE), 1e9, dtype=np.float32)
    for a, b in zip(pts[:-1], pts[1:]):
        ab = b - a
        t = np.clip(((XX - a[0]) * ab[0] + (YY - a[1]) * ab[1]) / max(float(ab @ ab), 1e-6), 0, 1)
        dx, dy = XX - (a[0] + t * ab[0]), YY - (a[1] + t * ab[1])
        best = np.minimum(best, dx * dx + dy * dy)
    intensity = np.clip(0.5 - (np.sqrt(best) - half), 0, 1)
    amount = rng.uniform(0.08, 0.45) * (1 if rng.random() < 0.5 else -1)
    colour = 1 + (rng.uniform(-0.3, 0.3, 3) if rng.random() < 0.3 else 0)
    img += amount * intensity[..., None] * colour
    mask += intensity


def _blob(img, mask, rng):
    r = rng.uniform(2.5, 10)
    cx, cy = _centre(rng)
    ys, xs = _window(cx, cy, r)
    q = np.stack([(XX[ys, xs] - cx) / r, (YY[ys, xs] - cy) / r])
    t = (q * q).sum(0)
    bump = np.where(t < 1, (1 - t) ** 2, 0)
    amount = rng.uniform(0.08, 0.45)
    if rng.random() < 0.5:  # dimple lit from one side
        angle = rng.uniform(0, 2 * np.pi)
        shade = -(1.6 * (q[0] * np.cos(angle) + q[1] * np.sin(angle)) - 0.3)
        img[ys, xs] += (amount * bump * shade)[..., None]
    else:
        img[ys, xs] += (amount * (1 if rng.random() < 0.5 else -1) * bump)[..., None]
    mask[ys, xs] += bump


def _tint(img, mask, rng):
    r = rng.uniform(8, 30)
    cx, cy = _centre(rng)
    ys, xs = _window(cx, cy, r)
    t = ((XX[ys, xs] - cx) ** 2 + (YY[ys, xs] - cy) ** 2) / (r * r)
    bump = np.where(t < 1, (1 - t) ** 2, 0)[..., None]
    tint = rng.uniform(-0.7, 0.7, 3).astype(np.float32) * rng.uniform(0.1, 0.6)
    img[ys, xs] = img[ys, xs] * (1 + bump * tint) + 0.25 * bump * tint
    mask[ys, xs] += bump[..., 0]


def _fill(img, mask, rng, dark_fill=0.5):
    """A disc filled with the colour of a nearby point: on a hole this is a missing hole, on
    a trace a broken trace. Placed on a dark pixel (a hole, mostly) with probability dark_fill."""
    r = rng.uniform(3, 8)
    lum = img.mean(2)
    dark = np.argwhere(lum[12:116, 12:116] < 0.6 * np.median(lum[40:88, 40:88]))
    if len(dark) and rng.random() < dark_fill:
        cy, cx = dark[rng.integers(len(dark))] + 12
    else:
        cx, cy = _centre(rng)
    angle = rng.uniform(0, 2 * np.pi)
    sx = int(np.clip(cx + 2.5 * r * np.cos(angle), 0, SIZE - 1))
    sy = int(np.clip(cy + 2.5 * r * np.sin(angle), 0, SIZE - 1))
    colour = img[sy, sx].copy()
    ys, xs = _window(cx, cy, r)
    d = np.sqrt((XX[ys, xs] - cx) ** 2 + (YY[ys, xs] - cy) ** 2)
    inside = np.clip(r + 0.5 - d, 0, 1)[..., None]
    img[ys, xs] = img[ys, xs] * (1 - inside) + colour * inside
    mask[ys, xs] += inside[..., 0]


def _dilate(mask, steps):
    for _ in range(steps):
        grown = mask.copy()
        grown[1:] |= mask[:-1]
        grown[:-1] |= mask[1:]
        grown[:, 1:] |= mask[:, :-1]
        grown[:, :-1] |= mask[:, 1:]
        mask = grown
    return mask


def _remove_hole(img, mask, rng, max_area=120, tries=10):
    """Removes one whole small hole: the dark region around a seed pixel (flood fill, given
    up when it grows past max_area: then it is the bore or the conveyor) is replaced by the
    surface at the same distance from the part's centre, 30 degrees round, where no bolt
    hole is. This is what an undrilled hole looks like; the network must redraw the hole
    from the part's pattern, which a filled patch of colour (_fill) hardly teaches."""
    lum = img.mean(2)
    dark = lum < 0.6 * np.median(lum[40:88, 40:88])
    body = ~dark & ((YY - 64) ** 2 + (XX - 64) ** 2 < 60 ** 2)
    # Seeds: dark pixels mostly surrounded by the part (a hole), not the conveyor round it.
    padded = np.pad(body.astype(np.float32), 7)
    integral = np.pad(padded.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    around = (integral[15:, 15:] - integral[:-15, 15:] - integral[15:, :-15] + integral[:-15, :-15]) / 225
    candidates = np.argwhere(dark & (around > 0.6))
    if not len(candidates):
        return False
    cy, cx = float(YY[body].mean()), float(XX[body].mean())
    for _ in range(tries):
        seed = tuple(candidates[rng.integers(len(candidates))])
        region, frontier = {seed}, [seed]
        while frontier and len(region) <= max_area:
            y, x = frontier.pop()
            for n in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if 0 <= n[0] < SIZE and 0 <= n[1] < SIZE and dark[n] and n not in region:
                    region.add(n)
                    frontier.append(n)
        if len(region) > max_area or len(region) < 6:
            continue
        hole = np.zeros((SIZE, SIZE), dtype=bool)
        hole[tuple(np.array(list(region)).T)] = True
        area = _dilate(hole, 2)
        alpha = area.astype(np.float32)
        alpha[1:-1, 1:-1] = sum(alpha[1 + dy:SIZE - 1 + dy, 1 + dx:SIZE - 1 + dx]
                                for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9
        angle = np.deg2rad(30) * (1 if rng.random() < 0.5 else -1)
        ys, xs = np.nonzero(alpha)
        sx = np.clip(np.round(cx + (xs - cx) * np.cos(angle) - (ys - cy) * np.sin(angle)), 0, SIZE - 1).astype(int)
        sy = np.clip(np.round(cy + (xs - cx) * np.sin(angle) + (ys - cy) * np.cos(angle)), 0, SIZE - 1).astype(int)
        a = alpha[ys, xs][:, None]
        img[ys, xs] = img[ys, xs] * (1 - a) + img[sy, sx] * a
        mask[ys, xs] += alpha[ys, xs]
        return True
    return False


KINDS = [_stroke, _stroke, _blob, _tint, _fill]


def corrupt(images, rng, clean_fraction=0.2, dark_fill=0.5, hole_removal=0.0):
    """uint8 NHWC good frames -> (corrupted uint8 NHWC, corruption mask float NHW in [0, 1]).
    hole_removal: share of frames (corrupted or not otherwise) that also lose a whole hole."""
    out = images.astype(np.float32) / 255
    masks = np.zeros(images.shape[:3], dtype=np.float32)
    for i in range(len(out)):
        if hole_removal and rng.random() < hole_removal:
            _remove_hole(out[i], masks[i], rng)
        if rng.random() < clean_fraction:
            continue
        for _ in range(1 + int(rng.random() < 0.3)):
            kind = KINDS[rng.integers(len(KINDS))]
            if kind is _fill:
                kind(out[i], masks[i], rng, dark_fill)
            else:
                kind(out[i], masks[i], rng)
    noisy = np.clip(np.round(out * 255), 0, 255).astype(np.uint8)
    return noisy, np.clip(masks, 0, 1)

"""The truth model of the matte evaluation set: MediaPipe's selfie segmentation (person
alpha) and its full-range BlazeFace detector (face box), both run with LiteRT on the CPU.

Both models come from the PyPI wheel mediapipe==0.10.14; nothing here uses the project's
own code. The interpreters run single-threaded so that the results are reproducible.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image
from scipy import ndimage

try:  # ai-edge-litert carries MediaPipe's custom op Convolution2DTransposeBias
    from ai_edge_litert.interpreter import Interpreter
except ImportError:  # pragma: no cover - tflite-runtime 2.14 cannot run the segmenter
    from tflite_runtime.interpreter import Interpreter

SEGMENTER_PATH = "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite"
FACE_DETECTOR_PATH = "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite"


class _Model:
    def __init__(self, path: str):
        self.it = Interpreter(model_path=path, num_threads=1)
        self.it.allocate_tensors()
        self.inp = self.it.get_input_details()[0]
        self.outs = self.it.get_output_details()
        self.size = int(self.inp["shape"][1])

    def __call__(self, x: np.ndarray) -> list[np.ndarray]:
        self.it.set_tensor(self.inp["index"], x[None].astype(np.float32))
        self.it.invoke()
        return [self.it.get_tensor(o["index"])[0].copy() for o in self.outs]


# --------------------------------------------------------------------------- face box

def _full_range_anchors(n: int = 48) -> np.ndarray:
    """MediaPipe face_detection_full_range: one SSD layer, stride 4 on 192x192, one
    anchor per cell, fixed anchor size (so the anchor is just its centre)."""
    c = (np.arange(n, dtype=np.float32) + 0.5) / n
    yy, xx = np.meshgrid(c, c, indexing="ij")
    return np.stack([xx.ravel(), yy.ravel()], 1)


class FaceDetector:
    """Full-range BlazeFace (mediapipe 0.10.14). Returns the best face as a dict with
    box [x, y, w, h] and six keypoints (right eye, left eye, nose tip, mouth centre,
    right ear tragion, left ear tragion; 'right' is the person's right = image left),
    in the pixels of the image passed in."""

    def __init__(self, model_path: str):
        self.m = _Model(model_path)
        self.anchors = _full_range_anchors(self.m.size // 4)

    def detect(self, rgb: np.ndarray, min_score: float = 0.5) -> dict | None:
        h, w = rgb.shape[:2]
        side = max(h, w)
        sq = np.zeros((side, side, 3), np.uint8)  # letterbox, top-left aligned
        sq[:h, :w] = rgb
        s = self.m.size
        x = np.asarray(Image.fromarray(sq).resize((s, s), Image.BILINEAR), np.float32)
        x = x / 127.5 - 1.0
        raw, logit = self.m(x)
        score = 1.0 / (1.0 + np.exp(-np.clip(logit[:, 0], -60, 60)))
        keep = np.nonzero(score >= min_score)[0]
        if keep.size == 0:
            return None
        a = self.anchors
        cx = a[:, 0] + raw[:, 0] / s
        cy = a[:, 1] + raw[:, 1] / s
        bw = raw[:, 2] / s
        bh = raw[:, 3] / s
        kp = raw[:, 4:16].reshape(-1, 6, 2) / s + a[:, None, :]
        boxes = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], 1)
        best = keep[np.argmax(score[keep])]
        # weighted non-maximum suppression around the best box (as MediaPipe does)
        b0 = boxes[best]
        ix0 = np.maximum(b0[0], boxes[keep, 0]); iy0 = np.maximum(b0[1], boxes[keep, 1])
        ix1 = np.minimum(b0[2], boxes[keep, 2]); iy1 = np.minimum(b0[3], boxes[keep, 3])
        inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
        area = (boxes[keep, 2] - boxes[keep, 0]) * (boxes[keep, 3] - boxes[keep, 1])
        iou = inter / (area + (b0[2] - b0[0]) * (b0[3] - b0[1]) - inter)
        grp = keep[iou > 0.3]
        wts = score[grp][:, None]
        box = (boxes[grp] * wts).sum(0) / wts.sum()
        kps = (kp[grp] * wts[:, :, None]).sum(0) / wts.sum()
        box = box * side
        kps = kps * side
        return {
            "box": [float(box[0]), float(box[1]), float(box[2] - box[0]), float(box[3] - box[1])],
            "keypoints": {name: [float(kps[i, 0]), float(kps[i, 1])] for i, name in enumerate(
                ["right_eye", "left_eye", "nose_tip", "mouth", "right_ear", "left_ear"])},
            "score": float(score[best]),
            "others": int(np.sum((score >= min_score) & (np.arange(len(score)) != best))) - (len(grp) - 1),
        }


# --------------------------------------------------------------------------- alpha

class Segmenter:
    """MediaPipe selfie segmentation (general, 256x256). Input RGB in [0,1]; the output
    is already a probability (the graph ends in a sigmoid, values in [0,1])."""

    def __init__(self, model_path: str):
        self.m = _Model(model_path)

    def _prob(self, rgb: np.ndarray) -> np.ndarray:
        s = self.m.size
        x = np.asarray(Image.fromarray(rgb).resize((s, s), Image.BILINEAR), np.float32) / 255.0
        p = self.m(x)[0][:, :, 0]
        q = self.m(x[:, ::-1])[0][:, ::-1, 0]  # mirror and average: less one-sided noise
        return np.clip((p + q) / 2.0, 0.0, 1.0)

    def prob_square(self, rgb: np.ndarray, box: tuple[int, int, int]) -> np.ndarray:
        """Probability on the square (x0, y0, side) of the image, zero-padded where the
        square leaves the image, upsampled bicubically to side x side pixels."""
        x0, y0, side = box
        h, w = rgb.shape[:2]
        sq = np.zeros((side, side, 3), np.uint8)
        sx0, sy0 = max(0, x0), max(0, y0)
        sx1, sy1 = min(w, x0 + side), min(h, y0 + side)
        sq[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = rgb[sy0:sy1, sx0:sx1]
        p = self._prob(sq)
        up = np.asarray(Image.fromarray(p.astype(np.float32), "F").resize((side, side), Image.BICUBIC))
        return np.clip(up, 0.0, 1.0)

    def prob_whole(self, rgb: np.ndarray) -> np.ndarray:
        """Probability on the whole picture stretched to the model's square input (as
        MediaPipe's own graph does: no letterbox), upsampled bicubically to its size."""
        h, w = rgb.shape[:2]
        p = self._prob(rgb)
        up = np.asarray(Image.fromarray(p.astype(np.float32), "F").resize((w, h), Image.BICUBIC))
        return np.clip(up, 0.0, 1.0)


def _paste(dst: np.ndarray, wsum: np.ndarray, src: np.ndarray, weight: np.ndarray, x0: int, y0: int):
    h, w = dst.shape
    side = src.shape[0]
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(w, x0 + side), min(h, y0 + side)
    sl = (slice(sy0 - y0, sy1 - y0), slice(sx0 - x0, sx1 - x0))
    dst[sy0:sy1, sx0:sx1] += src[sl] * weight[sl]
    wsum[sy0:sy1, sx0:sx1] += weight[sl]


def _feather(side: int, x0: int, y0: int, w: int, h: int, frac: float = 0.1) -> np.ndarray:
    """Weight of a square pass: 1 inside, a cosine ramp over `frac` of the side towards
    each border of the square that lies inside the image (none where it meets the
    image's own border)."""
    r = max(1, int(round(frac * side)))
    t = np.arange(side, dtype=np.float32)
    ramp = np.clip((t + 0.5) / r, 0, 1)
    ramp = 0.5 - 0.5 * np.cos(np.pi * ramp)
    left = ramp if x0 > 0 else np.ones(side, np.float32)
    right = ramp[::-1] if x0 + side < w else np.ones(side, np.float32)
    top = ramp if y0 > 0 else np.ones(side, np.float32)
    bottom = ramp[::-1] if y0 + side < h else np.ones(side, np.float32)
    return np.outer(np.minimum(top, bottom), np.minimum(left, right)).astype(np.float32) + 1e-6


def _box(x: np.ndarray, r: int) -> np.ndarray:
    return ndimage.uniform_filter(x, size=2 * r + 1, mode="reflect")


def guided_filter(I: np.ndarray, p: np.ndarray, r: int, eps: float) -> np.ndarray:
    """Colour guided filter (He, Sun, Tang 2010): p filtered so that its edges follow
    those of the guide I (HxWx3 in [0,1])."""
    I = I.astype(np.float64)
    p = p.astype(np.float64)
    mI = [_box(I[..., c], r) for c in range(3)]
    mp = _box(p, r)
    cov = np.stack([_box(I[..., c] * p, r) - mI[c] * mp for c in range(3)], -1)
    S = np.empty(p.shape + (3, 3))
    for i in range(3):
        for j in range(i, 3):
            v = _box(I[..., i] * I[..., j], r) - mI[i] * mI[j] + (eps if i == j else 0.0)
            S[..., i, j] = v
            S[..., j, i] = v
    a = np.linalg.solve(S, cov[..., None])[..., 0]
    b = mp - sum(a[..., c] * mI[c] for c in range(3))
    return (sum(_box(a[..., c], r) * I[..., c] for c in range(3)) + _box(b, r)).astype(np.float32)


def person_alpha(seg: Segmenter, rgb: np.ndarray, face_box: list[float],
                 edge_px: float = 3.0, support: float = 0.02,
                 guide: tuple[float, float] | None = None, fix=None) -> tuple[np.ndarray, dict]:
    """The exact alpha used for a source: model probability (a whole-image pass and a
    head-and-shoulders pass, blended), sharpened with a logistic curve so that the
    10-90 % transition is about `edge_px` source pixels, then every part not connected
    to the component holding the face removed."""
    h, w = rgb.shape[:2]
    fx, fy, fw, fh = face_box
    side_all = max(w, h)
    acc = np.zeros((h, w), np.float32)
    wsum = np.zeros((h, w), np.float32)
    acc += seg.prob_whole(rgb)
    wsum += 1.0
    passes = [{"whole": "picture stretched to 256x256 (MediaPipe's default, no letterbox)", "weight": "1"}]
    # head-and-shoulders pass: 3.4 face widths square, the head in its upper part
    side_hs = int(round(min(side_all, 3.4 * fw)))
    if side_hs < 0.8 * side_all:
        cx = fx + fw / 2
        x0 = int(round(cx - side_hs / 2))
        y0 = int(round(fy - 0.75 * fw))
        wt = _feather(side_hs, x0, y0, w, h) * 4.0
        p_hs = seg.prob_square(rgb, (x0, y0, side_hs))
        _paste(acc, wsum, p_hs, wt, x0, y0)
        passes.append({"square": [x0, y0, side_hs], "weight": "4, cosine feather over 10 % of the side"})
    p = acc / np.maximum(wsum, 1e-6)
    model_px = (side_hs if len(passes) > 1 else side_all) / 256.0
    if guide is not None:  # pull the edge onto the picture's own edges
        r = max(1, int(round(guide[0] * model_px)))
        p = np.clip(guided_filter(rgb.astype(np.float32) / 255.0, p, r, guide[1]), 0, 1)
    fixes = None
    if fix is not None:  # the source's own corrections (background chunks the model kept)
        p, fixes = fix(p)

    # logistic sharpening, gain from the probability's own slope at its 0.5 contour
    gy, gx = np.gradient(p)
    g = np.hypot(gx, gy)
    band = (p > 0.3) & (p < 0.7)
    slope = float(np.median(g[band])) if band.any() else 0.25
    k = max(10.0, 4.394 / (edge_px * max(slope, 1e-4)))  # sigmoid 10-90 % spans 4.394/k; at least 10: no haze
    lo, hi = 1 / (1 + math.exp(k / 2)), 1 / (1 + math.exp(-k / 2))
    a = (1 / (1 + np.exp(-np.clip(k * (p - 0.5), -60, 60))) - lo) / (hi - lo)
    a = np.clip(a, 0.0, 1.0).astype(np.float32)

    # partial alpha only near the person's outline: no faint haze far out in the background
    halo = max(6.0, 2.0 * edge_px)
    dist = ndimage.distance_transform_edt(a < 0.5)
    a = (a * (1 - np.clip((dist - halo) / halo, 0, 1))).astype(np.float32)

    # small holes inside the person (where the model hesitated on a collar or a placket) filled
    solid = a >= 0.5
    holes = ndimage.binary_fill_holes(solid) & ~solid
    hl, hn = ndimage.label(holes)
    filled = 0
    if hn:
        areas = ndimage.sum(np.ones_like(a), hl, range(1, hn + 1))
        small = np.isin(hl, 1 + np.nonzero(areas < 0.001 * solid.sum())[0])
        if small.any():
            grow = ndimage.binary_dilation(small, iterations=2)
            a = np.where(grow, 1.0, a).astype(np.float32)
            filled = int(small.sum())

    # keep only what is connected to the face (on the soft support, so the skirts go too)
    lab, n = ndimage.label(a > support)
    cxi = int(np.clip(fx + fw / 2, 0, w - 1)); cyi = int(np.clip(fy + fh / 2, 0, h - 1))
    keep = lab[cyi, cxi]
    if keep == 0:  # face centre not inside (should not happen): keep the largest
        sizes = ndimage.sum(np.ones_like(a), lab, range(1, n + 1))
        keep = int(np.argmax(sizes)) + 1
    removed = float(a[(lab != keep)].sum() / max(a.sum(), 1e-6))
    a[lab != keep] = 0.0
    a[a < 1.0 / 510] = 0.0  # below half an 8-bit step: nothing

    # measured transition width (10-90 %) in source pixels, along the contour
    gy, gx = np.gradient(a)
    ga = np.hypot(gx, gy)
    band = (a > 0.4) & (a < 0.6)
    width = float(1.1 / np.median(ga[band])) if band.any() else float("nan")  # sigmoid: 10-90 % = 1.1/slope
    settings = {
        "model": "mediapipe 0.10.14 " + SEGMENTER_PATH + " (256x256 RGB in [0,1], output is a probability)",
        "runtime": "LiteRT (ai-edge-litert), 1 thread, mirror-averaged",
        "passes": passes,
        "upsample": "bicubic (Pillow) from 256x256 to each pass's square in source pixels",
        "guided_filter": None if guide is None else {"guide": "source RGB", "radius_px": r, "eps": guide[1],
                                                     "radius_in_model_px": guide[0]},
        "sharpen": "alpha = (sigmoid(k*(p-0.5)) - sigmoid(-k/2)) / (sigmoid(k/2) - sigmoid(-k/2))",
        "k": round(k, 3),
        "prob_slope_at_half_per_px": round(slope, 5),
        "target_edge_10_90_px": edge_px,
        "measured_edge_10_90_px": round(width, 2),
        "fixes": fixes,
        "small_holes_filled_px": filled,
        "haze": f"alpha faded to 0 from {halo:g} to {2 * halo:g} px outside the 0.5 outline",
        "blobs": f"kept the component of alpha > {support} that holds the face centre",
        "alpha_share_removed_as_detached_blobs": round(removed, 5),
        "partial_alpha_share": round(float(((a > 0.05) & (a < 0.95)).sum() / max((a > 0.5).sum(), 1)), 4),
    }
    return a, settings

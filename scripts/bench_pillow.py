"""Times with Pillow the operations `kiosk bench image` timed, on the inputs it wrote,
and prints both medians side by side. Usage: bench_pillow.py DIR (DIR holds kiosk.json)."""
import io
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import PIL
from PIL import Image, features


def median_ms(body, iterations=30, warmup=3):
    for _ in range(warmup):
        body()
    timings = []
    for _ in range(iterations):
        start = time.perf_counter()
        body()
        timings.append((time.perf_counter() - start) * 1e3)
    return statistics.median(timings)


def decode(data, reduce=1):
    def run():
        image = Image.open(io.BytesIO(data))
        if reduce > 1:
            image.draft("RGB", (image.width // reduce, image.height // reduce))
        image.load()
    return run


def yuyv_to_rgb(raw, width, height):
    # Pillow has no packed 4:2:2 decoder; numpy applies the same BT.601 limited-range equations.
    def run():
        p = np.frombuffer(raw, dtype=np.uint8).reshape(height, width // 2, 4).astype(np.float32)
        y = np.stack([p[..., 0], p[..., 2]], axis=-1).reshape(height, width) - 16.0
        u = np.repeat(p[..., 1] - 128.0, 2, axis=1)
        v = np.repeat(p[..., 3] - 128.0, 2, axis=1)
        c = 1.164 * y
        rgb = np.stack([c + 1.596 * v, c - 0.813 * v - 0.391 * u, c + 2.018 * u], axis=-1)
        np.clip(rgb, 0, 255).astype(np.uint8)
    return run


def main(folder):
    folder = Path(folder)
    kiosk = {r["name"]: r for r in json.loads((folder / "kiosk.json").read_text())}
    f720 = (folder / "frame-1280x720.jpg").read_bytes()
    f1080 = (folder / "frame-1920x1080.jpg").read_bytes()
    frame1080 = Image.open(io.BytesIO(f1080)).convert("RGB")
    portrait = frame1080.crop(((1920 - 810) // 2, 0, (1920 - 810) // 2 + 810, 1080))
    photo = Image.frombytes("RGB", (480, 640), (folder / "photo-480x640.rgb").read_bytes())
    window_name = next(n for n in kiosk if n.startswith("encode 480×640 once"))
    quality = int(window_name.rsplit("q", 1)[1])

    def encode():
        photo.save(io.BytesIO(), "JPEG", quality=quality, optimize=True, dpi=(300, 300))

    pillow = {
        "JPEG decode 1280×720 full": median_ms(decode(f720)),
        "JPEG decode 1280×720 1/4": median_ms(decode(f720, 4)),
        "JPEG decode 1920×1080 full": median_ms(decode(f1080)),
        "JPEG decode 1920×1080 1/4": median_ms(decode(f1080, 4)),
        "YUYV→RGB 1280×720": median_ms(yuyv_to_rgb((folder / "frame-1280x720.yuyv").read_bytes(), 1280, 720)),
        "Lanczos 810×1080 (3:4 of 1080p) → 480×640": median_ms(
            lambda: portrait.resize((480, 640), Image.Resampling.LANCZOS)),
        window_name: median_ms(encode),
    }
    turbo = features.version("libjpeg_turbo") or "?"
    print(f"\nSide by side (medians, ms): kiosk vs Pillow {PIL.__version__} (libjpeg-turbo {turbo}), same inputs")
    print(f"  {'operation':46} {'kiosk':>9} {'Pillow':>9} {'Pillow/kiosk':>13}")
    for name, theirs in pillow.items():
        ours = kiosk[name]["medianMilliseconds"]
        note = " (numpy)" if name.startswith("YUYV") else ""
        print(f"  {name:46} {ours:9.3f} {theirs:9.3f} {theirs / ours:12.2f}×{note}")
    search = kiosk["encode 480×640 into 20–40 KB"]
    print(f"  the byte-window search took {search['medianMilliseconds']:.3f} ms for "
          f"{int(search['figures']['encodes'])} encodes, landing {int(search['figures']['bytes'])} bytes at q{quality}")


if __name__ == "__main__":
    main(sys.argv[1])

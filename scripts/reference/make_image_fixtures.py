#!/usr/bin/env python3
"""Writes the test fixtures of clearbg.model.image and clearbg.model.transform.

Run with the reference virtual environment (numpy, scikit-image, Pillow, opencv-python-headless):
    python scripts/reference/make_image_fixtures.py   (packages: scripts/reference/requirements.txt)
Arrays are raw little-endian float32 (.f32) or uint8 (.u8), C order; manifest.json gives their shapes.
The reference semantics are the original U-2-Net data_loader.py (RescaleT, ToTensorLab flag 0), Pillow's
Image.resize(BILINEAR) on mode "F", and cv2.imread(IMREAD_GRAYSCALE).
"""
import json
import os

import cv2
import numpy as np
import PIL
import skimage
from PIL import Image
from skimage import transform

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "model", "src", "test", "resources")
IMAGE_DIR = os.path.join(ROOT, "image")
TRANSFORM_DIR = os.path.join(ROOT, "transform")
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)

manifest = {"versions": {"numpy": np.__version__, "scikit-image": skimage.__version__,
                         "Pillow": PIL.__version__, "opencv": cv2.__version__}, "arrays": {}}


def save(name, array, kind="f32"):
    array = np.ascontiguousarray(array.astype("<f4" if kind == "f32" else np.uint8))
    path = os.path.join(TRANSFORM_DIR, name + "." + kind)
    array.tofile(path)
    manifest["arrays"][name] = {"file": name + "." + kind, "shape": list(array.shape)}


def to_tensor_lab(image, label):
    """ToTensorLab(flag=0) of the original, restated: HWC float64 in, CHW out."""
    label = label if np.max(label) < 1e-6 else label / np.max(label)
    image = image / np.max(image)
    out = np.zeros((image.shape[0], image.shape[1], 3))
    for c in range(3):
        src, stat = (0, 0) if image.shape[2] == 1 else (c, c)
        out[:, :, c] = (image[:, :, src] - MEAN[stat]) / STD[stat]
    return out.transpose((2, 0, 1)), label.transpose((2, 0, 1))


def image_fixtures():
    os.makedirs(IMAGE_DIR, exist_ok=True)
    # CMYK JPEG (Adobe APP14): left half no ink (white), right half full black ink.
    cmyk = np.zeros((8, 16, 4), np.uint8)
    cmyk[:, 8:, 3] = 255
    Image.fromarray(cmyk, mode="CMYK").save(os.path.join(IMAGE_DIR, "cmyk.jpg"), quality=95)
    # A colour mask and OpenCV's grey reading of it.
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, size=(9, 11, 3), dtype=np.uint8)
    path = os.path.join(IMAGE_DIR, "colour_mask.png")
    Image.fromarray(rgb, mode="RGB").save(path)
    save("colour_mask_cv2_grey", cv2.imread(path, cv2.IMREAD_GRAYSCALE), kind="u8")


def transform_fixtures():
    os.makedirs(TRANSFORM_DIR, exist_ok=True)
    rng = np.random.default_rng(12345)
    image = rng.integers(0, 256, size=(23, 37, 3), dtype=np.uint8)
    label = rng.choice(np.array([0, 128, 255], np.uint8), size=(23, 37, 1))
    save("input_image", image)
    save("input_label", label)
    for size in (16, 50):
        resized = transform.resize(image, (size, size), mode="constant", anti_aliasing=False)
        save(f"rescale{size}_image", resized)  # 0..1, as skimage returns for uint8 input
        resized_label = transform.resize(label, (size, size), mode="constant", order=0, preserve_range=True)
        save(f"rescale{size}_label", resized_label)
    even_label = rng.integers(0, 256, size=(24, 36, 1), dtype=np.uint8)  # factor 2: every coordinate a tie
    save("input_even_label", even_label)
    save("rescale_tie_label", transform.resize(even_label, (12, 18), mode="constant", order=0, preserve_range=True))
    tensor_image, tensor_label = to_tensor_lab(image.astype(np.float64), label.astype(np.float64))
    save("tolab_rgb_image", tensor_image)
    save("tolab_rgb_label", tensor_label)
    grey = image[:, :, 1:2].astype(np.float64)
    grey_tensor, _ = to_tensor_lab(grey, label.astype(np.float64))
    save("input_grey", grey)
    save("tolab_grey_image", grey_tensor)
    field = rng.random((23, 37), dtype=np.float32)
    save("input_map", field)
    for w, h in ((10, 7), (61, 40), (37, 50), (5, 23), (100, 3)):
        resized = np.asarray(Image.fromarray(field, mode="F").resize((w, h), Image.BILINEAR))
        save(f"pil_{w}x{h}", resized)


if __name__ == "__main__":
    image_fixtures()
    transform_fixtures()
    with open(os.path.join(TRANSFORM_DIR, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)

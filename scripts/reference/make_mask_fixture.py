#!/usr/bin/env python3
"""Writes the end-to-end mask fixture: what the ORIGINAL U-2-Net inference path (u2net_test.py) makes of a
few images with the parity fixture's seeded U2NETP weights, for the Java predictor to be checked against.

The path, step by step as in u2net_test.py and data_loader.py of xuebinqin/U-2-Net (imported from the
checkout given with --u2net-repo):
  skimage.io.imread -> RescaleT(320) -> ToTensorLab(flag=0) -> U2NETP in eval mode, output d1 (the fused map)
  -> normPRED (min-max) -> Image.fromarray(pred * 255).convert('RGB') -> resize to the image size with
  Image.BILINEAR -> channel 0 as the 8-bit mask.
RescaleT calls skimage.transform.resize without anti_aliasing; scikit-image 0.14, which the original
pinned, did not anti-alias by default, so anti_aliasing=False is passed here to keep that behaviour on
current scikit-image (which would add a Gaussian pre-filter when shrinking).

Outputs (into --out, default model/src/test/resources/masks): <name>.png or .jpg, the input images
(generated here from --seed: shapes on gradients, odd sizes, wider and taller than square, one smaller
than 320), and <name>.mask.png, the reference masks. expected.json lists them with the settings.

Usage: python scripts/reference/make_mask_fixture.py --u2net-repo PATH/TO/U-2-Net [--out DIR]
Needs the packages of scripts/reference/requirements.txt.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
from PIL import Image, ImageDraw

SIZES = {"wide": (211, 97), "tall": (75, 160), "small": (61, 53), "large": (530, 401)}


def make_image(name, width, height, rng):
    yy, xx = np.mgrid[0:height, 0:width]
    base = np.stack([(xx * 255 // max(1, width - 1)), (yy * 255 // max(1, height - 1)), np.full_like(xx, 90)], axis=-1)
    image = Image.fromarray(base.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(3):
        x0, y0 = int(rng.integers(0, width // 2)), int(rng.integers(0, height // 2))
        x1, y1 = int(rng.integers(x0 + 8, width)), int(rng.integers(y0 + 8, height))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    return image


def original_mask(net, path, to_tensor, norm_pred):
    from skimage import io, transform

    image = io.imread(path)
    label = np.zeros(image.shape[0:2] + (1,))
    # RescaleT(320)'s two resize calls, with scikit-image 0.14's default of no anti-aliasing
    resized = transform.resize(image, (320, 320), mode="constant", anti_aliasing=False)
    resized_label = transform.resize(label, (320, 320), mode="constant", order=0, preserve_range=True)
    sample = to_tensor({"imidx": np.array([0]), "image": resized, "label": resized_label})
    x = sample["image"].unsqueeze(0).float()
    with torch.no_grad():
        d1 = net(x)[0]
    pred = norm_pred(d1[:, 0, :, :]).squeeze().cpu().numpy()
    im = Image.fromarray(pred * 255).convert("RGB")
    imo = im.resize((image.shape[1], image.shape[0]), resample=Image.BILINEAR)
    return np.array(imo)[:, :, 0]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--u2net-repo", required=True, help="checkout of xuebinqin/U-2-Net")
    parser.add_argument("--weights", default=os.path.join("model", "src", "test", "resources", "parity", "u2netp_seeded.pth"))
    parser.add_argument("--out", default=os.path.join("model", "src", "test", "resources", "masks"))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    sys.path.insert(0, args.u2net_repo)
    from data_loader import ToTensorLab  # the original code, from the given checkout
    from model.u2net import U2NETP
    from u2net_test import normPRED

    torch.set_num_threads(1)
    net = U2NETP(3, 1)
    net.load_state_dict(torch.load(args.weights, map_location="cpu", weights_only=True), strict=True)
    net.eval()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    written = []
    for index, (name, (width, height)) in enumerate(SIZES.items()):
        file = name + (".jpg" if index % 2 else ".png")
        path = os.path.join(args.out, file)
        image = make_image(name, width, height, rng)
        if file.endswith(".jpg"):
            image.save(path, quality=92)
        else:
            image.save(path)
        mask = original_mask(net, path, ToTensorLab(flag=0), normPRED)
        Image.fromarray(mask, "L").save(os.path.join(args.out, name + ".mask.png"))
        written.append({"image": file, "mask": name + ".mask.png", "width": width, "height": height})
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump({"weights": "parity/u2netp_seeded.pth", "input_size": 320, "seed": args.seed,
                   "torch": torch.__version__, "images": written}, f, indent=2)
    print(f"wrote {len(written)} images and reference masks to {args.out}")


if __name__ == "__main__":
    main()

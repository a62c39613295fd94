"""The screenshot comparison on images drawn here: what counts as a difference."""

from __future__ import annotations

from browser_checks import CHANNEL_THRESHOLD, MAX_DIFFERING_SHARE, compare_images
from PIL import Image, ImageDraw

SIZE = (200, 100)


def page_image() -> Image.Image:
    image = Image.new("RGB", SIZE, (250, 250, 250))
    ImageDraw.Draw(image).rectangle((20, 20, 120, 40), fill=(30, 60, 90))
    return image


def test_identical_images_pass() -> None:
    mismatch, marked = compare_images(page_image(), page_image())
    assert mismatch.differing == 0
    assert not mismatch.failed
    assert marked is not None


def test_small_shift_below_threshold_ignored() -> None:
    actual = page_image()
    # Every pixel off by the threshold exactly, as anti-aliasing noise might be.
    actual = Image.eval(actual, lambda level: max(level - CHANNEL_THRESHOLD, 0))
    mismatch, _ = compare_images(page_image(), actual)
    assert mismatch.differing == 0
    assert not mismatch.failed


def test_block_beyond_share_fails() -> None:
    actual = page_image()
    # 12 x 10 pixels of 20,000 is 0.6 %, just above the 0.5 % allowed.
    ImageDraw.Draw(actual).rectangle((150, 60, 161, 69), fill=(255, 0, 255))
    mismatch, marked = compare_images(page_image(), actual)
    assert mismatch.differing == 120
    assert mismatch.share > MAX_DIFFERING_SHARE
    assert mismatch.failed
    assert marked is not None
    assert marked.getpixel((155, 65)) == (255, 0, 0)
    assert marked.getpixel((5, 5)) != (255, 0, 0)


def test_block_within_share_passes() -> None:
    actual = page_image()
    # 10 x 10 pixels of 20,000 is 0.5 %, exactly the share allowed.
    ImageDraw.Draw(actual).rectangle((150, 60, 159, 69), fill=(255, 0, 255))
    mismatch, _ = compare_images(page_image(), actual)
    assert mismatch.differing == 100
    assert not mismatch.failed


def test_one_channel_over_threshold_counts() -> None:
    actual = page_image()
    actual.putpixel((0, 0), (250, 250, 250 - CHANNEL_THRESHOLD - 1))
    mismatch, _ = compare_images(page_image(), actual)
    assert mismatch.differing == 1


def test_size_change_fails() -> None:
    taller = Image.new("RGB", (SIZE[0], SIZE[1] + 10), (250, 250, 250))
    mismatch, marked = compare_images(page_image(), taller)
    assert mismatch.failed
    assert mismatch.size_problem == "size 200x110, baseline 200x100"
    assert marked is None

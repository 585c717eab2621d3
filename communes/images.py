"""Photos and scanned sheets: checked with Pillow when they arrive, shown as thumbnails.

A 20,000 x 20,000 image is a small PNG file (one colour compresses well) but 1.2 GB once
decoded: every reader's browser would be asked to draw it, and the server to decode it for
a thumbnail. Images are refused above ``MAX_PIXELS`` before anything is decoded (Pillow reads
the size from the header); the session page shows a small JPEG drawn at upload time, and the
original stays downloadable through the same access door.
"""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 40-megapixel camera; a phone takes 12, an A4 scan at 300 dpi 9
THUMBNAIL_SIZE = (480, 480)
FORMATS = {"image/jpeg": {"JPEG", "MPO"}, "image/png": {"PNG"}}  # MPO: phones' JPEG variant


class ImageRefused(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.message, self.code = message, code


TOO_LARGE = _(
    "This image has more than 40 million pixels (for example 8000 x 5000). Reduce its size, "
    "then attach it again."
)
UNREADABLE = _("This image cannot be read: the file is damaged or incomplete.")


def thumbnail(upload, content_type: str) -> bytes:
    """Check an uploaded image and return its thumbnail (JPEG), or raise ``ImageRefused``."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that: make it an error too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ImageRefused(TOO_LARGE, "too_many_pixels")
                if image.format not in FORMATS.get(content_type, ()):
                    raise ImageRefused(UNREADABLE, "unreadable_image")
                image.thumbnail(THUMBNAIL_SIZE)  # JPEG: decoded at 1/2 to 1/8 of its size
                small = ImageOps.exif_transpose(image)  # upright, as the camera held it
                return _jpeg(small)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused(TOO_LARGE, "too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise ImageRefused(UNREADABLE, "unreadable_image") from error
    finally:
        upload.seek(0)


def _jpeg(image: Image.Image) -> bytes:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        # Transparent parts on white, as the page shows them.
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Saved without the original's metadata (the camera's EXIF, a place of shooting).
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()

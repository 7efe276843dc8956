from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from brightkitchen.core.errors import FieldError
from brightkitchen.core.uploads import MAX_PHOTO_BYTES, store_document, store_photo


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


def _jpeg_with_gps(size: tuple[int, int] = (1200, 900)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_photo_loses_its_location_and_gets_a_thumbnail() -> None:
    raw = _jpeg_with_gps()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get(0x8825)  # the upload really carries GPS
    stored = store_photo(SimpleUploadedFile("p.jpg", raw, "image/jpeg"), "photo", "tests")
    with default_storage.open(stored.path) as f, Image.open(f) as saved:
        assert not saved.getexif()  # no EXIF at all: no GPS, no camera
        assert saved.size == (1200, 900)
    with default_storage.open(stored.thumbnail) as f, Image.open(f) as thumb:
        assert max(thumb.size) == 320


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty"),
        (b"GIF89a not really", "bad_type"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "bad_type"),
        (b"<script>alert(1)</script>", "bad_type"),
    ],
)
def test_bad_files_are_refused_naming_the_field(content: bytes, code: str) -> None:
    with pytest.raises(FieldError) as caught:
        store_photo(SimpleUploadedFile("x.jpg", content, "image/jpeg"), "photo", "tests")
    assert caught.value.field == "photo" and caught.value.code == code


def test_huge_files_are_refused_before_decoding() -> None:
    upload = SimpleUploadedFile("big.jpg", b"\xff" * (MAX_PHOTO_BYTES + 1), "image/jpeg")
    with pytest.raises(FieldError) as caught:
        store_photo(upload, "photo", "tests")
    assert caught.value.code == "too_large"


def test_a_gif_is_not_a_photo_format_we_keep() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="GIF")
    with pytest.raises(FieldError):
        store_photo(SimpleUploadedFile("a.gif", out.getvalue(), "image/gif"), "photo", "tests")


def test_documents_accept_pdf_and_photos() -> None:
    pdf = store_document(
        SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"), "certificate", "t"
    )
    assert pdf.content_type == "application/pdf" and pdf.thumbnail == ""
    photo = store_document(
        SimpleUploadedFile("c.jpg", _jpeg_with_gps((50, 50)), "image/jpeg"), "certificate", "t"
    )
    assert photo.content_type == "image/jpeg"

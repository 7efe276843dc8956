"""Photos and documents uploaded from phones: checked for type and size, stripped of location and
other metadata, stored with a thumbnail. The one place every record with evidence goes through."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from brightkitchen.core.errors import FieldError

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is refused rather than decoded
PHOTO_MAX_SIDE = 2560  # stored photos are scaled down to this; plenty to read a certificate
THUMB_SIDE = 320
_PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "HEIF": "jpg", "MPO": "jpg"}


@dataclass(frozen=True)
class StoredFile:
    path: str
    thumbnail: str  # empty for a PDF
    content_type: str
    size: int


def store_photo(upload: UploadedFile[bytes], field: str, folder: str) -> StoredFile:
    """Validate an image, drop its metadata (EXIF GPS, camera serials) by re-encoding the pixels,
    fix its orientation, and store it with a thumbnail. Raises FieldError naming `field`."""
    size = upload.size or 0
    if size > MAX_PHOTO_BYTES:
        raise FieldError(field, _("The photo is larger than 10 MB."), code="too_large")
    if size == 0:
        raise FieldError(field, _("The file is empty."), code="empty")
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in _PHOTO_FORMATS:
                raise FieldError(field, _("Send a JPEG, PNG or WebP photo."), code="bad_type")
            if probe.width * probe.height > MAX_PIXELS:
                raise FieldError(field, _("The photo has too many pixels."), code="too_large")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            clean = ImageOps.exif_transpose(image).convert("RGB")
    except FieldError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise FieldError(field, _("This file is not a readable photo."), code="bad_type") from None
    clean.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    name = _name(folder, "jpg")
    path = default_storage.save(name, ContentFile(_jpeg(clean, 85)))
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb_path = default_storage.save(name.replace(".jpg", "-thumb.jpg"), ContentFile(_jpeg(thumb, 75)))
    return StoredFile(path, thumb_path, "image/jpeg", default_storage.size(path))


def store_document(upload: UploadedFile[bytes], field: str, folder: str) -> StoredFile:
    """A photo, or a PDF (certificates are often scanned to PDF)."""
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        return store_photo(upload, field, folder)
    if (upload.size or 0) > MAX_PDF_BYTES:
        raise FieldError(field, _("The PDF is larger than 20 MB."), code="too_large")
    path = default_storage.save(_name(folder, "pdf"), ContentFile(upload.read()))
    return StoredFile(path, "", "application/pdf", default_storage.size(path))


def delete_files(paths: Iterable[str]) -> None:
    """Delete stored files (an empty path, such as a PDF's missing thumbnail, is skipped)."""
    for path in paths:
        if path:
            default_storage.delete(path)


@contextmanager
def removed_on_error(stored: list[StoredFile]) -> Iterator[None]:
    """Delete the files stored for a record that was then refused, so a refusal leaves no orphans. Pass the
    list the files are appended to; whatever it holds when an error leaves the block is deleted."""
    try:
        yield
    except BaseException:
        delete_files(path for item in stored for path in (item.path, item.thumbnail))
        raise


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= : nothing carried over
    return out.getvalue()


def _name(folder: str, extension: str) -> str:
    day = timezone.localdate()
    return f"{folder}/{day:%Y/%m/%d}/{uuid.uuid4().hex}.{extension}"


def file_url(path: str) -> str:
    return default_storage.url(path) if path else ""


def serve(path: str) -> HttpResponseBase:
    """Send a stored file to a user the caller has already checked (evidence is jurisdiction-scoped,
    so it is never served from a public URL): a stream from local storage, or a short-lived signed
    redirect when the storage is S3.

    Only the pictures the platform re-encoded itself are shown inline. A PDF is uploaded as it came, so
    it is always a download (`Content-Disposition: attachment`), never rendered from the platform's own
    origin (a PDF viewer runs the document's scripts and links in that origin); `nosniff` on every file."""
    if not path or not default_storage.exists(path):
        raise Http404
    is_pdf = path.endswith(".pdf")
    content_type = "application/pdf" if is_pdf else "image/jpeg"
    name = path.rsplit("/", 1)[-1]
    disposition = f'{"attachment" if is_pdf else "inline"}; filename="{name}"'
    if getattr(settings, "S3_BUCKET", ""):  # S3Storage signs the answer's headers into the redirect
        parameters = {"ResponseContentDisposition": disposition, "ResponseContentType": content_type}
        url = default_storage.url(path, parameters=parameters)  # type: ignore[call-arg]
    else:
        url = default_storage.url(path)
    if url.startswith(("http://", "https://")):
        return HttpResponseRedirect(url)
    response = FileResponse(
        default_storage.open(path, "rb"), content_type=content_type, as_attachment=is_pdf, filename=name
    )
    if not is_pdf:
        response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response

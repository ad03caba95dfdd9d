"""Images (JPEG, PNG, GIF, TIFF, WebP, BMP, through Pillow): size and format, and from EXIF the
time taken (camera clock; UTC only when the offset is recorded), the camera and the GPS position."""

from __future__ import annotations

import re
import warnings
from datetime import datetime
from pathlib import Path

from .... import timefmt
from ....errors import InputError
from ..documents import ExtractedDocument, GeoPoint
from .common import CheckCancel, Head

KIND = "image"
LABEL = "image"
TEXTUAL = False
EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".tif", ".tiff", ".webp", ".bmp")

MAX_READER_NOTES = 20
# Images larger than this are not decoded at full size (memory grows with the pixels).
MAX_DECODE_PIXELS = 16_000_000
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


def served_as(media_type: str) -> bool:
    """Any ``image/...`` but SVG (an XML text, read as such when sniffed)."""
    return media_type.startswith("image/") and media_type != "image/svg+xml"


def sniff(head: Head) -> bool:
    data = head.data
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP") or _is_bmp(data)


def _is_bmp(head: bytes) -> bool:
    # "BM" alone would claim any text that starts with "BMW"; the reserved bytes must be zero.
    return head[:2] == b"BM" and len(head) >= 14 and head[6:10] == b"\x00\x00\x00\x00"


def read(path: Path, check_cancel: CheckCancel) -> ExtractedDocument:
    from PIL import Image, UnidentifiedImageError

    try:
        # Pillow's own warnings (a corrupt EXIF block...) become the document's notes, never stderr.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                media_type = Image.MIME.get(image.format or "", "application/octet-stream")
                size = image.size
                exif = _exif(image)
                document = ExtractedDocument(kind="image", media_type=media_type,
                                             metadata={"width_px": str(size[0]), "height_px": str(size[1]),
                                                       "format": image.format or ""})
                _apply_exif(document, exif)
                _decode(image, path, document)   # a truncated image must fail here, not in the viewer
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise InputError(f"not a readable image ({error})", path=path) from None
    notes = dict.fromkeys(" ".join(str(w.message).split())[:200] for w in caught)
    document.warnings.extend(f"image reader: {note}" for note in list(notes)[:MAX_READER_NOTES])
    return document


def _exif(image):
    """The image's EXIF. Pillow decodes a whole PNG to look for an EXIF chunk after the
    pixels; past :data:`MAX_DECODE_PIXELS` only one found before them is read."""
    from PIL import Image
    if (image.size[0] * image.size[1] > MAX_DECODE_PIXELS and image.format != "JPEG"
            and "exif" not in image.info):
        return Image.Exif()
    return image.getexif()


def _decode(image, path: Path, document: ExtractedDocument) -> None:
    """Decode the whole image, in bounded memory: up to :data:`MAX_DECODE_PIXELS` at full
    size; a larger JPEG at a reduced scale (every byte still decoded), any other larger
    image checked by its format's own verification without decoding (and the note says so)."""
    width, height = image.size
    if width * height <= MAX_DECODE_PIXELS:
        image.load()
        return
    megapixels = f"{width * height / 1e6:.0f} megapixels"
    if image.format == "JPEG":
        image.draft(image.mode, (width // 8 + 1, height // 8 + 1))
        image.load()
        document.warnings.append(f"the image ({megapixels}) was decoded at a reduced scale "
                                 "to bound memory")
    else:
        from PIL import Image
        with Image.open(path) as fresh:   # verify() must come straight after opening
            fresh.verify()
        document.warnings.append(f"the image ({megapixels}) was checked by its format's "
                                 "verification, not decoded, to bound memory")


# EXIF tag numbers (EXIF 2.32): IFD0, the Exif sub-IFD and the GPS sub-IFD.
_TAG_MAKE, _TAG_MODEL, _TAG_DATETIME, _TAG_DESCRIPTION = 0x010F, 0x0110, 0x0132, 0x010E
_TAG_DATETIME_ORIGINAL, _TAG_OFFSET_ORIGINAL, _TAG_MAKER_NOTE = 0x9003, 0x9011, 0x927C
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON, _GPS_ALT_REF, _GPS_ALT = 1, 2, 3, 4, 5, 6
_MAX_EXIF_VALUE_BYTES = 1024


def _apply_exif(document: ExtractedDocument, exif) -> None:
    from PIL import ExifTags

    base = dict(exif.items())
    sub = dict(exif.get_ifd(ExifTags.IFD.Exif).items())
    gps = dict(exif.get_ifd(ExifTags.IFD.GPSInfo).items())
    for tags, names, prefix in ((base, ExifTags.TAGS, ""), (sub, ExifTags.TAGS, ""), (gps, ExifTags.GPSTAGS, "GPS")):
        for tag, value in tags.items():
            if tag in (ExifTags.IFD.Exif, ExifTags.IFD.GPSInfo, _TAG_MAKER_NOTE):
                continue
            name = names.get(tag, f"0x{tag:04X}")
            document.exif[name if not prefix or name.startswith("GPS") else prefix + name] = _exif_text(value)
    document.camera_make = _clean_exif(base.get(_TAG_MAKE))
    document.camera_model = _clean_exif(base.get(_TAG_MODEL))
    document.title = _clean_exif(base.get(_TAG_DESCRIPTION))
    taken = _clean_exif(sub.get(_TAG_DATETIME_ORIGINAL)) or _clean_exif(base.get(_TAG_DATETIME))
    if taken:
        _apply_taken(document, taken, _clean_exif(sub.get(_TAG_OFFSET_ORIGINAL)))
    document.geo = _gps_point(gps, document)


def _exif_text(value) -> str:
    if isinstance(value, bytes):
        value = value[:_MAX_EXIF_VALUE_BYTES]
        printable = value.rstrip(b"\x00")
        if printable and all(32 <= byte < 127 for byte in printable):
            return printable.decode("ascii")
        return value.hex()
    if isinstance(value, tuple):
        return ", ".join(_exif_text(v) for v in value)
    return str(value).rstrip("\x00").strip()


def _clean_exif(value) -> str | None:
    if value is None:
        return None
    text = _exif_text(value).strip()
    return text or None


def _apply_taken(document: ExtractedDocument, taken: str, offset: str | None) -> None:
    """EXIF "YYYY:MM:DD HH:MM:SS" is camera-clock local time; UTC only with OffsetTimeOriginal."""
    try:
        moment = datetime.strptime(taken[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        document.warnings.append(f"EXIF time taken {taken!r} is not a valid date")
        return
    document.taken_local = moment.isoformat()
    if offset and re.fullmatch(r"[+-]\d{2}:\d{2}", offset):
        aware = timefmt.parse_iso(moment.isoformat() + offset)
        document.taken_local = aware.isoformat()
        document.taken_utc = timefmt.record_time(aware)


def _gps_point(gps: dict, document: ExtractedDocument) -> GeoPoint | None:
    if _GPS_LAT not in gps or _GPS_LON not in gps:
        return None
    try:
        lat = _degrees(gps[_GPS_LAT]) * (-1 if _clean_exif(gps.get(_GPS_LAT_REF)) == "S" else 1)
        lon = _degrees(gps[_GPS_LON]) * (-1 if _clean_exif(gps.get(_GPS_LON_REF)) == "W" else 1)
        alt = None
        if _GPS_ALT in gps:
            alt = float(gps[_GPS_ALT]) * (-1 if gps.get(_GPS_ALT_REF) in (1, b"\x01") else 1)
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        document.warnings.append("EXIF GPS position is malformed; kept in the EXIF data only")
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
        document.warnings.append("EXIF GPS position is out of range; kept in the EXIF data only")
        return None
    return GeoPoint(lat_deg=round(lat, 7), lon_deg=round(lon, 7),
                    alt_m=None if alt is None or alt != alt else round(alt, 2))


def _degrees(dms) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    return degrees + minutes / 60 + seconds / 3600



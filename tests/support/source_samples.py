"""Evidence files the tests write themselves: a PDF, a JPEG with EXIF, WARC and WACZ files."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

STORY_TEXT = """\
Moscow to Pyongyang: the Il-62M that keeps coming back

On 12 September 2023 a Russian government Ilyushin Il-62M, registration RA-86496, left
Moscow Vnukovo (VKO) and landed at Pyongyang Sunan International Airport (FNJ) about
eight hours later. Flight trackers showed the jet with Mode-S hex 155ABC under callsign
RSD062; the return leg on 14.09.2023 flew as RSD063. The route UUWW-ZKPY is rarely flown.

An Air Koryo Tu-204-300 (P-632) and the airline's IL62 P-885 were parked nearby, while an
Rossiya Special Flight Detachment Tu-214 RF-64519 waited in Vladivostok. Earlier reports
from September 10, 2023 mention an An-124 and a Boeing 737-800 on the apron.
"""

# Text with words that look like identifiers but are not (and no aviation context nearby).
NON_HITS_TEXT = """\
IT-WORKS is a consultancy with a CAN-DO attitude. THE END OF THE WAR? The CIA said so,
and the Central Intelligence Agency (CIA) briefed the USA-CAN trade talks. A B-SIDE
single played on C-SPAN. COVID-19 and N95 masks. The G-20 met. S-400 and T-90 are not
aircraft. ABC123 is a product code and 2023 was a year. AND, FOR, ARE, DAY, NEW.
Sunan is a district; LIME and WILL are words. The hex key was ABCDEF12.
"""


def make_pdf(path: Path, lines: list[str], *, title: str, author: str, created: str = "D:20230914103000+03'00'"):
    """A one-page PDF 1.4 with Helvetica text and an Info dictionary, written by hand."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        "/Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        f"<< /Title ({escape(title)}) /Author ({escape(author)}) /CreationDate ({created}) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    path.write_bytes(out.getvalue())
    return path


def make_jpeg_with_exif(path: Path) -> Path:
    """A small JPEG whose EXIF says: TestCam Model X, taken 2023-09-12 18:45:10 +09:00, at
    39°13'26.76"N 125°40'12"E (Pyongyang Sunan), 35 m."""
    from PIL import Image
    from PIL.TiffImagePlugin import IFDRational

    image = Image.new("RGB", (64, 48), (20, 40, 120))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x0110] = "Model X"
    exif[0x010E] = "Apron at Sunan"
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2023:09:12 18:45:10"
    details[0x9011] = "+09:00"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (IFDRational(39, 1), IFDRational(13, 1), IFDRational(2676, 100))
    gps[3] = "E"
    gps[4] = (IFDRational(125, 1), IFDRational(40, 1), IFDRational(12, 1))
    gps[5] = b"\x00"
    gps[6] = IFDRational(35, 1)
    image.save(path, "JPEG", exif=exif, quality=90)
    return path


def _response(writer, url, body: bytes, *, status="200 OK", content_type="text/html; charset=utf-8",
              extra=(), date="2023-09-14T08:00:00Z"):
    headers = StatusAndHeaders(status, [("Content-Type", content_type), *extra], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                       http_headers=headers, warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


ARTICLE_HTML = (b"<html><head><title>Sunan arrivals</title>"
                b"<meta property='article:published_time' content='2023-09-13T06:00:00Z'></head>"
                b"<body><article><p>The Il-62M RA-86496 arrived at Sunan airport.</p></article></body></html>")
SECOND_HTML = "<html><head><title>Второй</title></head><body><p>Самолёт RA-86496 прибыл.</p></body></html>".encode()
CHUNKED_PAGE = b"<html><head><title>Chunked page</title></head><body><p>stored chunked</p></body></html>"


def write_sample_warc(stream, *, gzip_records: bool = True) -> None:
    """A WARC with two HTML pages, an image, a 404 page, a chunked page and a resource record."""
    writer = WARCWriter(stream, gzip=gzip_records, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record("sample.warc", {"software": "osintdesk tests"}))
    _response(writer, "https://news.example/sunan", ARTICLE_HTML)
    _response(writer, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    _response(writer, "https://news.example/gone", b"<html>gone</html>", status="404 Not Found")
    _response(writer, "https://news.example/ru", SECOND_HTML, date="2023-09-15T10:00:00Z")
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(CHUNKED_PAGE), CHUNKED_PAGE)
    _response(writer, "https://news.example/chunked", chunked, extra=[("Transfer-Encoding", "chunked")])
    saved = b"<html><title>Saved</title><p>resource</p></html>"
    resource = writer.create_warc_record("https://news.example/saved.html", "resource",
                                         payload=io.BytesIO(saved), length=len(saved), warc_content_type="text/html",
                                         warc_headers_dict={"WARC-Date": "2023-09-16T00:00:00Z"})
    writer.write_record(resource)


def make_warc(path: Path, *, gzip_records: bool = True) -> Path:
    with open(path, "wb") as stream:
        write_sample_warc(stream, gzip_records=gzip_records)
    return path


def make_wacz(path: Path) -> Path:
    buffer = io.BytesIO()
    write_sample_warc(buffer)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.warc.gz", buffer.getvalue(), compress_type=zipfile.ZIP_STORED)
        archive.writestr("pages/pages.jsonl", json.dumps({"format": "json-pages-1.0"}) + "\n"
                         + json.dumps({"url": "https://news.example/sunan", "ts": "2023-09-14T08:00:00Z"}) + "\n")
        archive.writestr("datapackage.json", json.dumps({
            "profile": "data-package", "wacz_version": "1.1.1",
            "created": datetime(2023, 9, 16, tzinfo=timezone.utc).isoformat(),
            "resources": [{"name": "data.warc.gz", "path": "archive/data.warc.gz"}]}))
    return path


# A page whose image and stylesheet are recorded in the same WARC, by relative URLs.
RESOURCE_PAGE_URL = "https://news.example/gallery/apron.html"
RESOURCE_IMAGE_URL = "https://news.example/gallery/img/apron.png"
RESOURCE_CSS_URL = "https://news.example/static/site.css"
RESOURCE_PAGE_HTML = (b"<html><head><title>Apron gallery</title>"
                      b"<link rel='stylesheet' type='text/css' href='../static/site.css'></head>"
                      b"<body><h1>Apron at Sunan</h1><p>RA-86496 on the apron.</p>"
                      b"<p><img src='img/apron.png' width='120' height='80'></p>"
                      b"<p><img src='https://elsewhere.example/not-recorded.png'></p></body></html>")
RESOURCE_CSS = b"h1 { color: #b00020; } p { font-style: italic; }"


def make_png(width: int = 120, height: int = 80, colour=(200, 60, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def make_warc_with_resources(path: Path, *, gzip_records: bool = True) -> Path:
    """A WARC with one HTML page and, recorded beside it, the PNG and stylesheet it uses."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=gzip_records, warc_version="1.1")
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "osintdesk tests"}))
        _response(writer, RESOURCE_PAGE_URL, RESOURCE_PAGE_HTML)
        _response(writer, RESOURCE_IMAGE_URL, make_png(), content_type="image/png")
        _response(writer, RESOURCE_CSS_URL, RESOURCE_CSS, content_type="text/css")
    return path

"""Getting evidence and reading it, without Qt and without the case file.

This side of ``sources`` fetches bytes and reads files; the case side (the rest of
``sources``) stores what it returns. Nothing here imports the store or the case side
(``tests/sources/acquire/test_boundary.py`` checks it).

- ``web.capture_url``: fetch a URL, keep the exact bytes and a WARC/1.1 record of every hop
  (written by ``warc_writer``); ``web.read_captured``: what the captured body says, read by
  the type the server declared.
- ``files.read_evidence_file``: hash a local file and read what it says.
- ``readers``: one reader per kind of file (HTML, PDF, images with EXIF, text, Markdown,
  WARC, WACZ, other) in an explicit list, picked by content first and file name second.
- ``extract.extract_html``: title, main text, author, site and the page's own publication date.
- ``identifiers.find_identifiers``: aviation identifiers (found by ``flights.identifiers``)
  and dates, each with its position in the text.

The store consumes the plain dataclasses these return (``documents``, ``artifacts``).
"""

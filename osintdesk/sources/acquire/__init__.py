"""Evidence capture and reading, without Qt and without the case file.

- ``web.capture_url``: fetch a URL, keep the exact bytes and a WARC/1.1 record of every hop.
- ``files.read_evidence_file``: hash a local file and read what it says (HTML, PDF, images
  with EXIF, text, Markdown, WARC/WACZ pages).
- ``extract.extract_html``: title, main text, author, site and the page's own publication date.
- ``identifiers.find_identifiers`` / ``match_selectors``: aviation identifiers and the
  investigator's selectors, each with its position in the text.

The store consumes the plain dataclasses these return; nothing here writes to a case.
"""

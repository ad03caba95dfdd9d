"""Sources in the case: web pages and files, their captures, what they say, and finding them again.

Qt-free; the CLI, the window and the tests import the module they need and call its
functions with an open ``Case``. This package imports nothing itself, so that importing
``sources.acquire`` (which works without the case) never loads the store:

- ``web_capture.capture(case, urls, settings, session, ...)``: capture web pages.
- ``local_files.add_files(case, paths, ...)``: local files and the pages inside WARC/WACZ.
- ``selectors.add_selector`` / ``list_selectors``: words the investigator watches.
- ``search.search(case, query)``: full-text search with snippets.
- ``diff.diff_captures``: what changed between two captures.
- ``annotations.add_note`` / ``add_tag`` / ``set_assessment``: notes, tags, Admiralty grading.
- ``queries.list_sources``, ``sources_for_aircraft``... : reading it all back.
- ``retirement.retire_source`` / ``unretire_source``: setting a source aside (kept, hidden).
- ``linking.link_serials``: military serials of the case's aircraft found in the sources.
- ``evidence.list_artifacts`` / ``preview`` / ``export_copy``: every artifact, a checked copy.
- ``text.word_regex`` / ``find_word``: the one matching rule of selectors and search.

Every write goes through the case's audited record API inside one transaction, so a
failure leaves the case exactly as it was.
"""

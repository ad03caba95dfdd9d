"""The window's part for sources, one module per thing on screen:

- ``sources_ui``: ``SourcesUi``, what ``MainWindow`` adds for sources (pages, actions, the
  background work of capturing, adding files, writing and long reads);
- ``sources_page``: the list of sources, the search box and its results, the aircraft filter;
- ``viewer``: one source offline (page, text, metadata, captures and diff, notes);
- ``offline_browser``: the text browser that serves resources from the case or not at all;
- ``selectors_page``: the selectors and their hits;
- ``capture_dialogs``: Capture URLs and Capture settings;
- ``models``: the table models and the search snippet's painter.

The HTML shown is written by ``osintdesk.sources.viewer_html``; what is read comes from
``osintdesk.sources.queries``: no SQL here.
"""

from .sources_ui import SourcesUi

__all__ = ["SourcesUi"]

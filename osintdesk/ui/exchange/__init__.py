"""The window's part for exchange bundles, one module per thing on screen:

- ``exchange_ui``: ``ExchangeUi``, what ``MainWindow`` adds (File › Export Bundle, Merge
  Bundle, Open Bundle; the Conflicts page; the background work);
- ``dialogs``: export, the merge preview, a bundle looked at read-only, keeping a version;
- ``conflicts_page``: the records in conflict and their versions side by side;
- ``models``: the table models; ``words``: what the dialogs say.

What is read and written comes from ``osintdesk.exchange``: no SQL here.
"""

from .exchange_ui import ExchangeUi

__all__ = ["ExchangeUi"]

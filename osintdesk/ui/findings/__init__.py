"""The window's part for findings, one module per thing on screen:

- ``findings_ui``: ``FindingsUi``, what ``MainWindow`` adds for findings (pages, the Findings
  menu, the actions from the source viewer and the flight detail, the background writes);
- ``pages``: the Entities, Events and Claims pages (table, buttons, detail);
- ``detail``: the detail panes' HTML (an entity, an event, a claim's corroboration view);
- ``dialogs``: add entity, link, event, claim, citation; merge; change status; delete;
- ``models``: the table model and the rows it shows.

What is read comes from ``osintdesk.findings.queries`` (and ``checks`` for a claim's check
and corroboration): no SQL here.
"""

from .findings_ui import FindingsUi

__all__ = ["FindingsUi"]

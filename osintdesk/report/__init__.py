"""The case explained to an editor, a lawyer or a court: one report model (``model.py``),
rendered to one self-contained HTML file (``html.py``) and to PDF (``pdf.py``), and the
case's register of the reports made from it (``register.py``)."""

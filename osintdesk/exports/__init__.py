"""Exports for the tools investigators already use (issue 13): one module per format,
each with ``FORMAT = ExportFormat(...)``, listed here explicitly (no discovery: the frozen
app must find them). Import ``FORMATS`` from ``osintdesk.exports.registry``."""

"""osintdesk: offline case files for open-source investigators."""

__version__ = "0.1.0"
APP_ID = "org.osintdesk.OsintDesk"
APP_NAME = "osintdesk"
ORG_NAME = "osintdesk"

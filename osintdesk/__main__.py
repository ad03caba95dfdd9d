"""``python -m osintdesk`` runs the command line (no command opens the window)."""

from .cli import main

main()

"""The frozen app's entry point (PyInstaller runs a script, not a package's __main__)."""

from osintdesk.cli import main

if __name__ == "__main__":
    main()

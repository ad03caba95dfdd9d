"""Ship the top-level resources/ folder inside the wheel as osintdesk/resources.

Everything else about the package is declared in pyproject.toml; this only adds the
mapping that pyproject's static package discovery cannot express.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["osintdesk", "osintdesk.*"]) + ["osintdesk.resources"],
    package_dir={"osintdesk.resources": "resources"},
    package_data={"osintdesk.resources": ["*.md", "basemap/*", "reference/*", "ftm/*"]},
)

"""The story case for the export tests, plain and hostile, each written once per run and
opened read-only (an export only reads)."""

from __future__ import annotations

import pytest

from osintdesk.store import Case
from tests.support.export_samples import write_story_case


@pytest.fixture(scope="session")
def story_files(tmp_path_factory):
    built = {}
    for hostile in (False, True):
        path = tmp_path_factory.mktemp("story") / "story.osintcase"
        built[hostile] = (path, write_story_case(path, hostile=hostile))
    return built


@pytest.fixture(params=[False, True], ids=["plain", "hostile"])
def story(request, story_files):
    """(case opened read-only, the ids the story names, hostile or not)."""
    path, ids = story_files[request.param]
    with Case.open(path, examiner="Test Examiner", readonly=True) as case:
        yield case, ids, request.param


@pytest.fixture
def plain_story(story_files):
    path, ids = story_files[False]
    with Case.open(path, examiner="Test Examiner", readonly=True) as case:
        yield case, ids

"""A refused bundle under --json: one JSON object on stdout scripts can rely on, the usual
line on stderr, exit 2 (as import-flights --json reports a file it could not read)."""

import json
import zipfile

from click.testing import CliRunner

from osintdesk.cli import cli
from osintdesk.store import Case


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_verify_and_merge_refusals_print_json(tmp_path):
    photos = tmp_path / "photos.zip"
    with zipfile.ZipFile(photos, "w") as zf:
        zf.writestr("../evil.txt", "x")
    with Case.create(tmp_path / "bob.osintcase", title="Bob's", examiner="Bob") as case:
        case_path = case.path
    for args in (["verify-bundle", photos, "--json"], ["merge", case_path, photos, "--json"]):
        code, out, err = run(*args)
        assert code == 2, (args, out, err)
        refusal = json.loads(out)
        assert refusal["file"] == str(photos) and refusal["exit"] == 2
        assert refusal["error"] in err and "bundle" in refusal["error"]
    code, out, err = run("verify-bundle", photos)
    assert code == 2 and out == "" and "osintdesk: error:" in err


def test_export_bundle_refuses_another_extension(tmp_path):
    """As `export` refuses a file named for another format: one line, exit 2, no file, and
    nothing logged in the case."""
    with Case.create(tmp_path / "a.osintcase", title="A", examiner="A") as case:
        case_path = case.path
        head = case.audit_head()
    out = tmp_path / "x.zip"
    code, stdout, err = run("export-bundle", case_path, out, "--unsigned")
    assert code == 2 and stdout == ""
    assert err.strip().splitlines() == [
        f"osintdesk: error: {out}: a bundle is written as .osintbundle: name the file "
        "x.osintbundle"]
    assert not out.exists()
    code, stdout, err = run("export-bundle", case_path, out, "--unsigned", "--json")
    assert code == 2 and json.loads(stdout)["file"] == str(out)
    with Case.open(case_path, examiner="A", readonly=True) as case:
        assert case.audit_head() == head

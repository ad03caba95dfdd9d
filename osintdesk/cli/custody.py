"""Commands on examiner keys and signed checkpoints: key show/trust/list, checkpoint."""

from __future__ import annotations

import sys

import click

from .main import Context, case_argument, cli, json_option, open_case, pass_context, print_json
from ..timefmt import display_time


def passphrase_source(*, new: bool = False):
    """Where the key's passphrase comes from: $OSINTDESK_KEY_PASSPHRASE, else a prompt when
    there is a terminal, else none (a new key is then protected by file permissions only)."""
    def ask() -> str | None:
        from ..custody.keys import passphrase_from_env
        value = passphrase_from_env()
        if value or not sys.stdin.isatty():
            return value
        if new:
            return click.prompt("Passphrase for your new examiner key (empty: none, the key is "
                                "then protected by file permissions only)", default="",
                                hide_input=True, confirmation_prompt=True,
                                show_default=False) or None
        return click.prompt("Passphrase of your examiner key", hide_input=True)
    return ask


def examiner_signer():
    """The examiner's key, unlocked when needed (made on first use)."""
    from ..custody.keys import has_examiner_key, load_examiner_key
    return lambda: load_examiner_key(passphrase_source(new=not has_examiner_key()))


def sign_after(case, reason: str) -> None:
    """Sign the head after an export or a report (when the case can be written); a key that
    cannot be unlocked costs the signature, not the export: it is said on stderr."""
    from ..custody import checkpoints
    from ..errors import OsintdeskError
    if case.readonly:
        return
    try:
        key_ = examiner_signer()()
    except OsintdeskError as exc:
        click.echo(f"Note: no checkpoint was signed: {exc}", err=True)
        return
    row = checkpoints.create(case, key_, reason=reason)
    click.echo(f"Signed checkpoint of entry {row['audit_seq']} with key {row['key_id']}",
               err=True)


@cli.group()
def key() -> None:
    """Your examiner key (minisign format) and the keys of colleagues you trust."""


@key.command("show")
@click.option("--minisign", "as_minisign", is_flag=True,
              help="Print only the public key as minisign writes it (save it as KEY.pub; then "
                   "`minisign -V -m manifest.json -p KEY.pub` checks a bundle's manifest).")
@json_option
def key_show(as_json: bool, as_minisign: bool) -> None:
    """Show your public key and its fingerprint (the key is made on first use)."""
    from ..custody import keys
    created = False
    if not keys.has_examiner_key():
        keys.create_examiner_key(passphrase_source(new=True)())
        created = True
    status = keys.examiner_key_status()
    public = status["public"]
    data = {"key_id": public.key_id_hex, "public_key": public.base64,
            "fingerprint": public.fingerprint, "public_key_file": str(status["public_path"]),
            "private_key_file": str(status["private_path"]), "encrypted": status["encrypted"],
            "protection": status["protection"], "created": created}
    if as_minisign:
        click.echo(public.file_text(), nl=False)
        return
    if as_json:
        print_json(data)
        return
    if created:
        click.echo("Made your examiner key.")
    click.echo(f"Key id       {data['key_id']}")
    click.echo(f"Fingerprint  {data['fingerprint']}   (read this out to confirm the key)")
    click.echo(f"Private key  {data['private_key_file']}: {data['protection']}")
    click.echo(f"Public key   {data['public_key_file']}:")
    click.echo(public.file_text(), nl=False)


@key.command("trust")
@click.argument("file_or_key")
@click.option("--name", required=True, help="Whose key it is (shown when it signed something).")
@json_option
def key_trust(file_or_key: str, name: str, as_json: bool) -> None:
    """Trust a colleague's public key (a minisign.pub file or its base64 line)."""
    from ..custody import keys
    trusted = keys.trust_key(keys.read_key_argument(file_or_key), name)
    if as_json:
        print_json(trusted.as_dict())
        return
    click.echo(f"Trusted key {trusted.public.key_id_hex} as {trusted.name} "
               f"(fingerprint {trusted.public.fingerprint}: confirm it with them)")


@key.command("list")
@json_option
def key_list(as_json: bool) -> None:
    """Your key and the keys you trust."""
    from ..custody.keys import Keyring
    rows = [k.as_dict() for k in Keyring.load().keys]
    if as_json:
        print_json(rows)
        return
    if not rows:
        click.echo("(no keys yet: 'osintdesk key show' makes yours)")
    for row in rows:
        who = "you" if row["own"] else row["name"]
        click.echo(f"{row['key_id']}  {row['fingerprint']}  {who}")


@cli.command()
@case_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Also write a receipt: the signed statement, and its .minisig beside it.")
@json_option
@pass_context
def checkpoint(ctx: Context, case: str, output: str | None, as_json: bool) -> None:
    """Sign the case's audit chain head with your key and store the checkpoint in the case."""
    from ..custody import checkpoints
    from ..errors import InputError
    if output:
        for target in checkpoints.receipt_paths(output):
            if target.exists():
                raise InputError("already exists; choose another name (nothing was changed)",
                                 path=target)
    key_ = examiner_signer()()
    with open_case(ctx, case) as opened:
        row = checkpoints.create(opened, key_, reason="checkpoint")
    written = checkpoints.write_receipt(row, output) if output else None
    if as_json:
        print_json({"uuid": row["uuid"], "audit_seq": row["audit_seq"],
                    "audit_hash": row["audit_hash"], "signed_utc": row["signed_utc"],
                    "key_id": row["key_id"], "examiner": row["examiner"],
                    "receipt": [str(p) for p in written] if written else None})
        return
    click.echo(f"Signed entry {row['audit_seq']} ({row['audit_hash']}) at "
               f"{display_time(row['signed_utc'])} with key {row['key_id']}")
    if written:
        click.echo(f"Receipt: {written[0]} and {written[1]} "
                   f"(check: minisign -Vm {written[0]} -P {row['public_key']})")

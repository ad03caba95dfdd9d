"""Commands on examiner keys, signed checkpoints and their timestamps: key show/trust/list,
checkpoint, timestamp, tsa trust/list."""

from __future__ import annotations

import sys

import click

from .main import (Context, case_argument, cli, json_option, open_case, pass_context, print_json,
                   print_listing)
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


@cli.group()
def tsa() -> None:
    """The RFC 3161 timestamping authorities you trust."""


@tsa.command("trust")
@click.argument("certificate", type=click.Path(dir_okay=False))
@click.option("--name", required=True, help="Whose it is (shown when it stamped something).")
@json_option
def tsa_trust(certificate: str, name: str, as_json: bool) -> None:
    """Trust a TSA's certificate, or the CA certificate that issued it (PEM or DER): its
    timestamps are then shown as trusted (a token by any other TSA still verifies, as not
    trusted)."""
    from ..custody import tsa_trust as trust_list
    trusted = trust_list.trust(trust_list.read_certificate(certificate), name)
    data = trusted.as_dict()
    if as_json:
        print_json(data)
        return
    click.echo(f"Trusted {data['subject']} as {data['name']}"
               f"{' (a CA: the TSAs it issued)' if data['is_ca'] else ''}")
    click.echo(f"  sha256 {data['sha256']} (confirm it with what the TSA publishes)")


@tsa.command("list")
@json_option
def tsa_list(as_json: bool) -> None:
    """The TSA certificates you trust."""
    from ..custody.tsa_trust import TsaTrust
    rows = [c.as_dict() for c in TsaTrust.load().certificates]
    print_listing(rows, as_json, "(no trusted timestamping authorities: 'osintdesk tsa trust "
                  "CERT --name N')", lambda row: f"{row['sha256']}  {row['name']}  "
                  f"{row['subject']}{'  (CA)' if row['is_ca'] else ''}")


def tsa_options(func):
    """--tsa, --proxy and --timeout of the commands that ask a timestamping authority."""
    func = click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.1), default=30.0,
                        show_default=True, help="Seconds to wait for the TSA.")(func)
    func = click.option("--proxy", metavar="URL",
                        help="http://, https:// or socks5h:// proxy for the TSA request.")(func)
    return click.option("--tsa", "tsa_url", metavar="URL",
                        help="RFC 3161 timestamping authority to stamp the checkpoint "
                             "(default for 'timestamp': tsa_url in the settings).")(func)


def _default_tsa(tsa_url: str | None) -> str:
    from ..errors import InputError
    from ..settings import load_settings
    url = tsa_url or load_settings().get("tsa_url")
    if not url:
        raise InputError("no timestamping authority: give --tsa URL (or set tsa_url in the "
                         "settings)", path="--tsa")
    return str(url)


def _timestamp_json(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {k: row[k] for k in ("uuid", "checkpoint_uuid", "tsa_url", "gen_time_utc", "serial",
                                "tsa_name", "cert_subject", "cert_sha256", "policy",
                                "imprint_sha256")}


def _echo_timestamp(row: dict) -> None:
    click.echo(f"Timestamped at {display_time(row['gen_time_utc'])} by {row['tsa_name']}")
    click.echo(f"  TSA certificate {row['cert_subject']}, sha256 {row['cert_sha256']} "
               "(compare it with the fingerprint the TSA publishes)")


@cli.command()
@case_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Also write a receipt: the signed statement, and its .minisig beside it "
                   "(and its timestamp token .tsr with --tsa).")
@tsa_options
@json_option
@pass_context
def checkpoint(ctx: Context, case: str, output: str | None, tsa_url: str | None,
               proxy: str | None, timeout_s: float, as_json: bool) -> None:
    """Sign the case's audit chain head with your key and store the checkpoint in the case.

    With --tsa, the checkpoint is also timestamped (RFC 3161): the TSA stamps the SHA-256 of
    the signed statement. If the TSA fails, nothing is stored (run again, or without --tsa).
    """
    import requests

    from ..custody import checkpoints, timestamps
    from ..errors import InputError
    if tsa_url:
        timestamps.check_url(tsa_url)
    if output:
        targets = list(checkpoints.receipt_paths(output))
        if tsa_url:
            targets.append(timestamps.token_path(targets[0]))
        for target in targets:
            if target.exists():
                raise InputError("already exists; choose another name (nothing was changed)",
                                 path=target)
    key_ = examiner_signer()()
    stamp = None
    with open_case(ctx, case) as opened:
        if tsa_url:
            # Signed, stamped, then stored in one transaction: a failing TSA leaves the case
            # as it was (the network is asked outside any transaction).
            fields = checkpoints.sign(opened, key_, reason="checkpoint")
            with requests.Session() as session:
                token, info = timestamps.request_token(fields["statement"], tsa_url,
                                                       session=session, timeout_s=timeout_s,
                                                       proxy=proxy)
            with opened.transaction():
                row = checkpoints.store(opened, fields)
                stamp = timestamps.add(opened, row, token, info, tsa_url=tsa_url)
        else:
            row = checkpoints.create(opened, key_, reason="checkpoint")
    written = checkpoints.write_receipt(row, output) if output else None
    if written and stamp:
        written = (*written, timestamps.write_token(stamp["token"], written[0]))
    if as_json:
        print_json({"uuid": row["uuid"], "audit_seq": row["audit_seq"],
                    "audit_hash": row["audit_hash"], "signed_utc": row["signed_utc"],
                    "key_id": row["key_id"], "examiner": row["examiner"],
                    "receipt": [str(p) for p in written] if written else None,
                    "timestamp": _timestamp_json(stamp)})
        return
    click.echo(f"Signed entry {row['audit_seq']} ({row['audit_hash']}) at "
               f"{display_time(row['signed_utc'])} with key {row['key_id']}")
    if stamp:
        _echo_timestamp(stamp)
    if written:
        click.echo(f"Receipt: {', '.join(str(p) for p in written[:-1])} and {written[-1]} "
                   f"(check: minisign -Vm {written[0]} -P {row['public_key']})")


@cli.command()
@case_argument
@click.argument("checkpoint_id", required=False)
@tsa_options
@json_option
@pass_context
def timestamp(ctx: Context, case: str, checkpoint_id: str | None, tsa_url: str | None,
              proxy: str | None, timeout_s: float, as_json: bool) -> None:
    """Timestamp a stored checkpoint (the latest, or the one whose id starts with
    CHECKPOINT_ID) with an RFC 3161 TSA: it stamps the SHA-256 of the signed statement.

    The token is added beside the checkpoint (never changing it); the case is written only
    when the TSA's answer holds.
    """
    import requests

    from ..custody import checkpoints, timestamps
    url = timestamps.check_url(_default_tsa(tsa_url))
    with open_case(ctx, case) as opened:
        row = checkpoints.find(opened, checkpoint_id)
        with requests.Session() as session:
            stamp = timestamps.timestamp_checkpoint(opened, row, url, session=session,
                                                    timeout_s=timeout_s, proxy=proxy)
    if as_json:
        print_json(_timestamp_json(stamp))
        return
    click.echo(f"Checkpoint {row['uuid']} (entry {row['audit_seq']}, signed "
               f"{display_time(row['signed_utc'])})")
    _echo_timestamp(stamp)

"""The README's Python quick start, run as written (against the emulator)."""

from __future__ import annotations

from bidcert.testing import Emulator


def test_readme_quick_start(bidcert_emulator: Emulator) -> None:
    endpoint = bidcert_emulator.url  # in production: leave endpoint out
    key_id, key_secret = bidcert_emulator.access_key_id, bidcert_emulator.access_key_secret
    customer_pk = bidcert_emulator.unverified_pk
    # --- quick start ---
    import bidcert

    creds = bidcert.Credentials(key_id, key_secret)  # or bidcert.Credentials.from_env()
    with bidcert.Client(creds, endpoint=endpoint) as client:  # leave endpoint out for production
        info = client.query_certified_info(customer_pk, bidcert.BidType.NORMAL)
        if not info.is_certified:
            link = client.generate_cert_ways_url(customer_pk, "NORMAL", platform="h5")
            print(link.url, "valid until", link.expires_at)
    # --- end ---
    assert link.url.startswith(endpoint)


def test_readme_shows_this_quick_start_verbatim() -> None:
    import inspect
    import pathlib
    import textwrap

    source = inspect.getsource(test_readme_quick_start)
    region = source.split("# --- quick start ---\n", 1)[1].split("    # --- end ---", 1)[0]
    snippet = textwrap.dedent(region).strip()
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert snippet in readme, snippet

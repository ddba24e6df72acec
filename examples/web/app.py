"""A reference reseller back office: lists customers with their verification state, issues
verification links (GenerateAliyunBidCertWaysUrl) that the page shows with
web/bidcert-fastauth.js, and re-queries a customer (QueryBidUserCertifiedInfo) when the page
reports a success.

Run it against the emulator (``make web-demo``)::

    python examples/web/app.py --emulator

or against Alibaba Cloud, with ``ALIBABA_CLOUD_ACCESS_KEY_ID``/``_SECRET`` set::

    python examples/web/app.py --bid-type NORMAL --customers 1234567890123456,...

The first line on stdout is ``{"url": ..., "emulator": ...}`` (for scripts and tests).

What a real back office keeps from this one:

- The browser never chooses whose link it gets: a PK must be one of this reseller's
  customers (here a fixed list; in yours, the signed-in customer).
- The browser's word is never the verification state: ``success`` only prompts the back office
  to ask the API again; the state shown is what ``query_certified_info`` answers.
- Personal data leaves the server masked (``bidcert.mask``).
- POSTs need ``Content-Type: application/json`` from this origin (no cross-site forms), and
  the page's Content-Security-Policy lets it frame only the link's origin.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import bidcert
from flask import Flask, Response, abort, jsonify, render_template, request, send_from_directory

HERE = Path(__file__).resolve().parent
# The module ships in the repository's web/; a reseller copies it next to its own assets.
MODULE_DIR = HERE.parent.parent / "web"
DEFAULT_LINK_ORIGIN = "https://account.aliyun.com"


def customer_view(pk: str, info: bidcert.CertifiedInfo) -> Dict[str, Any]:
    """What the page may see of a customer: personal data masked."""

    def masked(value: Optional[str]) -> Optional[str]:
        return None if value is None else bidcert.mask(value)

    return {
        "pk": pk,
        "verified": info.is_certified,
        "account_cert_type": info.account_cert_type,
        "name": masked(info.name),
        "phone": masked(info.phone),
        "cert_type": None if info.cert_type is None else str(info.cert_type),
        "cert_number": masked(info.cert_number),
        "checked_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def error_view(error: bidcert.BidcertError) -> Tuple[Dict[str, Any], int]:
    """An API failure as JSON for the page, and the status to answer with."""
    kind = getattr(error, "kind", None) or type(error).__name__
    body: Dict[str, Any] = {"error": kind, "message": str(error), "retryable": error.retryable}
    if isinstance(error, bidcert.ApiError):
        body["request_id"] = error.request_id
    if isinstance(error, bidcert.AlreadyCertifiedError):
        return body, 409
    if isinstance(error, bidcert.TimestampError) and error.clock_skew_seconds is not None:
        body["message"] += " - check this server's clock (NTP)."
    return body, 502


def create_app(
    client: bidcert.Client,
    customers: Iterable[str],
    *,
    bid_type: str = "NORMAL",
    platform: str = "pc",
    link_origins: Iterable[str] = (DEFAULT_LINK_ORIGIN,),
    title: str = "bidcert back office",
) -> Flask:
    """The back office for `customers` (PKs), calling the API through `client`."""
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    known: List[str] = list(dict.fromkeys(customers))
    frame_src = " ".join(link_origins)

    def own_customer(pk: str) -> None:
        """404 unless `pk` is one of this reseller's customers: the browser never picks one."""
        if pk not in known:
            abort(404)

    def query(pk: str) -> Dict[str, Any]:
        return customer_view(pk, client.query_certified_info(pk, bid_type))

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"frame-src {frame_src}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def same_origin_json() -> None:
        if request.method != "POST":
            return
        if not request.is_json:
            abort(415)
        origin = request.headers.get("Origin")
        if origin is not None and origin != request.host_url.rstrip("/"):
            abort(403)

    @app.errorhandler(bidcert.BidcertError)
    def api_failure(error: bidcert.BidcertError) -> Any:
        body, status = error_view(error)
        return jsonify(body), status

    @app.get("/")
    def index() -> str:
        return render_template("index.html", title=title, bid_type=bid_type)

    @app.get("/assets/bidcert-fastauth.js")
    def fastauth_module() -> Response:
        return send_from_directory(MODULE_DIR, "bidcert-fastauth.js", mimetype="text/javascript")

    @app.get("/api/customers")
    def list_customers() -> Any:
        rows = []
        for pk in known:
            try:
                rows.append(query(pk))
            except bidcert.BidcertError as e:
                body, _ = error_view(e)
                rows.append({"pk": pk, "verified": None, **body})
        return jsonify(rows)

    @app.post("/api/customers/<pk>/refresh")
    def refresh(pk: str) -> Any:
        own_customer(pk)
        return jsonify(query(pk))

    @app.post("/api/customers/<pk>/link")
    def link(pk: str) -> Any:
        own_customer(pk)
        issued = client.generate_cert_ways_url(pk, bid_type, platform=platform)
        now = datetime.now(timezone.utc)
        return jsonify(
            {
                "url": issued.url,
                "origin": issued.origin,
                "expires_at": issued.expires_at.isoformat(),
                # Relative, so a wrong clock in the customer's browser does not matter.
                "expires_in": max(0, int((issued.expires_at - now).total_seconds())),
            }
        )

    return app


def emulator_customers(emulator: Any, reseller_uid: str) -> List[str]:
    """The PKs of the emulator's customers that belong to the reseller `reseller_uid`."""
    return [c["pk"] for c in emulator.fixture()["customers"] if c["owner"] == reseller_uid]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emulator", action="store_true", help="run the bidcert emulator in-process and use it")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BIDCERT_WEB_PORT", "0")), help="0: any free port")
    parser.add_argument("--bid-type", default="NORMAL", choices=["NORMAL", "LIGHTWEIGHT"])
    parser.add_argument("--customers", default="", help="comma-separated PKs (without --emulator)")
    parser.add_argument("--link-origin", default=DEFAULT_LINK_ORIGIN, help="the verification link's origin")
    args = parser.parse_args(argv)

    from werkzeug.serving import make_server

    emulator = None
    if args.emulator:
        from bidcert.testing import DEMO, Emulator

        emulator = Emulator()
        if args.bid_type == "LIGHTWEIGHT":
            client = emulator.client(emulator.lightweight_credentials)
            customers = emulator_customers(emulator, DEMO.LIGHTWEIGHT_UID)
        else:
            client = emulator.client()
            customers = emulator_customers(emulator, DEMO.NORMAL_UID)
        link_origins = [emulator.url]
        title = "bidcert back office (emulator)"
    else:
        client = bidcert.Client.from_env()
        customers = [pk.strip() for pk in args.customers.split(",") if pk.strip()]
        if not customers:
            parser.error("--customers is required without --emulator")
        link_origins = [args.link_origin]
        title = "bidcert back office"

    app = create_app(client, customers, bid_type=args.bid_type, link_origins=link_origins, title=title)
    server = make_server(args.host, args.port, app, threaded=True)
    url = f"http://{args.host}:{server.server_port}"
    print(json.dumps({"url": url, "emulator": emulator.url if emulator else None}), flush=True)
    print(f"bidcert back office: open {url}/  (Ctrl-C stops it)", file=sys.stderr, flush=True)

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        client.close()
        if emulator is not None:
            emulator.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())

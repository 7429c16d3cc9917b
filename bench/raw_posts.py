"""The floor for bulk creates: the same POSTs straight from httpx, 10 in parallel over one pooled
client, to the same emulator (token fetched beforehand, outside the timing)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import httpx

from bench.env import ISSUERS
from intune_model.resources.derived_credential import SPEC


def token(env: Mapping[str, str], http: httpx.Client) -> str:
    url = f"{env['AZURE_AUTHORITY_HOST']}/{env['AZURE_TENANT_ID']}/oauth2/v2.0/token"
    resp = http.post(
        url,
        data={
            "grant_type": "client_credentials",
            "client_id": env["AZURE_CLIENT_ID"],
            "client_secret": env["AZURE_CLIENT_SECRET"],
            "scope": f"{env['INTUNE_GRAPH_ENDPOINT']}/.default",
        },
    )
    resp.raise_for_status()
    return str(resp.json()["access_token"])


def raw_posts(env: Mapping[str, str], count: int, parallel: int = 10) -> float:
    """Seconds for `count` POSTs, `parallel` at a time."""
    limits = httpx.Limits(max_connections=parallel, max_keepalive_connections=parallel)
    with httpx.Client(verify=env["SSL_CERT_FILE"], limits=limits, timeout=60) as http:
        headers = {"Authorization": f"Bearer {token(env, http)}"}
        url = f"{env['INTUNE_GRAPH_ENDPOINT']}/beta{SPEC.collection_path}"

        def post(i: int) -> None:
            body = {
                "@odata.type": SPEC.odata_type,
                "displayName": f"Derived credentials {i}",
                "issuer": ISSUERS[i % len(ISSUERS)],
            }
            http.post(url, json=body, headers=headers).raise_for_status()

        start = time.perf_counter()
        with ThreadPoolExecutor(parallel) as pool:
            list(pool.map(post, range(count)))
        return time.perf_counter() - start

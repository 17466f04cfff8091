"""A worked example of the generated Python client (jadevectordb_client), which also serves as its end-to-end check.

Creates a database, upserts vectors, searches (nearest neighbours, then with a metadata filter), gets a vector,
deletes one, reads its absence with the delete's consistency token, and drops the database. Every reply is checked;
any mismatch prints what differed and exits with status 1.

    python3 example.py --url http://127.0.0.1:8080 --token "$(jadevectordb token --role admin)"

`--url` defaults to $JADE_URL, then http://127.0.0.1:8080; `--token` to $JADE_TOKEN (none: no credentials, for a
server started with --insecure). Needs httpx, attrs and python-dateutil; run it from this directory, or with the
client installed (`pip install ./clients/python`).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from typing import Any

from jadevectordb_client import AuthenticatedClient, Client
from jadevectordb_client.api.databases import drop_database, get_database, create_database
from jadevectordb_client.api.search import search
from jadevectordb_client.api.vectors import (
    delete_vector,
    get_vector,
    upsert_vectors,
)
from jadevectordb_client.models import (
    CreateDatabaseBody,
    CreateDatabaseBodyMetric,
    SearchBody,
    SearchBodyConsistencyType0,
    SearchBodyConsistencyType1,
    SearchBodyFilter,
    UpsertVectorsBody,
    UpsertVectorsBodyVectorsItem,
    UpsertVectorsBodyVectorsItemMetadataType0,
)


class Mismatch(Exception):
    pass


def expect(what: str, actual: Any, wanted: Any) -> None:
    if actual != wanted:
        raise Mismatch(f"{what}: got {actual!r}, expected {wanted!r}")


def run(client: AuthenticatedClient | Client, db: str) -> None:
    # Create a database of 3-dimensional vectors compared by cosine similarity.
    created = create_database.sync_detailed(
        client=client, body=CreateDatabaseBody(name=db, dimension=3, metric=CreateDatabaseBodyMetric.COSINE)
    )
    expect("create: status", created.status_code, 201)
    expect("create: name and dimension", (created.parsed.name, created.parsed.dimension), (db, 3))

    try:
        # Upsert a batch; the reply's token names the log offsets written.
        vectors = [
            ("a", [1.0, 0.0, 0.0], {"color": "red", "n": 1}),
            ("b", [0.0, 1.0, 0.0], {"color": "blue", "n": 2}),
            ("c", [0.0, 0.0, 1.0], {"color": "blue", "n": 3}),
        ]
        batch = UpsertVectorsBody(
            vectors=[
                UpsertVectorsBodyVectorsItem(
                    id=vid, values=values, metadata=UpsertVectorsBodyVectorsItemMetadataType0.from_dict(meta)
                )
                for vid, values, meta in vectors
            ]
        )
        written = upsert_vectors.sync_detailed(db, client=client, body=batch)
        expect("upsert: status", written.status_code, 201)
        expect("upsert: count and ids", (written.parsed.count, sorted(written.parsed.ids)), (3, ["a", "b", "c"]))
        after_upsert = SearchBodyConsistencyType1(after=written.parsed.token)

        # Nearest neighbours, reading our own writes.
        found = search.sync_detailed(
            db, client=client, body=SearchBody(vector=[0.9, 0.1, 0.0], top_k=2, consistency=after_upsert)
        )
        expect("search: status", found.status_code, 200)
        results = found.parsed.results
        expect("search: ids, best first", [r.id for r in results], ["a", "b"])
        expect("search: scores descending", results[0].score > results[1].score, True)
        expect("search: metadata", results[0].metadata, {"color": "red", "n": 1})

        # A metadata filter: only the blue ones.
        blue = search.sync_detailed(
            db,
            client=client,
            body=SearchBody(
                vector=[0.0, 0.9, 0.1],
                top_k=10,
                filter_=SearchBodyFilter.from_dict({"must": [{"key": "color", "match": "blue"}]}),
                consistency=after_upsert,
            ),
        )
        expect("filtered search: status", blue.status_code, 200)
        expect("filtered search: ids", [r.id for r in blue.parsed.results], ["b", "c"])

        # Get one vector.
        got = get_vector.sync_detailed(db, "b", client=client, after=written.parsed.token)
        expect("get: status", got.status_code, 200)
        expect("get: vector", (got.parsed.id, got.parsed.values, got.parsed.metadata), ("b", [0.0, 1.0, 0.0], {"color": "blue", "n": 2}))

        # Delete one, then read its absence after the delete's token.
        deleted = delete_vector.sync_detailed(db, "a", client=client)
        expect("delete: status", deleted.status_code, 200)
        gone = get_vector.sync_detailed(db, "a", client=client, after=deleted.parsed.token)
        expect("get after delete: status", gone.status_code, 404)
        expect("get after delete: code", gone.parsed.code, "JADE_ERR_VECTOR_NOT_FOUND")
        again = search.sync_detailed(
            db,
            client=client,
            body=SearchBody(
                vector=[0.9, 0.1, 0.0], top_k=10, consistency=SearchBodyConsistencyType0.STRONG
            ),
        )
        expect("search after delete: ids", [r.id for r in again.parsed.results], ["b", "c"])

        info = get_database.sync_detailed(db, client=client)
        expect("database: vector count", (info.status_code, info.parsed.vector_count), (200, 2))
    finally:
        dropped = drop_database.sync_detailed(db, client=client)
        if dropped.status_code >= 300:
            raise Mismatch(f"drop: status {dropped.status_code}: {dropped.content!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("JADE_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--token", default=os.environ.get("JADE_TOKEN"))
    parser.add_argument("--database", default=f"py-example-{uuid.uuid4().hex[:8]}")
    args = parser.parse_args()

    client: AuthenticatedClient | Client
    if args.token:
        client = AuthenticatedClient(base_url=args.url, token=args.token, raise_on_unexpected_status=True, timeout=30.0)
    else:
        client = Client(base_url=args.url, raise_on_unexpected_status=True, timeout=30.0)
    try:
        with client:
            run(client, args.database)
    except Mismatch as mismatch:
        print(f"example.py: MISMATCH: {mismatch}", file=sys.stderr)
        return 1
    except Exception as err:  # an unexpected status, no connection, a reply of the wrong shape
        print(f"example.py: FAILED: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    print(f"example.py: ok: created {args.database}, upserted 3 vectors, searched, got, deleted, dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

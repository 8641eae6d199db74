"""Writing a build: Parquet files per config, the dataset card (README.md with YAML metadata) and
the manifest of included items, into a temporary folder renamed into place at the end."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from roost.datasets.context import IMAGE, Config, Row
from roost.datasets.kinds import Kind

PII_TEXT = (
    "Accounts are pseudonymised: each appears as the first 20 hex digits of SHA-256 over a random "
    "salt made for this build and the account id; the salt stays in the instance's database and "
    "is never written out, so pseudonyms cannot be joined across builds. In every text, emails "
    "become `[EMAIL]`, phone numbers (9 to 15 digits) `[PHONE]`, and secrets (private keys, "
    "AWS/GitHub/Slack/OpenAI/Google keys, JWTs, bearer tokens, credentials in URLs, values after "
    "password=/token=/api_key=, long opaque letter-and-digit strings) `[SECRET]`. Mentions of "
    "anyone who did not consent to public posts, and of every remote account, become `@user`.")


LICENSE_DETAILS = ("For training and evaluating models only, as each contributor consented; do "
                   "not republish individual items.")


def _hf_features(schema: pa.Schema) -> dict:
    """The `datasets` features of a schema: image columns as Image(), the rest from Arrow."""
    def feature(t: pa.DataType) -> dict:
        if t == IMAGE:
            return {"_type": "Image"}
        if pa.types.is_list(t):
            return {"feature": feature(t.value_type), "_type": "List"}
        if pa.types.is_struct(t):
            return {f.name: feature(f.type) for f in t}
        dtype = {"string": "string", "bool": "bool", "int32": "int32", "int64": "int64",
                 "float": "float32", "double": "float64"}.get(str(t))
        if dtype is None and pa.types.is_timestamp(t):
            dtype = f"timestamp[{t.unit}, tz={t.tz}]" if t.tz else f"timestamp[{t.unit}]"
        return {"dtype": dtype or str(t), "_type": "Value"}
    return {f.name: feature(f.type) for f in schema}


def write_config(folder: Path, config: Config, rows: list[Row], multi: bool) -> list[dict]:
    schema = config.schema.with_metadata({"huggingface": json.dumps(
        {"info": {"features": _hf_features(config.schema)}})})
    base = folder / "data" / (config.name if multi else "")
    base.mkdir(parents=True, exist_ok=True)
    parts = [rows[i:i + config.rows_per_file] for i in range(0, len(rows), config.rows_per_file)]
    files = []
    for n, part in enumerate(parts or [[]]):
        table = pa.Table.from_pylist([r.values for r in part], schema=schema)
        path = base / f"train-{n:05d}-of-{max(1, len(parts)):05d}.parquet"
        pq.write_table(table, path, compression="zstd")
        data = path.read_bytes()
        files.append({"config": config.name, "path": str(path.relative_to(folder)),
                      "rows": len(part), "bytes": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()})
    return files


def write_manifest(folder: Path, rows: list[Row], info: dict, files: list[dict]) -> None:
    """manifest.parquet: one row per included item (item, config, rows); manifest.json: the
    build's facts and every file with its size and SHA-256."""
    counts = Counter((r.item, r.config) for r in rows)
    table = pa.table({"item": [i for i, _ in counts], "config": [c for _, c in counts],
                      "rows": pa.array(list(counts.values()), pa.int32())})
    pq.write_table(table, folder / "manifest.parquet")
    manifest = {**info, "items": len(counts), "files": files,
                "item_ids": "manifest.parquet"}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str) + "\n")


def _yaml(value: object) -> str:
    return json.dumps(value, default=str)  # JSON scalars and lists are YAML too


def size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def write_card(folder: Path, kind: Kind, rows: list[Row], info: dict, files: list[dict],
               *, license: str) -> None:
    multi = len(kind.configs) > 1
    times = [r.at for r in rows if r.at is not None]
    period = {"from": min(times).isoformat() if times else None,
              "to": max(times).isoformat() if times else None}
    per_config = Counter(r.config for r in rows)
    languages = sorted({r.values.get("language") for r in rows if r.values.get("language")})
    lines = ["---", f"license: {_yaml(license)}"]
    if license == "other":
        lines += ["license_name: roost-training-consent",
                  f"license_details: {_yaml(LICENSE_DETAILS)}"]
    pretty = f"Roost {kind.name} ({info['instance']}) v{info['version']}"
    lines += [f"pretty_name: {_yaml(pretty)}",
              f"task_categories: {_yaml(list(kind.task_categories))}",
              f"size_categories: {_yaml([size_category(len(rows))])}",
              "tags: [\"roost\", \"consent\", \"social-media\"]"]
    if languages:
        lines.append(f"language: {_yaml(languages)}")
    lines.append("configs:")
    for c in kind.configs:
        prefix = f"data/{c.name}/" if multi else "data/"
        lines += [f"- config_name: {_yaml(c.name)}",
                  *(["  default: true"] if c is kind.configs[0] else []),
                  "  data_files:", "  - split: train", f"    path: {_yaml(prefix + 'train-*.parquet')}"]
    lines.append("dataset_info:")
    for c in kind.configs:
        lines += [f"- config_name: {_yaml(c.name)}", "  features:"]
        for f in c.schema:
            lines.append(f"  - name: {_yaml(f.name)}")
            lines.append(f"    dtype: {_yaml('image' if f.type == IMAGE else str(f.type))}")
        lines += ["  splits:", "  - name: train", f"    num_examples: {per_config.get(c.name, 0)}",
                  f"    num_bytes: {sum(f['bytes'] for f in files if f['config'] == c.name)}"]
    lines += ["roost:", f"  build_id: {_yaml(str(info['build_id']))}",
              f"  kind: {_yaml(kind.name)}", f"  version: {info['version']}",
              f"  instance: {_yaml(info['instance'])}", f"  built_at: {_yaml(info['built_at'])}",
              f"  consent_basis: {_yaml(kind.consent)}",
              f"  consent_level_required: {_yaml(kind.needs)}",
              f"  collection_period: {_yaml(period)}",
              f"  event_seq: {_yaml({'from': info['from_seq'], 'to': info['to_seq']})}",
              f"  base_build_id: {_yaml(info['base_build_id'])}",
              f"  rows: {len(rows)}", f"  bytes: {sum(f['bytes'] for f in files)}",
              f"  personal_data: {_yaml(PII_TEXT)}",
              f"  deduplicated: {_yaml(kind.deduplicated)}", "---", ""]
    body = [f"# Roost `{kind.name}` dataset, version {info['version']}", "", kind.summary, "",
            f"Built on {info['built_at']} by the Roost instance `{info['instance']}` (build "
            f"`{info['build_id']}`), from the event log up to sequence number {info['to_seq']}"
            f" and the database at build time. Collection period: {period['from'] or '-'} to "
            f"{period['to'] or '-'}. {len(rows)} rows.", "",
            "## Consent", "", kind.consent, "",
            "Consent is checked when the dataset is built: anyone who withdrew consent or deleted "
            "their account before this build is absent from it. A build can be recalled; its "
            "files are then deleted from the instance, and copies should be deleted too.", "",
            "## Personal data", "", PII_TEXT, ""]
    if kind.deduplicated:
        body += ["## Deduplication", "",
                 "Exact duplicates (the same text once lower-cased, with URLs and mentions "
                 "removed and spaces collapsed) and near duplicates (MinHash over character "
                 "5-grams, 128 permutations, LSH 32 bands x 4 rows, estimated Jaccard "
                 "similarity >= 0.8) are removed; the earliest post of each group is kept.", ""]
    body += ["## Fields", ""]
    for c in kind.configs:
        if multi:
            body += [f"### `{c.name}` ({per_config.get(c.name, 0)} rows)", ""]
        body += ["| field | type | meaning |", "|---|---|---|"]
        body += [f"| `{f.name}` | {'image' if f.type == IMAGE else f.type} | {c.fields.get(f.name, '')} |"
                 for f in c.schema]
        body.append("")
    first = kind.configs[0]
    files_arg = f"data/{first.name}/*.parquet" if multi else "data/*.parquet"
    body += ["## Loading", "", "```python", "from datasets import load_dataset",
             f'ds = load_dataset("parquet", data_files="{files_arg}", split="train")',
             "```", "", "DuckDB: `SELECT * FROM 'data/**/*.parquet'`; Polars: "
             f"`pl.read_parquet('{files_arg}')`. `manifest.json` lists every file with its "
             "SHA-256; `manifest.parquet` the included item ids.", ""]
    (folder / "README.md").write_text("\n".join(lines + body))


def timestamp(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")

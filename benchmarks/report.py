"""Turn results of load.py and fanout.py into the markdown tables of docs/performance.md.

    .venv/bin/python benchmarks/report.py benchmarks/.data/results-sqlite-*.json \\
        benchmarks/.data/fanout-*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ORDER = ["home", "home_page", "account", "post", "favourite", "reblog", "follow"]


def cores(r: dict) -> str:
    c = r["cpu"]
    roost = c.get("server_cores", 0) + c.get("worker_cores", 0)
    return f"{roost:.2f} / {c['db_cores']:.2f} / {c['client_cores']:.2f} / {c['other_cores']:.2f}"


def load_tables(rep: dict) -> str:
    out = [f"### {rep['backend']} ({rep['date']}, commit {rep['commit']}, {rep['server']})", ""]
    out += ["| phase | req/s | p50 ms | p99 ms | CPU ms/req (Roost + db) | cores: Roost / db / client / other |",
            "| --- | ---: | ---: | ---: | ---: | --- |"]

    def row(label: str, r: dict) -> str:
        return (f"| {label} | {r['rps']:.1f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
                f"{r.get('server_cpu_ms', 0):.2f} + {r.get('db_cpu_ms', 0):.2f} | {cores(r)} |")

    def saturation(key: str) -> dict:  # the step load.py took as saturation
        sweep = rep[key]
        return next(s for s in sweep["steps"] if s["plan"]["concurrency"] == sweep["at_concurrency"])

    for key, label in (("ceiling", "ceiling"), ("home_sweep", "home reads"), ("mix_sweep", "mix")):
        if key in rep:
            best = saturation(key)
            out.append(row(f"{label}, saturation (c={best['plan']['concurrency']})", best))
    out.append(row(f"mix at half saturation ({rep['mix_half']['plan']['rate']:.0f}/s)", rep["mix_half"]))
    out.append(row(f"home reads at half saturation ({rep['home_half']['plan']['rate']:.0f}/s)",
                   rep["home_half"]))
    out += ["", "Per endpoint, mix at half saturation:", "",
            "| endpoint | req/s | p50 ms | p99 ms | max ms | errors |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    eps = rep["mix_half"]["endpoints"]
    for name in [n for n in ORDER if n in eps] + [n for n in eps if n not in ORDER]:
        e = eps[name]
        err = ", ".join(f"{k}: {v}" for k, v in e["errors"].items()) or "-"
        out.append(f"| {name} | {e['rps']:.1f} | {e['p50_ms']:.1f} | {e['p99_ms']:.1f} | "
                   f"{e['max_ms']:.1f} | {err} |")
    if "ceiling" in rep:
        ratio = rep["home_sweep"]["saturation_rps"] / rep["ceiling"]["saturation_rps"]
        out += ["", f"Home reads at saturation / ceiling: {ratio:.4f} (target 0.40)."]
    out += ["", "Sweeps (closed loop, req/s by connections):", ""]
    for key in ("ceiling", "home_sweep", "mix_sweep"):
        if key in rep:
            steps = ", ".join(f"{s['plan']['concurrency']}: {s['rps']:.0f}" for s in rep[key]["steps"])
            out.append(f"- {key.replace('_sweep', '')}: {steps}")
    return "\n".join(out)


def fanout_table(rep: dict) -> str:
    out = [f"### fan-out, {rep['backend']} ({rep['date']}, commit {rep['commit']})", "",
           "| author's followers | feeds reached | POST answered ms | first feed ms | half ms | all ms (median, max) |",
           "| ---: | ---: | ---: | ---: | ---: | --- |"]
    for size, r in rep["sizes"].items():
        runs = r["runs"]

        def med(key: str) -> float | None:
            values = sorted(x[key] for x in runs if key in x)
            return values[len(values) // 2] if values else None

        out.append(f"| {r['followers']:,} | {r['feeds'] if r['feeds'] is not None else 'home read'} | "
                   f"{med('post_ms')} | {med('first_ms') or '-'} | {med('half_ms') or '-'} | "
                   f"{r['median_all_ms']}, {r['max_all_ms']} |")
    return "\n".join(out)


def main() -> None:
    for path in sys.argv[1:]:
        rep = json.loads(Path(path).read_text())
        print(fanout_table(rep) if "sizes" in rep else load_tables(rep))
        print()


if __name__ == "__main__":
    main()

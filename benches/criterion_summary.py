#!/usr/bin/env python3
"""Prints median and p95 (of criterion's per-sample mean times) for every benchmark under
target/criterion: `python3 benches/criterion_summary.py`."""
import json, pathlib

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"
for est in sorted(root.glob("**/new/estimates.json")):
    d = est.parent
    sample = json.load(open(d / "sample.json"))
    per_iter = sorted(t / n for t, n in zip(sample["times"], sample["iters"]))
    p95 = per_iter[round((len(per_iter) - 1) * 0.95)]
    med = json.load(open(est))["median"]["point_estimate"]
    name = str(d.parent.relative_to(root))
    unit, div = ("µs", 1e3) if med >= 1e3 else ("ns", 1)
    print(f"{name:55} median {med/div:9.2f} {unit}   p95 {p95/div:9.2f} {unit}")

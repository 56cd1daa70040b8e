"""The bench:sparql queries with rdflib over the same N-Quads file.

usage: python3 _sparql_rdflib.py GRAPH_NQ LOOKUP_RUNS COUNT_RUNS QUERY_LOOKUP... -- QUERY_COUNT
Prints one JSON object: load time, and each query's times in ms.
"""
import json
import sys
import time

import rdflib

path, lookup_runs, count_runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]
cut = rest.index("--")
lookups, count_query = rest[:cut], rest[cut + 1]

start = time.perf_counter()
dataset = rdflib.Dataset(default_union=True)
dataset.parse(path, format="nquads")
load_ms = (time.perf_counter() - start) * 1000

def timed(query):
    start = time.perf_counter()
    rows = list(dataset.query(query))
    return (time.perf_counter() - start) * 1000, len(rows), rows

lookup_ms = []
lookup_rows = None
for i in range(lookup_runs):
    ms, n, _ = timed(lookups[i % len(lookups)])
    lookup_ms.append(ms)
    lookup_rows = n
count_ms = []
count_value = None
for i in range(count_runs):
    ms, _, rows = timed(count_query)
    count_ms.append(ms)
    count_value = int(rows[0][0])
print(json.dumps({
    "quads": len(dataset),
    "load_ms": load_ms,
    "lookup_ms": lookup_ms,
    "lookup_rows": lookup_rows,
    "count_ms": count_ms,
    "count": count_value,
}))

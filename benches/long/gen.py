#!/usr/bin/env python3
"""Writes a long scenario: N fetches to one https API, every third a preflighted PUT
(Access-Control-Max-Age: 0, so each PUT sends its own OPTIONS), the others CORS GETs.
No expectations: the run only records. Usage: gen.py N > long.toml"""
import sys

n = int(sys.argv[1])
out = [
    f'name = "long-{n}"',
    '[page]',
    'url = "https://app.example/"',
    '[[server]]',
    'origin = "https://api.example"',
    '[[server.route]]',
    'path = "/items"',
    'method = "OPTIONS"',
    'status = 204',
    'headers = [["Access-Control-Allow-Origin", "https://app.example"], '
    '["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "content-type"], '
    '["Access-Control-Max-Age", "0"]]',
    '[[server.route]]',
    'path = "/items"',
    'headers = [["Content-Type", "application/json"], ["Access-Control-Allow-Origin", "https://app.example"]]',
    "body = '{\"ok\": true}'",
]
for i in range(n):
    if i % 3 == 2:
        out += ['[[fetch]]', 'url = "https://api.example/items"', 'method = "PUT"',
                'headers = [["Content-Type", "application/json"]]', "body = '{}'"]
    else:
        out += ['[[fetch]]', 'url = "https://api.example/items"']
print("\n".join(out))

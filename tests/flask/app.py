"""A small Flask API guarded by flask-cors, started on 127.0.0.1 by tests/flask_app.rs.

Usage: python3 app.py CONFIG   (CONFIG: strict | reflecting)
Prints "PORT <n>" once listening on an OS-assigned loopback port.
"""
import sys

from flask import Flask, jsonify, request
from flask_cors import CORS
from werkzeug.serving import make_server

app = Flask(__name__)


@app.get("/me")
def me():
    user = request.cookies.get("session")
    return jsonify(user=user), (200 if user else 401)


@app.put("/posts/<int:post_id>")
def update(post_id):
    return f"updated {post_id} (csrf token: {'X-CSRF-Token' in request.headers})"


config = sys.argv[1] if len(sys.argv) > 1 else "strict"
if config == "strict":
    CORS(app, origins=["http://app.shop.test"], supports_credentials=True,
         methods=["GET", "PUT"], allow_headers=["Content-Type", "X-CSRF-Token"])
elif config == "no-custom-header":
    CORS(app, origins=["http://app.shop.test"], supports_credentials=True,
         methods=["GET", "PUT"], allow_headers=["Content-Type"])
elif config == "reflecting":
    # The classic mistake: any origin, with credentials.
    CORS(app, origins=r".*", supports_credentials=True)
else:
    sys.exit(f"unknown config {config}")

server = make_server("127.0.0.1", 0, app)
print(f"PORT {server.server_port}", flush=True)
server.serve_forever()

"""The yardstick of bench/load.py: a trivial Flask JSON endpoint. What it gives under the same gunicorn
settings and load generator tells how fast the machine is at the time of a run, so that runs made on
days when the shared machine is slower or faster can be told apart from changes of the portal."""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/")
def index():
    return jsonify(ok=True)

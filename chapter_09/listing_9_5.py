"""Listing 9.5 — A Flask app to retrieve brands

Section 9.1.4. Needs: postgres (products). Listens: FLASK_PORT.

What to watch: the same GET /brands as listing 9.2, written synchronously with Flask and
psycopg2. Serve it with Flask's development server (`python -m chapter_09.listing_9_5`, or
`flask --app chapter_09.listing_9_5 run`, port 5000) or with a WSGI server and several worker
processes (`gunicorn -w 4 chapter_09.listing_9_5:app`, port 8000), then compare it with 9.2
under load (the book uses wrk). Measured side by side with 9.2, 9.8 and Django under wrk:
benchmarks/results/report.md (the servers comparison).
The connection never commits, so Postgres shows it "idle in transaction" after the first request.
It is the only one and is never replaced: once Postgres restarts, every request is a 500 (a
psycopg2 OperationalError, then "connection already closed" for good) though Postgres is back
and a new connection would work; only restarting the app recovers.

Differs from the book: the connection is opened on the first request (get_db), not when the
module is imported, so importing it needs no Postgres; its address and database come from
util.settings. `python -m` runs Flask's development server on SERVER_HOST:FLASK_PORT
(127.0.0.1:5000); the book only runs it with flask or gunicorn.
"""
import psycopg2
from flask import Flask, jsonify
from psycopg2.extensions import make_dsn

from util import settings

app = Flask(__name__)

conn_info = make_dsn(dbname=settings.PRODUCTS_DB, user=settings.POSTGRES_USER,
                     password=settings.POSTGRES_PASSWORD, host=settings.POSTGRES_HOST,
                     port=settings.POSTGRES_PORT)
db = None  # the book connects right here: db = psycopg2.connect(conn_info)


def get_db():
    global db
    if db is None:
        db = psycopg2.connect(conn_info)
    return db


@app.route('/brands')
def brands():
    cur = get_db().cursor()
    cur.execute('SELECT brand_id, brand_name FROM brand')
    rows = cur.fetchall()
    cur.close()
    return jsonify([{'brand_id': row[0], 'brand_name': row[1]} for row in rows])


if __name__ == "__main__":
    app.run(host=settings.SERVER_HOST, port=settings.FLASK_PORT)

#!/usr/bin/env python3
"""Load benchmark of team mode: `epicevents serve` on the million-row database.

N concurrent clients (64 by default), each on its own kept-alive HTTP connection, send a mix
of lists (first pages of the three lists, with filters and sorts), shows and writes (a
client's phone changed by its salesperson) for a fixed time; reported: requests per second,
p50/p99 latency of reads and writes, and errors. Then the one-shot `whoami`, local and
remote, timed as a user runs it (a process each).

    cargo build --release && python3 bench/load.py [--clients 64] [--seconds 20] [--db URL]

The database is target/bench/scale-1000000.db (built with `demo --scale 1000000` when
missing, about a minute), or the PostgreSQL database `--db` names (bench/run_pg.py builds
postgres://postgres@127.0.0.1:5432/epicevents_bench_1000000). Figures go in
docs/performance.md.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "epicevents")
DB = os.path.join(ROOT, "target", "bench", "scale-1000000.db")
PASSWORD = "epicevents-demo"


def env_for(home, server=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EPICEVENTS_", "SENTRY_"))}
    env.update({"EPICEVENTS_HOME": home, "EPICEVENTS_DB": DB, "NO_COLOR": "1"})
    if server:
        env["EPICEVENTS_SERVER"] = server
        env["EPICEVENTS_DB"] = os.path.join(home, "no-database-here.db")
    return env


def ensure_database(work):
    if DB.startswith(("postgres://", "postgresql://")) or os.path.exists(DB):
        return
    os.makedirs(os.path.dirname(DB), exist_ok=True)
    print("building the million-row database (about a minute)...", flush=True)
    subprocess.run([BIN, "demo", "--scale", "1000000"], env=env_for(os.path.join(work, "build")),
                   check=True, stdout=subprocess.DEVNULL)


def start_server(work):
    server = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0"],
                              env=env_for(os.path.join(work, "server")),
                              stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        if line.startswith("epicevents serve: listening on "):
            url = line.split(" on ", 1)[1].strip()
            break
    # Keep reading the access log so the server never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
    return server, url


class Client:
    def __init__(self, host, port, token=None):
        self.conn = http.client.HTTPConnection(host, port, timeout=30)
        self.token = token

    def call(self, method, path, body=None):
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        payload = response.read()
        return response.status, response.getheader("x-epicevents-token"), payload


def cpu_seconds(pid):
    """User and system CPU time of process `pid` so far (Linux)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def percentile(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    global DB
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--db", default=DB, help="the database: a SQLite file or a postgres:// URL")
    args = parser.parse_args()
    DB = args.db
    work = tempfile.mkdtemp(prefix="epicevents-load-")
    ensure_database(work)
    server, url = start_server(work)
    host, port = url.split("://")[1].split(":")
    port = int(port)
    try:
        login = Client(host, port)
        status, token, body = login.call("POST", "/api/v1/login",
                                         {"email": "sales1@scale.epic.com", "password": PASSWORD})
        assert status == 200, body
        me = json.loads(body)["id"]
        status, _, body = Client(host, port, token).call(
            "GET", f"/api/v1/clients?sales_contact_id={me}&limit=200")
        own = [c["id"] for c in json.loads(body)["rows"]]
        assert own, "sales1 has clients"
        reads = [
            "/api/v1/clients?limit=26",
            "/api/v1/clients?sort=-name&limit=26",
            "/api/v1/contracts?unsigned=true&limit=26",
            "/api/v1/contracts?unpaid=true&sort=-remaining&limit=26",
            "/api/v1/events?no_support=true&limit=26",
            "/api/v1/events?sort=-attendees&limit=26",
        ]
        latencies = {"read": [], "write": []}
        errors = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.seconds

        def worker(seed):
            rng = random.Random(seed)
            client = Client(host, port, token)
            local = {"read": [], "write": []}
            failed = []
            while time.monotonic() < deadline:
                roll = rng.random()
                if roll < 0.6:
                    kind, call = "read", ("GET", rng.choice(reads), None)
                elif roll < 0.9:
                    entity = rng.choice(["clients", "contracts", "events"])
                    kind, call = "read", ("GET", f"/api/v1/{entity}/{rng.randint(1, 1_000_000)}", None)
                else:
                    phone = "+33 6 %02d %02d %02d %02d" % tuple(rng.randint(0, 99) for _ in range(4))
                    kind, call = "write", ("PATCH", f"/api/v1/clients/{rng.choice(own)}",
                                           {"fields": {"phone": phone}})
                started = time.perf_counter()
                try:
                    status, _, _ = client.call(*call)
                except Exception as exc:  # a broken connection counts as an error
                    failed.append(str(exc))
                    client = Client(host, port, token)
                    continue
                local[kind].append((time.perf_counter() - started) * 1000)
                if status >= 400 and not (status == 404 and call[0] == "GET"):
                    failed.append(f"{call[0]} {call[1]}: {status}")
            with lock:
                for k in local:
                    latencies[k].extend(local[k])
                errors.extend(failed)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.clients)]
        server_cpu = cpu_seconds(server.pid)
        own_cpu = time.process_time()
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        server_cpu = cpu_seconds(server.pid) - server_cpu
        own_cpu = time.process_time() - own_cpu
        total = len(latencies["read"]) + len(latencies["write"])
        print(f"{args.clients} clients, {elapsed:.1f} s: {total} requests, {total / elapsed:.0f} requests/s, {len(errors)} errors")
        print(f"  CPU: server {server_cpu:.1f} s ({server_cpu / total * 1000:.2f} ms a request), "
              f"this load generator {own_cpu:.1f} s, of {os.cpu_count()} cores x {elapsed:.0f} s")
        for kind in ("read", "write"):
            values = latencies[kind]
            print(f"  {kind}s: {len(values)}, p50 {percentile(values, 0.5):.1f} ms, p99 {percentile(values, 0.99):.1f} ms")
        for error in errors[:5]:
            print("  error:", error)

        # One-shot whoami, local and remote, as a user runs it.
        home_local = os.path.join(work, "local")
        home_remote = os.path.join(work, "remote")
        subprocess.run([BIN, "login", "sales1@scale.epic.com"], input=PASSWORD + "\n", text=True,
                       env=env_for(home_local), check=True, stdout=subprocess.DEVNULL)
        subprocess.run([BIN, "login", "sales1@scale.epic.com"], input=PASSWORD + "\n", text=True,
                       env=env_for(home_remote, server=url), check=True, stdout=subprocess.DEVNULL)
        for name, env in (("local", env_for(home_local)), ("remote", env_for(home_remote, server=url))):
            times = []
            for _ in range(30):
                t = time.perf_counter()
                subprocess.run([BIN, "whoami"], env=env, check=True, stdout=subprocess.DEVNULL)
                times.append((time.perf_counter() - t) * 1000)
            print(f"  one-shot whoami, {name}: median {statistics.median(times):.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Time epicevents one-shot lists on a large PostgreSQL database, beside the psql floor.

    bench/run_pg.py [--url postgres://postgres@127.0.0.1:5432] [--scale N] [--runs R] [--only TEXT...]

The PostgreSQL sibling of bench/run.py. Builds the release binary, creates the database
`epicevents_bench_N` on the server `--url` names and fills it with `demo --scale N` once
(timed: the build time and its peak memory are printed; a later run reuses the database),
logs in one collaborator per department, then runs every one-shot list through the real
binary and the same SQL through `psql` (the floor: what PostgreSQL alone costs for the page
and the footer's count, process start and connection included). Prints a Markdown table of
the median wall time and the peak memory (RSS) of each whole process. Needs python3,
/usr/bin/time and psql.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import BIN, ROOT, SALES, SUPPORT, login, machine, median  # noqa: E402

PAGE = "LIMIT 25 OFFSET 0"
CAP = "LIMIT 10001"

# The SQL the PostgreSQL repositories run (src/repo/postgres/*.rs): the page, then the
# footer's capped count.
CLIENT = ("SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id, s.full_name, "
          "c.created_at, c.updated_at FROM clients c LEFT JOIN collaborators s ON s.id = c.sales_contact_id")
CONTRACT = ("SELECT ct.id, ct.client_id, c.full_name, c.sales_contact_id, ct.total_cents, ct.remaining_cents, "
            "ct.signed_at, ct.created_at FROM contracts ct JOIN clients c ON c.id = ct.client_id")
EVENT = ("SELECT e.id, e.contract_id, c.full_name, c.email, c.phone, e.name, e.starts_at, e.ends_at, e.venue, "
         "e.location, e.attendees, e.notes, e.support_contact_id, s.full_name, c.sales_contact_id FROM events e "
         "JOIN contracts ct ON ct.id = e.contract_id JOIN clients c ON c.id = ct.client_id "
         "LEFT JOIN collaborators s ON s.id = e.support_contact_id")
AUDIT = ("SELECT a.id, a.at, a.actor_id, c.full_name, a.action, a.entity, a.entity_id, a.changes::text "
         "FROM audit_log a LEFT JOIN collaborators c ON c.id = a.actor_id")
SEARCH = ("(c.full_name || ' ' || c.email || ' ' || c.company_name) ILIKE '%casey%' "
          "AND (c.full_name ILIKE '%casey%' OR c.email ILIKE '%casey%' OR c.company_name ILIKE '%casey%')")


def month():
    first = datetime.date.today().replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1)
    return f"e.starts_at >= '{first.isoformat()}T00:00' AND e.starts_at < '{last.isoformat()}T00:00'"


def page_and_count(select, where, order, count_from):
    clause = f"WHERE {where}" if where else ""
    return (f"{select} {clause} ORDER BY {order} {PAGE}; "
            f"SELECT COUNT(*) FROM (SELECT 1 {count_from} {clause} {CAP}) capped;")


def cases():
    """(label, who, arguments, floor SQL)."""
    clients_from = "FROM clients c"
    contracts_from = "FROM contracts ct"
    contracts_joined = "FROM contracts ct JOIN clients c ON c.id = ct.client_id"
    events_from = "FROM events e"
    return [
        ("clients list", "sales", ["clients", "list"],
         page_and_count(CLIENT, "", "c.id", clients_from)),
        ("clients list --mine", "sales", ["clients", "list", "--mine"],
         page_and_count(CLIENT, f"c.sales_contact_id = {SALES}", "c.id", clients_from)),
        ("clients list --search casey", "sales", ["clients", "list", "--search", "casey"],
         page_and_count(CLIENT, SEARCH, "c.id", clients_from)),
        ("clients list --sort name", "sales", ["clients", "list", "--sort", "name"],
         page_and_count(CLIENT, "", "lower(c.full_name), c.id", clients_from)),
        ("clients list --sort updated --desc", "sales", ["clients", "list", "--sort", "updated", "--desc"],
         page_and_count(CLIENT, "", "c.updated_at DESC, c.id DESC", clients_from)),
        ("contracts list", "management", ["contracts", "list"],
         page_and_count(CONTRACT, "", "ct.id", contracts_from)),
        ("contracts unsigned", "management", ["contracts", "unsigned"],
         page_and_count(CONTRACT, "ct.signed_at IS NULL", "ct.id", contracts_from)),
        ("contracts unpaid", "management", ["contracts", "unpaid"],
         page_and_count(CONTRACT, "ct.remaining_cents > 0", "ct.id", contracts_from)),
        ("contracts list --mine", "sales", ["contracts", "list", "--mine"],
         page_and_count(CONTRACT, f"c.sales_contact_id = {SALES}", "ct.id", contracts_joined)),
        ("contracts list --sort remaining --desc", "management",
         ["contracts", "list", "--sort", "remaining", "--desc"],
         page_and_count(CONTRACT, "", "ct.remaining_cents DESC, ct.id DESC", contracts_from)),
        ("events list", "support", ["events", "list"],
         page_and_count(EVENT, "", "e.starts_at, e.id", events_from)),
        ("events no-support", "management", ["events", "no-support"],
         page_and_count(EVENT, "e.support_contact_id IS NULL", "e.starts_at, e.id", events_from)),
        ("events mine (support)", "support", ["events", "mine"],
         page_and_count(EVENT, f"e.support_contact_id = {SUPPORT}", "e.starts_at, e.id", events_from)),
        ("events mine (sales)", "sales", ["events", "mine"],
         page_and_count(EVENT, f"e.sales_contact_id = {SALES}", "e.starts_at, e.id", events_from)),
        ("events list --period month", "support", ["events", "list", "--period", "month"],
         page_and_count(EVENT, month(), "e.starts_at, e.id", events_from)),
        ("events list --sort attendees --desc", "support", ["events", "list", "--sort", "attendees", "--desc"],
         page_and_count(EVENT, "", "e.attendees DESC, e.id DESC", events_from)),
        ("audit list", "management", ["audit", "list"],
         page_and_count(AUDIT, "", "a.id DESC", "FROM audit_log a")),
        ("clients list --format csv (all rows)", "sales", ["clients", "list", "--format", "csv"],
         f"{CLIENT} ORDER BY c.id;"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="postgres://postgres@127.0.0.1:5432",
                        help="the server, without a database name")
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--only", nargs="+", metavar="TEXT")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    data = os.path.join(ROOT, "target", "bench")
    os.makedirs(data, exist_ok=True)
    name = f"epicevents_bench_{args.scale}"
    url = f"{args.url.rstrip('/')}/{name}"
    admin = f"{args.url.rstrip('/')}/postgres"
    exists = subprocess.run(["psql", admin, "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            check=True, capture_output=True, text=True).stdout.strip() == "1"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EPICEVENTS_", "SENTRY_"))}
    base.update(EPICEVENTS_DB=url, NO_COLOR="1", COLUMNS="100")
    if not exists:
        subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        env = dict(base, EPICEVENTS_HOME=os.path.join(data, "pg-home-build"))
        start = time.perf_counter()
        built = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "demo", "--scale", str(args.scale)], env=env,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak = int(built.stderr.strip().splitlines()[-1]) / 1024
        print(f"Built {name} in {time.perf_counter() - start:.1f} s, peak RSS {peak:.1f} MB", file=sys.stderr)
    homes = login(BIN, base, data, "pg-")
    version = subprocess.run(["psql", url, "-Atc", "SHOW server_version"], capture_output=True,
                             text=True).stdout.strip()
    print(f"Machine: {machine()}, PostgreSQL {version} on the same machine. Database: {args.scale:,} clients, "
          f"contracts and events. Median of {args.runs} runs after one warm-up; peak RSS of the whole process "
          f"(GNU time).\n")
    print("| command | epicevents | peak RSS | psql floor | peak RSS | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    chosen = cases()
    if args.only:
        chosen = [case for case in chosen if any(word in case[0] for word in args.only)]
    for label, who, argv, sql in chosen:
        ours, our_rss = median(args.runs, [BIN, *argv], homes[who])
        floor, floor_rss = median(args.runs, ["psql", "-X", "-q", "-o", "/dev/null", url, "-c", sql], base)
        print(f"| `{label}` | {ours * 1000:.1f} ms | {our_rss / 1024:.1f} MB | {floor * 1000:.1f} ms | "
              f"{floor_rss / 1024:.1f} MB | {ours / floor:.2f} |", flush=True)


if __name__ == "__main__":
    main()

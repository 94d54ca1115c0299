#!/usr/bin/env python3
"""Time epicevents one-shot lists on a large database, beside the sqlite3 floor.

    bench/run.py [--scale N] [--runs R] [--only TEXT...] [--compare BINARY DATABASE]

Builds the release binary, builds the database once (target/bench/scale-N.db, reused by
later runs), logs in one collaborator per department, then runs every one-shot list and
filter R times through the real binary, and the same SQL R times through the `sqlite3`
shell (the floor: what SQLite alone costs, process start included). Prints a Markdown
table of the median wall time and the peak memory (RSS) of each whole process, as
reported by GNU time, plus the machine it ran on. Needs python3, /usr/bin/time and the
sqlite3 shell.

With --compare, times each list (not the exports) through another binary on another
database of the same scale (say, the build and database before a migration) and through
this build, alternating which goes first, so that both see the same machine. Give it a
database that binary built: a newer binary would migrate it on first use.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "epicevents")
PASSWORD = "epicevents-demo"

# The SQL the repositories run for each list: the first page, then the footer's count.
# Mirrors src/repo/*.rs; the query-plan test there keeps those on indexes.
CLIENT = ("SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id, s.full_name, "
          "c.created_at, c.updated_at FROM clients c LEFT JOIN collaborators s ON s.id = c.sales_contact_id")
CLIENT_SEARCH = ("SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id, s.full_name, "
                 "c.created_at, c.updated_at FROM clients_search f JOIN clients c ON c.id = f.rowid "
                 "LEFT JOIN collaborators s ON s.id = c.sales_contact_id")
CONTRACT = ("SELECT ct.id, ct.client_id, c.full_name, c.sales_contact_id, ct.total_cents, ct.remaining_cents, "
            "ct.signed_at, ct.created_at FROM contracts ct JOIN clients c ON c.id = ct.client_id")
EVENT = ("SELECT e.id, e.contract_id, c.full_name, c.email, c.phone, e.name, e.starts_at, e.ends_at, e.venue, "
         "e.location, e.attendees, e.notes, e.support_contact_id, s.full_name, c.sales_contact_id FROM events e "
         "JOIN contracts ct ON ct.id = e.contract_id JOIN clients c ON c.id = ct.client_id "
         "LEFT JOIN collaborators s ON s.id = e.support_contact_id")
# A date range alone reads the start index (src/repo/events.rs, SELECT_BY_START).
EVENT_BY_START = EVENT.replace("FROM events e ", "FROM events e INDEXED BY events_starts_at ")
EVENT_JOINS = "FROM events e JOIN contracts ct ON ct.id = e.contract_id JOIN clients c ON c.id = ct.client_id"
AUDIT = ("SELECT a.id, a.at, a.actor_id, c.full_name, a.action, a.entity, a.entity_id, a.changes "
         "FROM audit_log a LEFT JOIN collaborators c ON c.id = a.actor_id")
PAGE = "LIMIT 25 OFFSET 0"

SALES, SUPPORT = 2, 150  # sales1 and one support collaborator of the scaled data set


def period(name, walk=False):
    """The bounds `events list --period NAME` computes from today's local date; with `walk`, as a
    page written to walk another index's order (the unary + keeps SQLite off the start index)."""
    today = datetime.date.today()
    if name == "today":
        first, last = today, today + datetime.timedelta(days=1)
    elif name == "week":
        first = today - datetime.timedelta(days=today.weekday())
        last = first + datetime.timedelta(days=7)
    else:
        first = today.replace(day=1)
        last = (first + datetime.timedelta(days=32)).replace(day=1)
    plus = "+" if walk else ""
    return (f"{plus}e.starts_at >= '{first.isoformat()}T00:00' AND {plus}e.starts_at < '{last.isoformat()}T00:00'")


def sorted_cases():
    """The filters and sorts of the sort-keys issue: one row each."""
    client_count = "SELECT COUNT(*) FROM clients c"
    contract_count = "SELECT COUNT(*) FROM contracts ct"
    event_count = "SELECT COUNT(*) FROM events e"
    search = "clients_search MATCH '\"casey\"'"
    cases = [
        ("clients list --sales 2", "management", ["clients", "list", "--sales", str(SALES)],
         f"{CLIENT} WHERE c.sales_contact_id = {SALES} ORDER BY c.id {PAGE}; "
         f"SELECT COUNT(*) FROM clients c WHERE c.sales_contact_id = {SALES}", []),
        ("clients list --sort name", "management", ["clients", "list", "--sort", "name"],
         f"{CLIENT} ORDER BY c.full_name COLLATE NOCASE, c.id {PAGE}; {client_count}", []),
        ("clients list --sort company --desc", "management", ["clients", "list", "--sort", "company", "--desc"],
         f"{CLIENT} ORDER BY c.company_name COLLATE NOCASE DESC, c.id DESC {PAGE}; {client_count}", []),
        ("clients list --sort updated", "management", ["clients", "list", "--sort", "updated"],
         f"{CLIENT} ORDER BY c.updated_at, c.id {PAGE}; {client_count}", []),
        # sales1 owns 1 client in 100: the page walks the name index and skips the others.
        ("clients list --sales 2 --sort name", "management",
         ["clients", "list", "--sales", str(SALES), "--sort", "name"],
         f"{CLIENT} WHERE +c.sales_contact_id = {SALES} ORDER BY c.full_name COLLATE NOCASE, c.id {PAGE}; "
         f"SELECT COUNT(*) FROM clients c WHERE c.sales_contact_id = {SALES}", []),
        ("clients list --search casey --sort name", "management",
         ["clients", "list", "--search", "casey", "--sort", "name"],
         "SELECT c.id, c.full_name, c.email, c.phone, c.company_name, c.sales_contact_id, s.full_name, "
         "c.created_at, c.updated_at FROM (SELECT f.rowid AS id FROM clients_search f "
         f"WHERE {search} ORDER BY f.rowid LIMIT 10000) m JOIN clients c ON c.id = m.id "
         "LEFT JOIN collaborators s ON s.id = c.sales_contact_id ORDER BY c.full_name COLLATE NOCASE, c.id "
         f"{PAGE}; SELECT COUNT(*) FROM (SELECT 1 FROM clients_search f WHERE {search} LIMIT 10001)", []),
        ("contracts list --signed", "management", ["contracts", "list", "--signed"],
         f"{CONTRACT} WHERE +ct.signed_at IS NOT NULL ORDER BY ct.id {PAGE}; "
         "SELECT COUNT(*) FROM contracts ct WHERE ct.signed_at IS NOT NULL", []),
        ("contracts list --sort total --desc", "management", ["contracts", "list", "--sort", "total", "--desc"],
         f"{CONTRACT} ORDER BY ct.total_cents DESC, ct.id DESC {PAGE}; {contract_count}", []),
        ("contracts list --sort remaining", "management", ["contracts", "list", "--sort", "remaining"],
         f"{CONTRACT} ORDER BY ct.remaining_cents, ct.id {PAGE}; {contract_count}", []),
        ("contracts list --sort signed --desc", "management", ["contracts", "list", "--sort", "signed", "--desc"],
         f"{CONTRACT} ORDER BY ct.signed_at DESC, ct.id DESC {PAGE}; {contract_count}", []),
        ("contracts list --sort client", "management", ["contracts", "list", "--sort", "client"],
         f"{CONTRACT} ORDER BY c.full_name COLLATE NOCASE, c.id, ct.id {PAGE}; {contract_count}", []),
        ("contracts list --signed --sort remaining --desc", "management",
         ["contracts", "list", "--signed", "--sort", "remaining", "--desc"],
         f"{CONTRACT} WHERE +ct.signed_at IS NOT NULL ORDER BY ct.remaining_cents DESC, ct.id DESC {PAGE}; "
         "SELECT COUNT(*) FROM contracts ct WHERE ct.signed_at IS NOT NULL", []),
        ("contracts list --mine --sort total", "sales", ["contracts", "list", "--mine", "--sort", "total"],
         f"{CONTRACT} WHERE +c.sales_contact_id = {SALES} ORDER BY ct.total_cents, ct.id {PAGE}; "
         f"SELECT COUNT(*) FROM contracts ct JOIN clients c ON c.id = ct.client_id WHERE c.sales_contact_id = {SALES}", []),
        ("contracts list --client 500000 --sort total", "management",
         ["contracts", "list", "--client", "500000", "--sort", "total"],
         f"{CONTRACT} WHERE ct.client_id = 500000 ORDER BY ct.total_cents, ct.id {PAGE}; "
         "SELECT COUNT(*) FROM contracts ct WHERE ct.client_id = 500000", []),
        ("events list --sort start --desc", "management", ["events", "list", "--sort", "start", "--desc"],
         f"{EVENT} ORDER BY e.starts_at DESC, e.id DESC {PAGE}; {event_count}", []),
        ("events list --sort name", "management", ["events", "list", "--sort", "name"],
         f"{EVENT} ORDER BY e.name COLLATE NOCASE, e.id {PAGE}; {event_count}", []),
        ("events list --sort attendees --desc", "management", ["events", "list", "--sort", "attendees", "--desc"],
         f"{EVENT} ORDER BY e.attendees DESC, e.id DESC {PAGE}; {event_count}", []),
        # Support 150 has 1 event in 125: the page walks the name index.
        ("events list --support 150 --sort name", "management",
         ["events", "list", "--support", str(SUPPORT), "--sort", "name"],
         f"{EVENT} WHERE +e.support_contact_id = {SUPPORT} ORDER BY e.name COLLATE NOCASE, e.id {PAGE}; "
         f"SELECT COUNT(*) FROM events e WHERE e.support_contact_id = {SUPPORT}", []),
    ]
    for name in ("today", "week", "month"):
        bounds = period(name)
        cases.append((f"events list --period {name}", "management", ["events", "list", "--period", name],
                      f"{EVENT_BY_START} WHERE {bounds} ORDER BY e.starts_at, e.id {PAGE}; "
                      f"SELECT COUNT(*) FROM events e WHERE {bounds}", []))
    # A month holds 1 event in 36: the page walks the attendees index.
    cases.append(("events list --period month --sort attendees --desc", "management",
                  ["events", "list", "--period", "month", "--sort", "attendees", "--desc"],
                  f"{EVENT} WHERE {period('month', walk=True)} ORDER BY e.attendees DESC, e.id DESC {PAGE}; "
                  f"SELECT COUNT(*) FROM events e WHERE {period('month')}", []))
    cases.append(("events list --period week --support 150", "management",
                  ["events", "list", "--period", "week", "--support", str(SUPPORT)],
                  f"{EVENT} WHERE e.support_contact_id = {SUPPORT} AND {period('week')} ORDER BY e.starts_at, e.id {PAGE}; "
                  f"SELECT COUNT(*) FROM events e WHERE e.support_contact_id = {SUPPORT} AND {period('week')}", []))
    cases.append(("contracts list --sort total --format csv (all rows)", "management",
                  ["contracts", "list", "--sort", "total", "--format", "csv"],
                  f"{CONTRACT} ORDER BY ct.total_cents, ct.id", ["-csv", "-header"]))
    return cases


def cases():
    """(label, who, arguments, floor SQL, floor sqlite3 options)."""
    return [
        ("whoami", "sales", ["whoami"], "SELECT id, token_version FROM collaborators WHERE id = 2", []),
        ("clients list", "management", ["clients", "list"],
         f"{CLIENT} ORDER BY c.id {PAGE}; SELECT COUNT(*) FROM clients c", []),
        ("clients list --mine", "sales", ["clients", "list", "--mine"],
         f"{CLIENT} WHERE c.sales_contact_id = {SALES} ORDER BY c.id {PAGE}; "
         f"SELECT COUNT(*) FROM clients c WHERE c.sales_contact_id = {SALES}", []),
        ("clients list --unassigned", "management", ["clients", "list", "--unassigned"],
         f"{CLIENT} WHERE c.sales_contact_id IS NULL ORDER BY c.id {PAGE}; "
         "SELECT COUNT(*) FROM clients c WHERE c.sales_contact_id IS NULL", []),
        ("clients list --search casey", "management", ["clients", "list", "--search", "casey"],
         f"{CLIENT_SEARCH} WHERE clients_search MATCH '\"casey\"' ORDER BY f.rowid {PAGE}; "
         "SELECT COUNT(*) FROM (SELECT 1 FROM clients_search f WHERE clients_search MATCH '\"casey\"' LIMIT 10001)", []),
        ("contracts list", "management", ["contracts", "list"],
         f"{CONTRACT} ORDER BY ct.id {PAGE}; SELECT COUNT(*) FROM contracts ct", []),
        ("contracts list --client 500000", "management", ["contracts", "list", "--client", "500000"],
         f"{CONTRACT} WHERE ct.client_id = 500000 ORDER BY ct.id {PAGE}; "
         "SELECT COUNT(*) FROM contracts ct WHERE ct.client_id = 500000", []),
        ("contracts list --mine", "sales", ["contracts", "list", "--mine"],
         f"{CONTRACT} WHERE +c.sales_contact_id = {SALES} ORDER BY ct.id {PAGE}; "
         f"SELECT COUNT(*) FROM contracts ct JOIN clients c ON c.id = ct.client_id WHERE c.sales_contact_id = {SALES}", []),
        ("contracts unsigned", "management", ["contracts", "unsigned"],
         f"{CONTRACT} WHERE ct.signed_at IS NULL ORDER BY ct.id {PAGE}; "
         "SELECT COUNT(*) FROM contracts ct WHERE ct.signed_at IS NULL", []),
        ("contracts unpaid", "management", ["contracts", "unpaid"],
         f"{CONTRACT} WHERE ct.remaining_cents > 0 ORDER BY ct.id {PAGE}; "
         "SELECT COUNT(*) FROM contracts ct WHERE ct.remaining_cents > 0", []),
        ("contracts unpaid --mine", "sales", ["contracts", "unpaid", "--mine"],
         f"{CONTRACT} WHERE +c.sales_contact_id = {SALES} AND ct.remaining_cents > 0 ORDER BY ct.id {PAGE}; "
         f"SELECT COUNT(*) FROM contracts ct JOIN clients c ON c.id = ct.client_id "
         f"WHERE c.sales_contact_id = {SALES} AND ct.remaining_cents > 0", []),
        ("events list", "management", ["events", "list"],
         f"{EVENT} ORDER BY e.starts_at, e.id {PAGE}; SELECT COUNT(*) FROM events e", []),
        ("events list --client 500000", "management", ["events", "list", "--client", "500000"],
         f"{EVENT} WHERE ct.client_id = 500000 ORDER BY e.starts_at, e.id {PAGE}; "
         f"SELECT COUNT(*) {EVENT_JOINS} WHERE ct.client_id = 500000", []),
        ("events list --support 150", "management", ["events", "list", "--support", str(SUPPORT)],
         f"{EVENT} WHERE e.support_contact_id = {SUPPORT} ORDER BY e.starts_at, e.id {PAGE}; "
         f"SELECT COUNT(*) FROM events e WHERE e.support_contact_id = {SUPPORT}", []),
        ("events list --from --to (a month)", "management",
         ["events", "list", "--from", "2027-01-01", "--to", "2027-01-31"],
         f"{EVENT_BY_START} WHERE e.starts_at >= '2027-01-01T00:00' AND e.starts_at < '2027-02-01T00:00' "
         f"ORDER BY e.starts_at, e.id {PAGE}; SELECT COUNT(*) FROM events e "
         "WHERE e.starts_at >= '2027-01-01T00:00' AND e.starts_at < '2027-02-01T00:00'", []),
        ("events no-support", "management", ["events", "no-support"],
         f"{EVENT} WHERE e.support_contact_id IS NULL ORDER BY e.starts_at, e.id {PAGE}; "
         "SELECT COUNT(*) FROM events e WHERE e.support_contact_id IS NULL", []),
        ("events mine (support)", "support", ["events", "mine"],
         f"{EVENT} WHERE e.support_contact_id = {SUPPORT} ORDER BY e.starts_at, e.id {PAGE}; "
         f"SELECT COUNT(*) FROM events e WHERE e.support_contact_id = {SUPPORT}", []),
        ("events mine (sales)", "sales", ["events", "mine"],
         f"{EVENT} WHERE +c.sales_contact_id = {SALES} ORDER BY e.starts_at, e.id {PAGE}; "
         f"SELECT COUNT(*) {EVENT_JOINS} WHERE c.sales_contact_id = {SALES}", []),
        ("audit list", "management", ["audit", "list"],
         f"{AUDIT} ORDER BY a.id DESC {PAGE}; SELECT COUNT(*) FROM audit_log a", []),
        ("clients list --format csv (all rows)", "management", ["clients", "list", "--format", "csv"],
         f"{CLIENT} ORDER BY c.id", ["-csv", "-header"]),
        ("events list --format json (all rows)", "management", ["events", "list", "--format", "json"],
         f"{EVENT} ORDER BY e.starts_at, e.id", ["-json"]),
    ]


def wall(argv, env):
    """Wall seconds of one process, its output discarded."""
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}: {result.stderr.decode()}")
    return elapsed


def peak_rss(argv, env):
    """Peak RSS (KiB) of one process, through GNU time: a forked Python child would carry
    the interpreter's own peak across exec, GNU time's child carries almost nothing."""
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(result.stderr.strip().splitlines()[-1])


def median(runs, argv, env):
    wall(argv, env)  # warm the page cache
    return statistics.median(wall(argv, env) for _ in range(runs)), peak_rss(argv, env)


def login(binary, env, data, prefix=""):
    """One logged-in home per department, for `binary` on the database `env` names."""
    homes = {}
    for who, email in [("management", "management1"), ("sales", "sales1"), ("support", f"support{SUPPORT - 101}")]:
        homes[who] = dict(env, EPICEVENTS_HOME=os.path.join(data, f"{prefix}home-{who}"))
        subprocess.run([binary, "login", f"{email}@scale.epic.com"], env=homes[who], input=PASSWORD + "\n",
                       text=True, check=True, stdout=subprocess.DEVNULL)
    return homes


def compare(runs, sides, only=None):
    """Median wall time of each list on two (binary, homes) sides, taking turns (only the
    lists whose label contains one of `only`, when given)."""
    (before, (before_bin, before_homes)), (after, (after_bin, after_homes)) = sides
    print(f"| command | {before} | {after} | ratio |")
    print("|---|---:|---:|---:|")
    # Only the lists both builds know: an older binary refuses the newer flags.
    for label, who, argv, _, _ in cases():
        if "all rows" in label or (only and not any(word in label for word in only)):
            continue
        pair = [(before_bin, before_homes[who], []), (after_bin, after_homes[who], [])]
        for binary, env, _ in pair:
            wall([binary, *argv], env)  # warm the page cache
        for i in range(runs):
            for binary, env, times in pair[:: 1 if i % 2 == 0 else -1]:
                times.append(wall([binary, *argv], env))
        b, a = (statistics.median(times) for _, _, times in pair)
        print(f"| `{label}` | {b * 1000:.1f} ms | {a * 1000:.1f} ms | {a / b:.2f} |", flush=True)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    sqlite = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    return f"{os.cpu_count()} × {cpu}, {memory:.0f} GiB, {platform.system()} {platform.release()}, sqlite3 shell {sqlite}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--only", nargs="+", metavar="TEXT",
                        help="only the commands whose label contains one of these texts "
                             "(exports only with \"all rows\")")
    parser.add_argument("--compare", nargs=2, metavar=("BINARY", "DATABASE"),
                        help="time the lists through BINARY on DATABASE beside this build, taking turns")
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    data = os.path.join(ROOT, "target", "bench")
    os.makedirs(data, exist_ok=True)
    db = os.path.join(data, f"scale-{args.scale}.db")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EPICEVENTS_", "SENTRY_"))}
    base.update(EPICEVENTS_DB=db, NO_COLOR="1", COLUMNS="100")
    if not os.path.exists(db):
        env = dict(base, EPICEVENTS_HOME=os.path.join(data, "home-build"))
        start = time.perf_counter()
        built = subprocess.run(["/usr/bin/time", "-f", "%M", BIN, "demo", "--scale", str(args.scale)], env=env,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        peak = int(built.stderr.strip().splitlines()[-1]) / 1024
        print(f"Built {db} in {time.perf_counter() - start:.1f} s, peak RSS {peak:.1f} MB", file=sys.stderr)
    homes = login(BIN, base, data)
    if args.compare:
        binary, other = (os.path.abspath(p) for p in args.compare)
        other_homes = login(binary, dict(base, EPICEVENTS_DB=other), data, "compare-")
        print(f"Machine: {machine()}. Database: {args.scale:,} clients, contracts and events. "
              f"Median of {args.runs} runs each, taking turns, after one warm-up.\n")
        compare(args.runs, [(os.path.basename(binary), (binary, other_homes)), ("this build", (BIN, homes))],
                args.only)
        return
    print(f"Machine: {machine()}. Database: {args.scale:,} clients, contracts and events. "
          f"Median of {args.runs} runs after one warm-up; peak RSS of the whole process (GNU time).\n")
    print("| command | epicevents | peak RSS | sqlite3 floor | peak RSS | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    chosen = cases() + sorted_cases()
    if args.only:
        # Exports take seconds each: only when asked for by "all rows".
        chosen = [case for case in chosen if any(word in case[0] for word in args.only)
                  and ("all rows" not in case[0] or "all rows" in args.only)]
    for label, who, argv, sql, options in chosen:
        ours, our_rss = median(args.runs, [BIN, *argv], homes[who])
        floor, floor_rss = median(args.runs, ["sqlite3", *options, db, sql], base)
        print(f"| `{label}` | {ours * 1000:.1f} ms | {our_rss / 1024:.1f} MB | {floor * 1000:.1f} ms | "
              f"{floor_rss / 1024:.1f} MB | {ours / floor:.2f} |", flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Benchmark of the original-case lookup by case number + registration number
# (GET /api/v1/original-cases?case_number=…&registration_number=…) against its targets:
#
#   throughput: at least half of what pgbench reaches running the SQL the lookup needs
#               (the caller's session, the lookup lock, the case, its parties, the caller's
#               unfinished appeal drafts, earlier appellants, the access record), prepared,
#               with as many clients as the service's connection pool, side by side;
#   tail:       p99 no more than 4 × the median at 80 % of the service's peak rate, offered
#               at a constant rate (oha -q, with latency correction).
#
# What it does: builds the release binary, makes a database of its own on the PostgreSQL
# server of BENCH_DATABASE_URL, migrates it, seeds BENCH_CASES registered cases (default
# 2,000,000; 民初 cases spread over the province's basic courts and seven years (a few
# thousand per court and year, as a busy basic court registers), three in
# five closed within the last two years, two parties each), starts the service with
# EFILING_WORKERS=2 and a pool of BENCH_POOL connections, registers and logs a party in, writes
# BENCH_URLS lookup URLs of random closed cases, and for each of BENCH_RUNS runs:
#   (a) pgbench -M prepared -c BENCH_POOL -j 2 -T BENCH_SECONDS on the lookup's SQL;
#   (b) oha -c 64 -z BENCH_SECONDS over the URLs: the service's peak rate;
#   (c) oha -c 64 -q <80 % of (b)> --latency-correction: median and p99.
# Prints each run, the medians and PASS/FAIL, and writes them to target/bench-lookup.txt.
#
# Usage (from the repository root):   benches/original_case_lookup.sh
# Environment:
#   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres   server to use
#   BENCH_CASES=2000000   BENCH_RUNS=3   BENCH_SECONDS=15   BENCH_POOL=16   BENCH_URLS=20000
#   BENCH_SKIP_BUILD=1    use the existing target/release/efiling
#   BENCH_KEEP_DB=1       keep the seeded database (efiling_bench_lookup_v2) for another run
# Needs: cargo, python3, psql, pgbench, oha (`cargo install oha`), curl.
# Exit status: 0 when both targets pass, 1 when one fails, 2 when the benchmark itself fails.
set -euo pipefail
cd "$(dirname "$0")/.."

server_url=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
cases=${BENCH_CASES:-2000000}
runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-15}
pool=${BENCH_POOL:-16}
url_count=${BENCH_URLS:-20000}
port=${BENCH_PORT:-18181}
db=efiling_bench_lookup_v2  # bump the suffix when the seed changes
db_url="${server_url%/*}/$db"
out=target/bench-lookup.txt
work=$(mktemp -d)
service_pid=

fail() { echo "bench: $*" >&2; exit 2; }
cleanup() {
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
  rm -rf "$work"
  if [ -z "${BENCH_KEEP_DB:-}" ]; then psql -q "$server_url" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

for tool in psql pgbench oha python3 curl; do
  command -v "$tool" >/dev/null || fail "$tool is needed (oha: cargo install oha)"
done
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then cargo build --release --quiet; fi
bin=target/release/efiling
[ -x "$bin" ] || fail "no $bin"

# --- The database ------------------------------------------------------------------------
seeded=$(psql -qtA "$server_url" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")
if [ -n "$seeded" ] && [ -n "${BENCH_KEEP_DB:-}" ] &&
  [ "$(psql -qtA "$db_url" -c 'SELECT count(*) FROM registered_cases')" = "$cases" ]; then
  echo "bench: reusing the seeded database $db"
else
  psql -q "$server_url" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  DATABASE_URL=$db_url "$bin" migrate 2>/dev/null
  started=$SECONDS
  psql -q -v ON_ERROR_STOP=1 -v cases="$cases" "$db_url" <<'SQL'
-- The n-th seeded case's number and registration number; pgbench uses the same functions.
CREATE FUNCTION bench_courts() RETURNS text[] LANGUAGE sql STABLE AS
  $$ SELECT array_agg(code ORDER BY code) FROM courts WHERE level = 'basic' $$;
CREATE TABLE bench_court_list AS SELECT bench_courts() AS codes;
CREATE FUNCTION bench_case_number(n integer, codes text[]) RETURNS text
  LANGUAGE sql IMMUTABLE AS
  $$ SELECT format('（%s）%s民初%s号', 2019 + n % 7, codes[1 + (n / 7) % array_length(codes, 1)],
                   1 + n / (7 * array_length(codes, 1))) $$;
CREATE FUNCTION bench_registration_number(n integer) RETURNS text
  LANGUAGE sql IMMUTABLE AS $$ SELECT (10000000000000 + n::bigint * 7919)::text $$;

INSERT INTO registered_cases (id, case_number, registration_number, court_code, year,
    type_code, cause, status, registered_on, closed_on, judgment_document_number, source)
SELECT gen_random_uuid(), bench_case_number(n, l.codes), bench_registration_number(n),
       l.codes[1 + (n / 7) % array_length(l.codes, 1)], 2019 + n % 7, '民初', '买卖合同纠纷',
       CASE WHEN n % 5 < 3 THEN 'closed' ELSE 'open' END,
       current_date - 800 + (n % 97),
       CASE WHEN n % 5 < 3 THEN current_date - (n % 700) END,
       CASE WHEN n % 5 < 3 THEN bench_case_number(n, l.codes) || '民事判决书' END,
       'trial_system'
  FROM generate_series(1, :cases) AS n, bench_court_list l;

INSERT INTO registered_case_parties (id, case_id, position, role, party_type, name,
    identity_number, details)
SELECT gen_random_uuid(), c.id, p.position, p.role, p.party_type, p.name, p.identity, p.details
  FROM registered_cases c,
  LATERAL (VALUES
    (0, 'plaintiff', 'natural_person', '张' || right(c.registration_number, 4),
     '370102' || right(c.registration_number, 12),
     jsonb_build_object('role', 'plaintiff', 'type', 'natural_person',
         'name', '张' || right(c.registration_number, 4), 'document_type', 'resident_id',
         'document_number', '370102' || right(c.registration_number, 12))),
    (1, 'defendant', 'legal_person', '山东某某商贸有限公司',
     '91370102' || right(c.registration_number, 10),
     jsonb_build_object('role', 'defendant', 'type', 'legal_person',
         'name', '山东某某商贸有限公司', 'credit_code', '91370102' || right(c.registration_number, 10),
         'representative_name', '李四'))
  ) AS p(position, role, party_type, name, identity, details);
ANALYZE;
SQL
  echo "bench: seeded $cases cases in $((SECONDS - started)) s"
fi

# --- The service and a caller ------------------------------------------------------------
DATABASE_URL=$db_url EFILING_WORKERS=2 EFILING_DB_POOL_SIZE=$pool EFILING_JOB_INTERVAL_MS=200 \
  EFILING_LOG_FORMAT=json RUST_LOG=warn EFILING_ACCESS_TOKEN_TTL_SECONDS=3600 \
  "$bin" serve --listen "127.0.0.1:$port" >"$work/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/service.log"; fail "the service did not start"; }
# A party registers (verified by the simulated citizen registry) and logs in.
id_number=$(python3 -c '
body = "37010219900101777"
weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11])')
registration=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/registrations/party" \
  -H 'content-type: application/json' \
  -d "{\"id_number\":\"$id_number\",\"name\":\"张三\",\"phone\":\"13900009777\",\"password\":\"Bench-pass-2026\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') || fail "registration failed"
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/v1/registrations/$registration" | grep -q '"status":"verified"' && break
  sleep 0.2
done
session=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/sessions" -H 'content-type: application/json' \
  -d "{\"login\":\"$id_number\",\"password\":\"Bench-pass-2026\"}") || session=
[ -n "$session" ] || fail "the synthetic party could not log in"
token=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])' <<<"$session")
ids=$(python3 -c '
import base64, json, sys
claims = sys.argv[1].split(".")[1]
claims = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
print(claims["sub"], claims["sid"])' "$token")
account=${ids% *}
family=${ids#* }

# The URLs: random closed cases (n % 5 < 3), spelt as a client would send them.
psql -qtA "$db_url" -c "SELECT codes FROM bench_court_list" >"$work/courts"
python3 - "$cases" "$url_count" "$port" "$work/courts" >"$work/urls" <<'PY'
import random, sys, urllib.parse
cases, count, port = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
codes = open(sys.argv[4]).read().strip().strip("{}").split(",")
random.seed(7)
for _ in range(count):
    n = random.randint(1, cases)
    while n % 5 >= 3:
        n = random.randint(1, cases)
    number = f"（{2019 + n % 7}）{codes[(n // 7) % len(codes)]}民初{1 + n // (7 * len(codes))}号"
    registration = 10000000000000 + n * 7919
    query = urllib.parse.urlencode({"case_number": number, "registration_number": registration})
    print(f"http://127.0.0.1:{port}/api/v1/original-cases?{query}")
PY
first=$(head -1 "$work/urls")
status=$(curl -s -o "$work/first.json" -w '%{http_code}' -H "authorization: Bearer $token" "$first")
[ "$status" = 200 ] || { cat "$work/first.json"; fail "a lookup answered $status"; }

# The SQL of one lookup, as the service runs it.
cat >"$work/lookup.sql" <<'SQL'
\set n random(1, :cases)
SELECT a.id, a.role, a.status, a.name, a.id_number FROM accounts a JOIN session_families f ON f.account_id = a.id WHERE a.id = :account AND f.id = :family AND f.revoked_at IS NULL LIMIT 1;
SELECT max(locked_until) FROM login_throttle WHERE key IN ('case_lookup' || chr(58) || 'account' || chr(58) || :account, 'case_lookup' || chr(58) || 'address' || chr(58) || '127.0.0.1') AND locked_until > now();
SELECT * FROM registered_cases WHERE case_number = bench_case_number(:n, (SELECT codes FROM bench_court_list)) AND registration_number = bench_registration_number(:n) LIMIT 1 \gset c_
SELECT * FROM registered_case_parties WHERE case_id = :c_id ORDER BY position;
SELECT id FROM filings WHERE filer_account_id = :account AND status = 'draft' AND kind IN ('civil_appeal', 'administrative_appeal') AND (content -> 'original_case' ->> 'case_number') = :c_case_number ORDER BY created_at LIMIT 1;
SELECT DISTINCT coalesce(p.details ->> 'credit_code', p.details ->> 'document_number', 'name' || chr(58) || p.name) FROM filings f JOIN filing_parties p ON p.filing_id = f.id JOIN accounts a ON a.id = f.filer_account_id WHERE f.kind IN ('civil_appeal', 'administrative_appeal') AND (f.content -> 'original_case' ->> 'case_number') = :c_case_number AND f.status <> 'rejected' AND p.role = 'appellant' AND (f.status <> 'draft' OR a.id_number = p.details ->> 'document_number');
INSERT INTO registered_case_access AS x (account_id, case_id, via) VALUES (:account, :c_id, 'case_and_registration_number') ON CONFLICT (account_id, case_id) DO UPDATE SET last_at = now() WHERE x.last_at < now() - interval '1 hour';
SQL

json_field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {'d': d}))" "$@"; }

echo "bench: warming up"
oha --no-tui -c 64 -z 5s --urls-from-file -H "authorization: Bearer $token" "$work/urls" >/dev/null
pgbench -n -M prepared -c "$pool" -j 2 -T 5 -D cases="$cases" -D account="$account" \
  -D family="$family" -f "$work/lookup.sql" "$db_url" >/dev/null

{
  echo "original-case lookup: $cases cases, $runs runs of ${seconds}s, pool $pool, 64 HTTP connections"
  echo "machine: $(nproc) cores, $(python3 -c 'import os; print(round(os.sysconf("SC_PAGE_SIZE")*os.sysconf("SC_PHYS_PAGES")/2**30))') GiB; $(psql -qtA "$server_url" -c 'SHOW server_version')"
  printf '%-4s %12s %12s %8s %12s %10s %10s %8s\n' run pgbench_tps service_rps ratio offered_rps p50_ms p99_ms p99/p50
} | tee "$out"
for run in $(seq 1 "$runs"); do
  tps=$(pgbench -n -M prepared -c "$pool" -j 2 -T "$seconds" -D cases="$cases" -D account="$account" \
    -D family="$family" -f "$work/lookup.sql" "$db_url" 2>/dev/null |
    sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
  oha --no-tui -c 64 -z "${seconds}s" --urls-from-file --output-format json \
    -H "authorization: Bearer $token" "$work/urls" >"$work/peak.json"
  rps=$(json_field "$work/peak.json" "round(d['summary']['requestsPerSec'], 1)")
  ok=$(json_field "$work/peak.json" "d['statusCodeDistribution'].get('200', 0)")
  all=$(json_field "$work/peak.json" "sum(d['statusCodeDistribution'].values())")
  [ "$ok" = "$all" ] || fail "run $run: $((all - ok)) of $all lookups did not answer 200"
  offered=$(python3 -c "print(max(1, int($rps * 0.8)))")
  oha --no-tui -c 64 -z "${seconds}s" -q "$offered" --latency-correction --urls-from-file \
    --output-format json -H "authorization: Bearer $token" "$work/urls" >"$work/rate.json"
  p50=$(json_field "$work/rate.json" "round(d['latencyPercentiles']['p50'] * 1000, 2)")
  p99=$(json_field "$work/rate.json" "round(d['latencyPercentiles']['p99'] * 1000, 2)")
  printf '%-4s %12s %12s %8s %12s %10s %10s %8s\n' "$run" "$tps" "$rps" \
    "$(python3 -c "print(round($rps / $tps, 3))")" "$offered" "$p50" "$p99" \
    "$(python3 -c "print(round($p99 / $p50, 2))")" | tee -a "$out"
done

python3 - "$out" <<'PY' | tee -a "$out"
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line[:1].isdigit()]
ratio = statistics.median(float(r[3]) for r in rows)
tail = statistics.median(float(r[7]) for r in rows)
print(f"median throughput ratio service/pgbench: {ratio:.3f} (target >= 0.5): {'PASS' if ratio >= 0.5 else 'FAIL'}")
print(f"median p99/p50 at 80 % of peak: {tail:.2f} (target <= 4): {'PASS' if tail <= 4 else 'FAIL'}")
sys.exit(0 if ratio >= 0.5 and tail <= 4 else 1)
PY

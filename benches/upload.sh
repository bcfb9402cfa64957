#!/usr/bin/env bash
# Benchmark of material uploads (POST /api/v1/materials) against the targets:
#
#   memory: uploading a 50 MiB PDF raises the service's resident memory by less than 16 MiB;
#   speed:  the upload runs at no less than half the speed of writing the same bytes to the
#           same disk with `dd … conv=fsync`, measured in the same run.
#
# Builds the release binary, starts it with its own embedded PostgreSQL in a temporary data
# directory on free ports, registers and logs in a synthetic party, generates a genuine PDF
# of ~50 MiB (one page showing an uncompressed RGB image), checks that the first upload
# answers 201 with `pages` (it is reported on its own line, not in the medians), then for
# each of N runs, side by side:
#   (a) dd if=<the PDF> of=<a file in the service's data dir> bs=1M conv=fsync  (wall time)
#   (b) curl uploads the same file (time_total), while a sampler reads VmRSS from
#       /proc/<pid>/status every ~20 ms; the RSS delta is the peak minus the value just
#       before the upload (VmHWM, reset before the upload, is shown as a cross-check, and
#       the CPU time of the service's threads too). The material is deleted afterwards, so
#       that the next run is a real upload and not a deduplicated 200.
# Prints a table, the medians, the speed ratio dd_time/upload_time (per run, and its
# median) and PASS/FAIL per target; writes the same to target/bench-upload.txt.
#
# Usage (from the repository root):   benches/upload.sh
# Environment:
#   BENCH_RUNS=3          measured runs (at least 3 is sensible on a noisy machine)
#   BENCH_PDF_BYTES=52428800  size of the generated PDF (default: exactly the 50 MiB limit)
#   BENCH_SKIP_BUILD=1    use the existing target/release/efiling
#   BENCH_KEEP=1          keep the temporary directories (their paths are printed)
#   EFILING_PG_BIN        as for the service, if the PostgreSQL binaries are not found
# Needs: cargo, python3, curl, dd, and the PostgreSQL server binaries (see README.md).
# Exit status: 0 when both targets pass, 1 when one fails, 2 when the benchmark itself fails.

set -euo pipefail

RUNS=${BENCH_RUNS:-3}
PDF_BYTES=${BENCH_PDF_BYTES:-52428800}
MEMORY_TARGET_KIB=$((16 * 1024))
RESULTS=target/bench-upload.txt

die() {
    echo "upload bench: $*" >&2
    exit 2
}

[[ -f Cargo.toml && -d api ]] || die "run it from the repository root (benches/upload.sh)"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "BENCH_RUNS must be a positive number"
for tool in cargo python3 curl dd; do
    command -v "$tool" >/dev/null || die "$tool is required"
done

DATA_DIR=""
WORK_DIR=""
SERVICE_PID=""
SAMPLER_PID=""

stop_service() {
    if [[ -n $SERVICE_PID ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
        # SIGTERM: the service stops its HTTP server, then its embedded PostgreSQL.
        kill -TERM "$SERVICE_PID" 2>/dev/null || true
        for _ in $(seq 1 300); do
            kill -0 "$SERVICE_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVICE_PID" 2>/dev/null; then
            echo "upload bench: the service did not stop; killing it" >&2
            kill -KILL "$SERVICE_PID" 2>/dev/null || true
        fi
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
    SERVICE_PID=""
    # Whatever happened to the service, its PostgreSQL must not outlive the benchmark.
    local pidfile="$DATA_DIR/postgres/postmaster.pid"
    if [[ -n $DATA_DIR && -f $pidfile ]]; then
        local pg_pid
        pg_pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
        if [[ $pg_pid =~ ^[0-9]+$ ]] && kill -0 "$pg_pid" 2>/dev/null; then
            kill -INT "$pg_pid" 2>/dev/null || true # fast shutdown
            for _ in $(seq 1 100); do
                kill -0 "$pg_pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -0 "$pg_pid" 2>/dev/null && kill -QUIT "$pg_pid" 2>/dev/null || true
        fi
    fi
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $SAMPLER_PID ]]; then
        kill "$SAMPLER_PID" 2>/dev/null || true
        wait "$SAMPLER_PID" 2>/dev/null || true
    fi
    if [[ $status -ne 0 && $status -ne 1 && -n $WORK_DIR && -f $WORK_DIR/service.log ]]; then
        echo "upload bench: last lines of the service log:" >&2
        tail -n 20 "$WORK_DIR/service.log" >&2 || true
    fi
    stop_service
    if [[ ${BENCH_KEEP:-} == 1 ]]; then
        echo "upload bench: kept $DATA_DIR and $WORK_DIR" >&2
    else
        [[ -n $DATA_DIR ]] && rm -rf -- "$DATA_DIR"
        [[ -n $WORK_DIR ]] && rm -rf -- "$WORK_DIR"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo "upload bench: line $LINENO failed: $BASH_COMMAND" >&2' ERR
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------
if [[ ${BENCH_SKIP_BUILD:-} != 1 ]]; then
    echo "== building the release binary" >&2
    cargo build --release --quiet
fi
BINARY=target/release/efiling
[[ -x $BINARY ]] || die "$BINARY is missing"

DATA_DIR=$(mktemp -d -t efiling-bench-data.XXXXXX)
WORK_DIR=$(mktemp -d -t efiling-bench-work.XXXXXX)
PDF=$WORK_DIR/bench.pdf

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HTTP_PORT=$(free_port)
PG_PORT=$(free_port)
while [[ $PG_PORT == "$HTTP_PORT" ]]; do PG_PORT=$(free_port); done
BASE=http://127.0.0.1:$HTTP_PORT

# ---------------------------------------------------------------------------------------
echo "== generating a PDF of $PDF_BYTES bytes" >&2
python3 - "$PDF" "$PDF_BYTES" <<'PY'
# One A4 page showing one uncompressed 8-bit RGB image of random pixels (so that nothing on
# the way can compress it), with a classic cross-reference table; the content stream is
# padded with a comment so that the file has exactly the requested size.
import os, sys

path, target = sys.argv[1], int(sys.argv[2])
width = 2048
head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"

def write(height, pad, out):
    """Writes (or, without `out`, only measures) the file; returns its size."""
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q\n"
    if pad >= 2:
        content += b"%" + b" " * (pad - 2) + b"\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>",
    ]
    offsets = []
    pos = 0
    def emit(data):
        nonlocal pos
        if out is not None:
            out.write(data)
        pos += len(data)
    emit(head)
    for number, body in enumerate(objects, start=1):
        offsets.append(pos)
        emit(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    offsets.append(pos)
    emit(b"4 0 obj\n<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream\nendobj\n")
    offsets.append(pos)
    image_len = width * height * 3
    emit(b"5 0 obj\n<< /Type /XObject /Subtype /Image /Width %d /Height %d "
         b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Length %d >>\nstream\n"
         % (width, height, image_len))
    if out is not None:
        left = image_len
        while left:
            n = min(left, 1 << 20)
            out.write(os.urandom(n))
            left -= n
    pos += image_len
    emit(b"\nendstream\nendobj\n")
    offsets.append(pos)
    emit(b"6 0 obj\n<< /Title (efiling upload benchmark) /Producer (benches/upload.sh) >>\nendobj\n")
    xref = pos
    emit(b"xref\n0 7\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    emit(b"trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return pos

# The tallest image that fits (one row is 6 KiB), then the rest as a comment in the content
# stream; the padding changes the digits of /Length, hence the second pass.
height = (target - write(0, 0, None)) // (3 * width)
while height > 0 and write(height, 0, None) > target:
    height -= 1
pad = target - write(height, 0, None)
for _ in range(3):
    if pad == 1:
        pad = 2
    pad -= write(height, pad, None) - target
if height <= 0 or write(height, pad, None) != target:
    sys.exit(f"cannot build a PDF of exactly {target} bytes")
with open(path, "wb") as f:
    size = write(height, pad, f)
assert size == target == os.path.getsize(path), (size, target)
print(f"{path}: {size} bytes, one page, {width}x{height} RGB image", file=sys.stderr)
PY

# ---------------------------------------------------------------------------------------
echo "== starting the service on $BASE (PostgreSQL on 127.0.0.1:$PG_PORT, data in $DATA_DIR)" >&2
EFILING_DATA_DIR=$DATA_DIR \
    EFILING_PG_PORT=$PG_PORT \
    EFILING_LISTEN=127.0.0.1:$HTTP_PORT \
    EFILING_LOG_FORMAT=json \
    RUST_LOG=warn \
    DATABASE_URL='' \
    "$BINARY" serve >"$WORK_DIR/service.log" 2>&1 &
SERVICE_PID=$!

ready=""
for _ in $(seq 1 600); do
    kill -0 "$SERVICE_PID" 2>/dev/null || die "the service exited during start-up"
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true) == 200 ]]; then
        ready=1
        break
    fi
    sleep 0.2
done
[[ -n $ready ]] || die "the service was not ready within 120 s"

json_field() { # json_field FIELD < json
    python3 -c 'import json, sys; v = json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else v)' "$1"
}

# ---------------------------------------------------------------------------------------
echo "== registering and logging in a synthetic party" >&2
ID_NUMBER=$(python3 - <<'PY'
# GB 11643-1999: weights 2^(17-i) mod 11, check character "10X98765432"[sum mod 11].
import random
body = "370102" + "19900101" + "%03d" % random.randrange(1000)
weights = [pow(2, 17 - i, 11) for i in range(17)]
print(body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11])
PY
)
PHONE=139$(printf '%08d' $((RANDOM * 1000 + RANDOM % 1000)))
PASSWORD='法院立案2026'
registration=$(curl -s -X POST "$BASE/api/v1/registrations/party" -H 'content-type: application/json' \
    -d "{\"id_number\":\"$ID_NUMBER\",\"name\":\"张三\",\"phone\":\"$PHONE\",\"password\":\"$PASSWORD\"}")
REGISTRATION_ID=$(json_field id <<<"$registration")
[[ -n $REGISTRATION_ID ]] || die "registration failed: $registration"
verified=""
for _ in $(seq 1 150); do
    status=$(curl -s "$BASE/api/v1/registrations/$REGISTRATION_ID" | json_field status || true)
    [[ $status == verified ]] && verified=1 && break
    [[ $status == failed ]] && die "the registration failed verification"
    sleep 0.2
done
[[ -n $verified ]] || die "the registration was not verified within 30 s"
session=$(curl -s -X POST "$BASE/api/v1/sessions" -H 'content-type: application/json' \
    -d "{\"login\":\"$ID_NUMBER\",\"password\":\"$PASSWORD\"}")
TOKEN=$(json_field access_token <<<"$session")
[[ -n $TOKEN ]] || die "login failed: $session"

# ---------------------------------------------------------------------------------------
# Uploads $PDF; prints "<http status> <time_total seconds>", the body goes to $1.
upload() {
    # `Expect:` (empty) stops curl from waiting for a 100 Continue, as browsers do.
    curl -s -o "$1" -w '%{http_code} %{time_total}\n' \
        -H "Authorization: Bearer $TOKEN" -H 'Expect:' \
        -F "file=@$PDF;type=application/pdf;filename=bench.pdf" \
        -F category=evidence \
        "$BASE/api/v1/materials"
}

delete_material() {
    local code
    code=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE -H "Authorization: Bearer $TOKEN" \
        "$BASE/api/v1/materials/$1")
    [[ $code == 204 ]] || die "deleting material $1 answered $code"
}

vmrss_kib() {
    local key value _
    while read -r key value _; do
        if [[ $key == VmRSS: ]]; then
            echo "$value"
            return
        fi
    done <"/proc/$1/status"
}

# Peak of VmRSS (and of RssAnon/RssFile, for the analysis) until SIGTERM, sampled every
# 20 ms by one python process (so that sampling forks nothing). It creates $1.ready once it
# has taken its first sample and can be stopped; the peaks go to $1.
start_sampler() {
    rm -f -- "$1" "$1.ready"
    python3 - "$SERVICE_PID" "$1" <<'PY' &
import signal, sys, time
pid, out = sys.argv[1], sys.argv[2]
peak = {"VmRSS:": 0, "RssAnon:": 0, "RssFile:": 0}
samples = 0
def sample():
    global samples
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            fields = line.split()
            if fields and fields[0] in peak:
                peak[fields[0]] = max(peak[fields[0]], int(fields[1]))
    samples += 1
def done(*_):
    with open(out, "w") as f:
        f.write("%d %d %d %d\n" % (peak["VmRSS:"], peak["RssAnon:"], peak["RssFile:"], samples))
    sys.exit(0)
signal.signal(signal.SIGTERM, done)
sample()
open(out + ".ready", "w").close()
while True:
    time.sleep(0.02)
    try:
        sample()
    except OSError:
        done()
PY
    SAMPLER_PID=$!
    for _ in $(seq 1 500); do
        [[ -e $1.ready ]] && return
        kill -0 "$SAMPLER_PID" 2>/dev/null || die "the RSS sampler failed"
        sleep 0.01
    done
    die "the RSS sampler did not start"
}

stop_sampler() {
    kill -TERM "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
    SAMPLER_PID=""
}

# CPU time the service's threads have used, in microseconds (from their schedstat).
service_cpu_us() {
    local task total=0 ns _
    for task in /proc/"$SERVICE_PID"/task/*/schedstat; do
        read -r ns _ <"$task" 2>/dev/null || continue
        total=$((total + ns))
    done
    echo $((total / 1000))
}

# One upload of $PDF with the memory of the service watched. Sets UP_S (curl time_total),
# RSS_BEFORE, RSS_PEAK, RSS_DELTA (sampled peak minus the value just before), HWM_DELTA
# (VmHWM, reset just before, minus the value before: catches peaks between samples; NA if
# /proc/<pid>/clear_refs is not writable), PEAK_ANON, PEAK_FILE, SAMPLES, MATERIAL_ID and
# PAGES, and CPU_MS (CPU time of the service's threads during the upload). Dies unless the
# answer is 201.
measure_upload() {
    local label=$1 body=$WORK_DIR/upload.$1.json code after hwm hwm_reset=0 cpu_before
    sync
    sleep 1 # let the service settle (freed memory returned, a background job round)
    if echo 5 >"/proc/$SERVICE_PID/clear_refs" 2>/dev/null; then hwm_reset=1; fi
    RSS_BEFORE=$(vmrss_kib "$SERVICE_PID")
    start_sampler "$WORK_DIR/peak.$label"
    cpu_before=$(service_cpu_us)
    read -r code UP_S < <(upload "$body")
    CPU_MS=$((($(service_cpu_us) - cpu_before) / 1000))
    after=$(vmrss_kib "$SERVICE_PID")
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVICE_PID/status")
    stop_sampler
    [[ $code == 201 ]] ||
        die "upload $label answered $code (expected 201): $(head -c 500 "$body")"
    read -r RSS_PEAK PEAK_ANON PEAK_FILE SAMPLES <"$WORK_DIR/peak.$label"
    ((RSS_PEAK < after)) && RSS_PEAK=$after
    RSS_DELTA=$((RSS_PEAK - RSS_BEFORE))
    if ((hwm_reset)); then HWM_DELTA=$((hwm - RSS_BEFORE)); else HWM_DELTA=NA; fi
    MATERIAL_ID=$(json_field id <"$body")
    PAGES=$(json_field pages <"$body")
}

# ---------------------------------------------------------------------------------------
echo "== first upload after start: checks that the PDF is accepted (not in the medians)" >&2
measure_upload first
[[ -n $PAGES ]] || die "the upload answered 201 without pages: $(head -c 500 "$WORK_DIR/upload.first.json")"
echo "   201 Created, pages=$PAGES, size=$(json_field size <"$WORK_DIR/upload.first.json")," \
    "${UP_S}s, RSS +$((RSS_DELTA / 1024)) MiB (VmHWM +$((${HWM_DELTA/NA/0} / 1024)) MiB)" >&2
FIRST="$UP_S $RSS_BEFORE $RSS_PEAK $RSS_DELTA $HWM_DELTA $CPU_MS"
delete_material "$MATERIAL_ID"

echo "== $RUNS measured runs" >&2
ROWS=()
for run in $(seq 1 "$RUNS"); do
    # (a) dd of the same bytes to the same disk, flushed.
    target_file=$DATA_DIR/dd-bench.pdf
    sync
    sleep 0.5
    start=$(date +%s%N)
    dd if="$PDF" of="$target_file" bs=1M conv=fsync status=none
    end=$(date +%s%N)
    rm -f -- "$target_file"
    dd_s=$(python3 -c "print(f'{($end - $start) / 1e9:.3f}')")

    # (b) the upload of the same file, with the RSS sampler running.
    measure_upload "$run"
    ratio=$(python3 -c "print(f'{$dd_s / $UP_S:.3f}')")
    ROWS+=("$run $dd_s $UP_S $ratio $RSS_BEFORE $RSS_PEAK $RSS_DELTA $HWM_DELTA $PEAK_ANON $PEAK_FILE $SAMPLES $CPU_MS")
    echo "   run $run: dd ${dd_s}s, upload ${UP_S}s, ratio $ratio, RSS +$((RSS_DELTA / 1024)) MiB" >&2
    # So that the next run is a real upload, not a deduplicated 200.
    delete_material "$MATERIAL_ID"
done

# ---------------------------------------------------------------------------------------
REPORT=$(
    python3 - "$PDF_BYTES" "$MEMORY_TARGET_KIB" "$FIRST" "${ROWS[@]}" <<'PY'
import statistics, sys

size, memory_target = int(sys.argv[1]), int(sys.argv[2])
first = sys.argv[3].split()
rows = [r.split() for r in sys.argv[4:]]
mib = 1024 * 1024
kib = lambda v: "n/a" if v == "NA" else f"{int(v) / 1024:.1f}"
print(f"file: {size} bytes ({size / mib:.2f} MiB), {len(rows)} runs")
print()
print("| run | dd conv=fsync (s) | dd MiB/s | upload (s) | upload MiB/s | ratio dd/upload "
      "| RSS before (MiB) | RSS peak (MiB) | RSS delta (MiB) | VmHWM delta (MiB) | service CPU (ms) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for run, dd, up, ratio, before, peak, delta, hwm, _, _, _, cpu in rows:
    dd, up = float(dd), float(up)
    print(f"| {run} | {dd:.3f} | {size / mib / dd:.0f} | {up:.3f} | {size / mib / up:.0f} "
          f"| {float(ratio):.2f} | {kib(before)} | {kib(peak)} | {kib(delta)} | {kib(hwm)} | {cpu} |")
up0, before0, peak0, delta0, hwm0, cpu0 = first
print(f"| first upload after start (not in the medians) | | | {float(up0):.3f} "
      f"| {size / mib / float(up0):.0f} | | {kib(before0)} | {kib(peak0)} | {kib(delta0)} | {kib(hwm0)} | {cpu0} |")
med = lambda i, f=float: statistics.median(f(r[i]) for r in rows)
dd, up, ratio, delta = med(1), med(2), med(3), med(6, int)
hwms = [int(r[7]) for r in rows if r[7] != "NA"]
worst = max([int(r[6]) for r in rows] + hwms + [int(delta0)] + ([int(hwm0)] if hwm0 != "NA" else []))
print()
print(f"median dd time:          {dd:.3f} s ({size / mib / dd:.0f} MiB/s)")
print(f"median upload time:      {up:.3f} s ({size / mib / up:.0f} MiB/s)")
print(f"median speed ratio (dd_time/upload_time, per run side by side): {ratio:.2f} (target >= 0.50)")
print(f"ratio of the medians:    {dd / up:.2f}")
print(f"median RSS delta:        {delta / 1024:.1f} MiB (target < 16 MiB)")
if hwms:
    print(f"median VmHWM delta:      {statistics.median(hwms) / 1024:.1f} MiB")
print(f"worst delta of any upload, first included, either measure: {worst / 1024:.1f} MiB")
print(f"peak RssAnon / RssFile (median): {med(8, int) / 1024:.1f} / {med(9, int) / 1024:.1f} MiB; "
      f"RSS samples per upload (median): {med(10, int):.0f}")
print(f"median CPU time of the service per upload: {med(11, int):.0f} ms "
      f"(load average at the end: {open('/proc/loadavg').read().split()[0]} on {__import__('os').cpu_count()} CPUs)")
print()
memory_ok = delta < memory_target
speed_ok = ratio >= 0.5
print(f"memory target (median RSS delta < 16 MiB):     {'PASS' if memory_ok else 'FAIL'}"
      + ("" if worst < memory_target or not memory_ok else " (but one upload went over)"))
print(f"speed target (>= half of dd conv=fsync speed): {'PASS' if speed_ok else 'FAIL'}")
PY
)

machine=$(
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory: $(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    fs=$(df -P "$DATA_DIR" | awk 'NR == 2 {print $1}')
    echo "disk: $fs ($(findmnt -n -o FSTYPE -T "$DATA_DIR" 2>/dev/null || echo '?')), data dir $DATA_DIR"
    echo "kernel: $(uname -r)"
)
mkdir -p target
{
    echo "# benches/upload.sh"
    echo "$machine"
    echo
    echo "$REPORT"
} | tee "$RESULTS"
echo "(written to $RESULTS)" >&2

grep -q FAIL <<<"$REPORT" && exit 1
exit 0

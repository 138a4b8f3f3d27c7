#!/usr/bin/python3
"""Kernel latency: Flowbook against Debian's ipykernel, in the same run, through jupyter_client.

Also runs Flowbook's wire and core with an interpreter that runs nothing (bench/kernel-protocol-only.js),
to separate the protocol path from the TypeScript runtime's own cost per cell.

Measures, per kernel: start-up (process launch to the first kernel_info_reply; median of 3 starts),
the first execute after start-up (sent once iopub is live), launch to that execute's reply (what a
notebook run right after start waits for, whatever the kernel does in between), the median round trip of 200 trivial executes of the same cell
`1 + 1` (execute_request sent to execute_reply received, each waited to idle before the next), and of
200 distinct trivial cells (`1 + 0`, `1 + 1`, ...: a cell the kernel has not seen before, which
Flowbook must type-check afresh). Prints the figures and ratios, and rewrites the "## Kernel latency"
section of bench/RESULTS.md (not with --dry-run).

Needs `npm run build`. Run: /usr/bin/python3 bench/kernel-latency.py [--dry-run]
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
STARTS = 3
ROUND_TRIPS = 200
WARM_UP_EXECUTES = 5

# The kernelspec goes into a temporary prefix, so the bench never touches the user's Jupyter setup.
PREFIX = tempfile.mkdtemp(prefix="flowbook-bench-")
subprocess.run(["node", str(ROOT / "kernel" / "bin" / "flowbook.js"), "install", "--prefix", PREFIX, "--kernel-only"], check=True, stdout=subprocess.DEVNULL)
PROTOCOL_ONLY_SPEC = Path(PREFIX, "share", "jupyter", "kernels", "flowbook-protocol-only")
PROTOCOL_ONLY_SPEC.mkdir(parents=True)
(PROTOCOL_ONLY_SPEC / "kernel.json").write_text(json.dumps({
    "argv": ["node", str(ROOT / "bench" / "kernel-protocol-only.js"), "{connection_file}"],
    "display_name": "Flowbook protocol path only",
    "language": "typescript",
    "interrupt_mode": "message",
}))
os.environ["JUPYTER_PATH"] = os.path.join(PREFIX, "share", "jupyter")
os.environ["FLOWBOOK_HISTORY_FILE"] = os.path.join(PREFIX, "history.jsonl")
os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"

from jupyter_client.manager import KernelManager  # noqa: E402  (after JUPYTER_PATH is set)


def wait_idle(client, msg_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        msg = client.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.001))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return


def reply_to(client, msg_id, timeout=60):
    while True:
        msg = client.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def execute(client, code):
    started = time.perf_counter()
    msg_id = client.execute(code)
    reply = reply_to(client, msg_id)
    elapsed = time.perf_counter() - started
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"{code!r} failed: {reply['content']}")
    wait_idle(client, msg_id)
    return elapsed


def start(kernel_name):
    """Starts a kernel; returns (manager, client, seconds to the first kernel_info_reply)."""
    manager = KernelManager(kernel_name=kernel_name)
    started = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    # The request waits in ZeroMQ's queue until the kernel binds, so the reply marks readiness exactly.
    msg_id = client.kernel_info()
    reply_to(client, msg_id, timeout=60)
    return manager, client, time.perf_counter() - started


def await_iopub(client):
    """Until an iopub status arrives, the subscription may still be joining and could miss outputs."""
    for _ in range(100):
        msg_id = client.kernel_info()
        reply_to(client, msg_id)
        try:
            wait_idle(client, msg_id, timeout=0.5)
            return
        except Empty:
            continue
    raise RuntimeError("iopub never delivered a status message")


def stop(manager, client):
    client.stop_channels()
    manager.shutdown_kernel(now=False)


def measure(kernel_name):
    print(f"measuring {kernel_name} ...", file=sys.stderr)
    startups, first_executes, first_results = [], [], []
    for _ in range(STARTS):
        launched = time.perf_counter()
        manager, client, startup = start(kernel_name)
        startups.append(startup)
        await_iopub(client)
        first_executes.append(execute(client, "1 + 1"))
        first_results.append(time.perf_counter() - launched)
        stop(manager, client)
    manager, client, _ = start(kernel_name)
    await_iopub(client)
    for _ in range(WARM_UP_EXECUTES):
        execute(client, "1 + 1")
    round_trips = [execute(client, "1 + 1") for _ in range(ROUND_TRIPS)]
    distinct = [execute(client, f"1 + {n}") for n in range(ROUND_TRIPS)]
    stop(manager, client)
    return {
        "startup": statistics.median(startups),
        "first_execute": statistics.median(first_executes),
        "first_result": statistics.median(first_results),
        "round_trip": statistics.median(round_trips),
        "round_trip_p90": statistics.quantiles(round_trips, n=10)[-1],
        "distinct": statistics.median(distinct),
    }


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def main():
    flowbook = measure("flowbook")
    protocol = measure("flowbook-protocol-only")
    ipykernel = measure("python3")
    rows = [
        ("start-up to first kernel_info_reply (median of 3)", "startup"),
        ("first execute after start-up (median of 3)", "first_execute"),
        ("launch to the first execute's reply, all included (median of 3)", "first_result"),
        (f"trivial execute round trip, `1 + 1` (median of {ROUND_TRIPS})", "round_trip"),
        (f"trivial execute round trip, `1 + 1` (p90 of {ROUND_TRIPS})", "round_trip_p90"),
        (f"distinct trivial cells `1 + n`, each new (median of {ROUND_TRIPS})", "distinct"),
    ]
    lines = [
        "## Kernel latency",
        "",
        f"`bench/kernel-latency.py`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{platform.machine()}, {os.cpu_count()} cores (shared with other work), Node {node_version()}, Python {platform.python_version()}, "
        "jupyter_client over TCP. Ratio = ipykernel / Flowbook (above 1: Flowbook is faster). "
        "\"Protocol path\" is Flowbook's wire and core with an interpreter that runs nothing.",
        "",
        "| measure | Flowbook | ipykernel (Debian) | ratio | Flowbook protocol path |",
        "|---|---|---|---|---|",
    ]
    for label, key in rows:
        lines.append(f"| {label} | {ms(flowbook[key])} | {ms(ipykernel[key])} | {ipykernel[key] / flowbook[key]:.2f}× | {ms(protocol[key])} |")
    lines += [
        "",
        "Aim: faster than ipykernel at start-up and on the trivial round trip. The first execute after start-up",
        "waits for the TypeScript checker, which parses the standard library's and Node's types (about 2.8 MB,",
        "~1 s) before any cell may run, as every cell is type-checked before it runs; the kernel starts that",
        "work right after its first kernel_info_reply, so a cell run a few seconds after opening a notebook does",
        "not wait. A new cell costs one check of the session (the distinct-cells row); a cell run again unchanged",
        "reuses its check and its compiled script.",
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if "--dry-run" not in sys.argv[1:]:
        write_section(section)


def node_version():
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


def write_section(section):
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## Kernel latency\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text)


if __name__ == "__main__":
    sys.exit(main())

"""Times Jupyter kernels through jupyter_client, the same way for each: start to first
type-checked result, trivial-cell latency, interrupt latency and restart time.

    python3 bench/kernel_jupyter.py KERNEL_NAME [KERNEL_NAME ...] > figures.json

Kernelspecs are looked up on JUPYTER_PATH (bench/kernel.ts installs them into a temporary prefix).
Prints one JSON object: kernel name -> figures in milliseconds.
"""

import json
import statistics
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager

FIRST_CELL = "const first: number = 40 + 2;\nfirst"
TRIVIAL_CELL = "1"
TRIVIAL_RUNS = 100
STARTS = 3
INTERRUPTS = 5
RESTARTS = 3
TIMEOUT = 60


def wait_idle(kc, msg_id, timeout=TIMEOUT):
    """Wait for the execute_reply, then the idle status, of msg_id; returns the reply content.
    Both block on their socket (no polling interval), so the figures carry no sleep quantum."""
    deadline = time.monotonic() + timeout
    reply = None
    while reply is None:
        msg = kc.get_shell_msg(timeout=max(0.001, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id:
            reply = msg["content"]
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.001, deadline - time.monotonic()))
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            return reply


def run(kc, code):
    content = wait_idle(kc, kc.execute(code))
    if content["status"] != "ok":
        raise RuntimeError(f"cell {code!r} failed: {content}")
    return content


def start_to_first_result(name):
    """Milliseconds from launching the kernel to the reply and idle of a type-checked cell."""
    t0 = time.perf_counter()
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    run(kc, FIRST_CELL)
    elapsed = (time.perf_counter() - t0) * 1000
    return elapsed, km, kc


def percentile(values, q):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def trivial_latencies(kc):
    for _ in range(5):
        run(kc, TRIVIAL_CELL)
    times = []
    for _ in range(TRIVIAL_RUNS):
        t0 = time.perf_counter()
        run(kc, TRIVIAL_CELL)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def distinct_latencies(km, kc):
    """Trivial cells whose text differs every time (`1 + 0`, `1 + 1`, …): no cell is a re-run.
    A kernel that hangs on one is restarted; the cells timed until then are kept, and the hang
    is reported on stderr (tslab has hung here now and then)."""
    times = []
    for i in range(TRIVIAL_RUNS):
        t0 = time.perf_counter()
        try:
            run(kc, f"1 + {i}")
        except Empty:
            print(f"  {km.kernel_name} hung on cell `1 + {i}`: restarted, {len(times)} cells timed",
                  file=sys.stderr, flush=True)
            km.restart_kernel(now=True)
            kc.wait_for_ready(timeout=TIMEOUT)
            break
        times.append((time.perf_counter() - t0) * 1000)
    return times


def interrupt_latency(km, kc):
    """Milliseconds from SIGINT (interrupt_kernel) to the reply of a running `while (true) {}`."""
    msg_id = kc.execute("while (true) {}")
    time.sleep(0.3)
    t0 = time.perf_counter()
    km.interrupt_kernel()
    wait_idle(kc, msg_id, timeout=20)
    elapsed = (time.perf_counter() - t0) * 1000
    # tslab answers requests shortly after an interrupt with status "abort": wait until it runs.
    for _ in range(50):
        if wait_idle(kc, kc.execute(TRIVIAL_CELL))["status"] == "ok":
            return elapsed
        time.sleep(0.05)
    raise RuntimeError("the kernel does not run cells after an interrupt")


def restart_time(km, kc):
    """Milliseconds from restart_kernel to the reply and idle of the first cell afterwards."""
    t0 = time.perf_counter()
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=TIMEOUT)
    run(kc, FIRST_CELL)
    return (time.perf_counter() - t0) * 1000


def measure(name):
    starts = []
    for _ in range(STARTS):
        elapsed, km, kc = start_to_first_result(name)
        starts.append(elapsed)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    elapsed, km, kc = start_to_first_result(name)
    try:
        trivial = trivial_latencies(kc)
        distinct = distinct_latencies(km, kc)
        interrupts = []
        for _ in range(INTERRUPTS):
            try:
                interrupts.append(interrupt_latency(km, kc))
            except Empty:
                interrupts.append(float("inf"))
                break
        restarts = [restart_time(km, kc) for _ in range(RESTARTS)]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {
        "start_ms": statistics.median(starts),
        "trivial_p50_ms": percentile(trivial, 50),
        "trivial_p95_ms": percentile(trivial, 95),
        "distinct_p50_ms": percentile(distinct, 50) if len(distinct) >= TRIVIAL_RUNS // 2 else None,
        "distinct_cells": len(distinct),
        "interrupt_ms": statistics.median(interrupts),
        "restart_ms": statistics.median(restarts),
        "samples": {"start": starts, "interrupt": interrupts, "restart": restarts},
    }


def main(names):
    figures = {}
    for name in names:
        print(f"measuring {name} ...", file=sys.stderr, flush=True)
        figures[name] = measure(name)
    json.dump(figures, sys.stdout, indent=2, default=lambda v: None)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Times Jupyter kernels through jupyter_client, the same way for each: start to first
type-checked result, trivial-cell latency (the kernels side by side, in alternating rounds),
interrupt latency and restart time.

    python3 bench/kernel_jupyter.py KERNEL_NAME [KERNEL_NAME ...] > figures.json

Kernelspecs are looked up on JUPYTER_PATH (bench/kernel.ts installs them into a temporary prefix).
Prints one JSON object: kernel name -> figures in milliseconds.
"""

import json
import math
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


class Session:
    """One running kernel and its client, with the cell times measured on it so far."""

    def __init__(self, name):
        self.name = name
        _, self.km, self.kc = start_to_first_result(name)
        self.trivial = []
        self.distinct = []
        self.next_distinct = 0
        self.hung = False

    def time_cell(self, code):
        t0 = time.perf_counter()
        run(self.kc, code)
        return (time.perf_counter() - t0) * 1000

    def trivial_round(self, cells):
        self.timed_round(cells, lambda: TRIVIAL_CELL, self.trivial)

    def distinct_round(self, cells):
        """Trivial cells whose text differs every time (`1 + 0`, `1 + 1`, …): no cell is a
        re-run."""
        def distinct():
            code = f"1 + {self.next_distinct}"
            self.next_distinct += 1
            return code
        self.timed_round(cells, distinct, self.distinct)

    def timed_round(self, cells, make_code, into):
        """Times `cells` cells into `into`. A kernel that hangs on one is restarted and left out
        of the later rounds; the hang is reported on stderr (tslab has hung here now and then)."""
        for _ in range(cells):
            if self.hung:
                return
            code = make_code()
            try:
                into.append(self.time_cell(code))
            except Empty:
                print(f"  {self.name} hung on cell `{code}`: restarted, "
                      f"{len(self.trivial)} trivial and {len(self.distinct)} distinct cells timed",
                      file=sys.stderr, flush=True)
                self.km.restart_kernel(now=True)
                self.kc.wait_for_ready(timeout=TIMEOUT)
                self.hung = True

    def close(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def cell_latencies(sessions):
    """The kernels run side by side, in alternating rounds of 25 cells, so that a machine
    that gets busier or quieter during the run affects them alike."""
    for session in sessions:
        for _ in range(5):
            run(session.kc, TRIVIAL_CELL)
    rounds = 4
    for _ in range(rounds):
        for session in sessions:
            session.trivial_round(TRIVIAL_RUNS // rounds)
        for session in sessions:
            session.distinct_round(TRIVIAL_RUNS // rounds)


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


def start_times(name):
    starts = []
    for _ in range(STARTS):
        elapsed, km, kc = start_to_first_result(name)
        starts.append(elapsed)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return starts


def lifecycle(session):
    """Interrupt and restart latencies (after the cell latencies: restarts clear the state)."""
    interrupts = []
    for _ in range(INTERRUPTS):
        try:
            interrupts.append(interrupt_latency(session.km, session.kc))
        except Empty:
            interrupts.append(float("inf"))
            break
    restarts = [restart_time(session.km, session.kc) for _ in range(RESTARTS)]
    return interrupts, restarts


def figures(session, starts, interrupts, restarts):
    distinct = session.distinct
    return {
        "start_ms": statistics.median(starts),
        "trivial_p50_ms": percentile(session.trivial, 50) if session.trivial else None,
        "trivial_p95_ms": percentile(session.trivial, 95) if session.trivial else None,
        "trivial_cells": len(session.trivial),
        "distinct_p50_ms": percentile(distinct, 50) if len(distinct) >= TRIVIAL_RUNS // 2 else None,
        "distinct_cells": len(distinct),
        "interrupt_ms": statistics.median(interrupts),
        "restart_ms": statistics.median(restarts),
        "samples": {"start": starts, "interrupt": interrupts, "restart": restarts},
    }


def finite(value):
    """The figures with an infinite time (a kernel that never answered an interrupt, as Deno's
    does not) as null: JSON has no Infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [finite(item) for item in value]
    return value


def main(names):
    starts = {}
    for name in names:
        print(f"timing the start of {name} ...", file=sys.stderr, flush=True)
        starts[name] = start_times(name)
    sessions = [Session(name) for name in names]
    results = {}
    try:
        print("timing cells, the kernels in turn ...", file=sys.stderr, flush=True)
        cell_latencies(sessions)
        for session in sessions:
            print(f"timing interrupts and restarts of {session.name} ...", file=sys.stderr,
                  flush=True)
            interrupts, restarts = lifecycle(session)
            results[session.name] = figures(session, starts[session.name], interrupts, restarts)
    finally:
        for session in sessions:
            session.close()
    json.dump(finite(results), sys.stdout, indent=2, default=lambda v: None)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Explore comm round trips under jupyter_client (run by bench/explore.ts): a Jacobian view of
sin(x)·x, 200 paced moves (send → frame, send → idle), then a burst of 200 unpaced moves (how
many frames, time until every move is idle). Prints markdown lines; asserts nothing."""

import statistics
import time
from queue import Empty

from jupyter_client.manager import start_new_kernel

MIME = "application/vnd.cotangent.explore+json"
CELL = 'import { explore, mul, sin, tensor } from "cotangent";\nexplore((x) => mul(sin(x), x), tensor([0.5, -1, 2]))'
MOVES = 200


def until_idle(kc, msg_id):
    frames = []
    while True:
        msg = kc.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "comm_msg":
            frames.append((time.perf_counter(), msg))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return frames


def main():
    km, kc = start_new_kernel(kernel_name="cotangent")
    try:
        msg_id = kc.execute(CELL)
        view_id = None
        while view_id is None:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_result":
                view_id = msg["content"]["data"][MIME]["viewId"]
        kc.get_shell_msg(timeout=60)
        opened = kc.session.msg("comm_open", {"comm_id": "bench", "target_name": "cotangent.explore", "data": {"viewId": view_id}})
        kc.shell_channel.send(opened)
        until_idle(kc, opened["header"]["msg_id"])
        to_frame, to_idle = [], []
        for k in range(MOVES):
            move = kc.session.msg("comm_msg", {"comm_id": "bench", "data": {"method": "move", "seq": k, "x": [k / 100, 1, 2]}})
            start = time.perf_counter()
            kc.shell_channel.send(move)
            frames = until_idle(kc, move["header"]["msg_id"])
            to_idle.append((time.perf_counter() - start) * 1000)
            if frames:
                to_frame.append((frames[0][0] - start) * 1000)
        start = time.perf_counter()
        ids = []
        for k in range(MOVES):
            move = kc.session.msg("comm_msg", {"comm_id": "bench", "data": {"method": "move", "seq": 1000 + k, "x": [k / 100, 0, 1]}})
            kc.shell_channel.send(move)
            ids.append(move["header"]["msg_id"])
        idle, frames = set(), 0
        while len(idle) < MOVES:
            try:
                msg = kc.get_iopub_msg(timeout=60)
            except Empty:
                break
            parent = msg["parent_header"].get("msg_id")
            if parent not in ids:
                continue
            if msg["msg_type"] == "comm_msg":
                frames += 1
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle.add(parent)
        burst = (time.perf_counter() - start) * 1000
        q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p / 100 * len(xs)))]
        print("| Jupyter comm (jacobian, n = 3) | p50 (ms) | p95 (ms) |")
        print("| --- | ---: | ---: |")
        print(f"| move → frame on IOPub, {MOVES} paced | {statistics.median(to_frame):.2f} | {q(to_frame, 95):.2f} |")
        print(f"| move → idle, {MOVES} paced | {statistics.median(to_idle):.2f} | {q(to_idle, 95):.2f} |")
        print(f"\nBurst of {MOVES} unpaced moves: {frames} frames, every move idle after {burst:.0f} ms.")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()

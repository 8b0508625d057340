"""The cotangent kernel under a real Jupyter client (jupyter_client, jupyter_kernel_test, nbconvert).

Run by scripts/test-jupyter.sh with JUPYTER_PATH pointing at a prefix where the kernelspec was
installed. Every sample jupyter_kernel_test offers is set, except the pager's.
"""

import asyncio
import base64
import json
import math
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
from queue import Empty

import jupyter_kernel_test
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session
from jupyter_client.utils import run_sync

HERE = os.path.dirname(os.path.abspath(__file__))
KERNEL_NAME = os.environ.get("COTANGENT_KERNEL_NAME", "cotangent")
JACOBIAN_MIME = "application/vnd.cotangent.jacobian+json"
TRACE_MIME = "application/vnd.cotangent.trace+json"


class CotangentKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("something went wrong");'

    completion_samples = [
        {"text": "const zzAlpha = 1, zzBeta = 2;\nzz", "matches": {"zzAlpha", "zzBeta"}},
        {"text": "Math.ma", "matches": {"max"}},
    ]
    complete_code_samples = ["1 + 1", "const x = 2;", "function f(a: number) {\n  return a;\n}"]
    incomplete_code_samples = ["function f(a: number) {", "const xs = [1, 2,", "if (true) {\n  1"]
    invalid_code_samples = ["const = 1;", "1 +* 2", "}"]

    code_generate_error = 'throw new Error("deliberate failure");'
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "[1, 2].map((x) => x * 10)", "result": "[ 10, 20 ]"},
        {"code": '"cotangent".length', "result": "9"},
    ]
    code_display_data = [
        {"code": 'display.html("<b>bold</b>");', "mime": "text/html"},
        {"code": 'display.markdown("**bold**");', "mime": "text/markdown"},
    ]
    code_history_pattern = "1 +*"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_clear_output = 'console.log("soon gone"); display.clear();'


def start_kernel(kernel_name):
    """start_new_kernel, then no stale reply on shell.

    jupyter_client's wait_for_ready sends another kernel_info_request each second until one is
    answered, and the kernel answers once its executor is up (longer than a second on a loaded
    machine): the replies to the extra requests would then be read as the replies of the next
    requests. One more kernel_info_request, read up to its own reply, consumes them all.
    """
    km, kc = start_new_kernel(kernel_name=kernel_name)
    shell_reply(kc, kc.kernel_info())
    return km, kc


def drain_until_idle(kc, msg_id, timeout=30):
    """IOPub messages for msg_id until its idle status."""
    outputs = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except Empty:
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return outputs
        outputs.append(msg)
    raise AssertionError(f"no idle status for {msg_id} within {timeout}s")


def shell_reply(kc, msg_id, timeout=30):
    """The shell reply to msg_id (replies to earlier requests are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


# Fails after 300 ms, so that the cells sent right after it are still queued when it fails.
FAIL_LATE = 'await new Promise((resolve) => setTimeout(resolve, 300));\nthrow new Error("first");'


class LifecycleTests(unittest.TestCase):
    """Interrupts (signal and message), state across them, restart, crashes, signatures."""

    def setUp(self):
        self.km, self.kc = start_kernel(kernel_name=KERNEL_NAME)

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run_cell(self, code, timeout=30):
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=lambda msg: None)
        return reply["content"]

    def run_cell_outputs(self, code, timeout=30):
        msg_id = self.kc.execute(code)
        reply = self.kc.get_shell_msg(timeout=timeout)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        return reply["content"], drain_until_idle(self.kc, msg_id)

    def interrupt_loop(self, how, code="while (true) {}"):
        self.assertEqual(self.run_cell("const kept = 41;")["status"], "ok")
        msg_id = self.kc.execute(code)
        time.sleep(0.5)
        if how == "signal":
            self.km.interrupt_kernel()
        else:
            request = self.kc.session.msg("interrupt_request", {})
            self.kc.control_channel.send(request)
            reply = run_sync(self.kc.control_channel.get_msg)(timeout=10)
            self.assertEqual(reply["msg_type"], "interrupt_reply")
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        content, outputs = self.run_cell_outputs("kept + 1")
        self.assertEqual(content["status"], "ok")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "42")

    def test_interrupt_by_signal_keeps_state(self):
        self.assertEqual(self.km.kernel_spec.interrupt_mode, "signal")
        self.interrupt_loop("signal")

    def test_interrupt_by_message_keeps_state(self):
        self.interrupt_loop("message")

    def test_interrupt_pending_await_by_signal_keeps_state(self):
        self.interrupt_loop("signal", code="await new Promise(() => {});")

    def test_stack_overflow_is_an_error_and_state_survives(self):
        self.assertEqual(self.run_cell("const survivor = 7;")["status"], "ok")
        content, outputs = self.run_cell_outputs("function down(n: number): number {\n  return down(n + 1) + 1;\n}\ndown(0)")
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["ename"], "RangeError")
        content, outputs = self.run_cell_outputs("survivor * 6")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "42")

    def test_stop_on_error_aborts_the_queued_cells(self):
        self.assertEqual(self.run_cell("let ran = 0;")["status"], "ok")
        ids = [self.kc.execute(code) for code in (FAIL_LATE, "ran = 1;", "ran = 2;")]
        replies = {}
        while len(replies) < 3:
            msg = self.kc.get_shell_msg(timeout=30)
            replies[msg["parent_header"]["msg_id"]] = msg["content"]["status"]
        self.assertEqual([replies[i] for i in ids], ["error", "aborted", "aborted"])
        content, outputs = self.run_cell_outputs("ran")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "0")

    def test_restart_gives_a_fresh_kernel(self):
        self.assertEqual(self.run_cell("const before = 1;")["status"], "ok")
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=60)
        shell_reply(self.kc, self.kc.kernel_info())  # see start_kernel
        content, outputs = self.run_cell_outputs("before")
        self.assertEqual(content["status"], "error")
        self.assertIn("Cannot find name 'before'", content["evalue"])
        self.assertEqual(content["execution_count"], 1)

    def test_executor_crash_is_an_error_and_the_kernel_recovers(self):
        content, outputs = self.run_cell_outputs("process.exit(3)")
        self.assertEqual(content["status"], "error")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertIn("exit", errors[0]["content"]["evalue"])
        content, outputs = self.run_cell_outputs("6 * 7")
        self.assertEqual(content["status"], "ok")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "42")

    def test_wrong_signature_is_not_executed(self):
        forged = Session(key=b"not-the-kernel-key", session=self.kc.session.session)
        self.assertEqual(self.run_cell("let runs = 0;")["status"], "ok")
        msg = forged.msg("execute_request", {"code": "runs = 100;", "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        forged.send(self.kc.shell_channel.socket, msg)
        with self.assertRaises(Empty):
            self.kc.get_shell_msg(timeout=2)
        content, outputs = self.run_cell_outputs("runs")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "0")


class KernelPerClass(unittest.TestCase):
    """Tests that share one kernel, started before the first and shut down after the last."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_kernel(kernel_name=KERNEL_NAME)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)


class InputTests(KernelPerClass):
    """A cell's `await input(...)` through the stdin channel (input_request / input_reply)."""

    def test_input_request_is_answered_by_input_reply(self):
        code = 'const who = await input("Name?");\nconst key = await input("Key?", { password: true });\nwho.toUpperCase() + key.length'
        msg_id = self.kc.execute(code, allow_stdin=True)
        asked = []
        for answer in ("ada", "xyz"):
            request = self.kc.get_stdin_msg(timeout=30)
            self.assertEqual(request["msg_type"], "input_request")
            self.assertEqual(request["parent_header"]["msg_id"], msg_id)
            asked.append((request["content"]["prompt"], request["content"]["password"]))
            self.kc.input(answer)
        self.assertEqual(asked, [("Name?", False), ("Key?", True)])
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["content"]["status"], "ok")
        outputs = drain_until_idle(self.kc, msg_id)
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "'ADA3'")

    def test_input_without_allow_stdin_is_an_error_that_says_so(self):
        msg_id = self.kc.execute('await input("Name?")', allow_stdin=False)
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "InputError")
        self.assertIn("allow_stdin is false", reply["content"]["evalue"])
        drain_until_idle(self.kc, msg_id)

    def test_interrupt_while_waiting_for_input_keeps_state_and_drops_the_late_reply(self):
        msg_id = self.kc.execute("const keptBeforeInput = 5;", allow_stdin=True)
        self.assertEqual(self.kc.get_shell_msg(timeout=30)["content"]["status"], "ok")
        drain_until_idle(self.kc, msg_id)
        msg_id = self.kc.execute('await input("Wait?")', allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=30)
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=30)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        drain_until_idle(self.kc, msg_id)
        self.kc.input("too late")
        time.sleep(0.2)  # the late reply reaches the kernel before the next cell asks
        msg_id = self.kc.execute('const answered = await input("Now?");\nanswered + keptBeforeInput', allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=30)
        self.assertEqual(request["content"]["prompt"], "Now?")
        self.kc.input("fresh")
        self.assertEqual(self.kc.get_shell_msg(timeout=30)["content"]["status"], "ok")
        results = [m for m in drain_until_idle(self.kc, msg_id) if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "'fresh5'")


class OutputTests(KernelPerClass):
    """Nothing a cell prints is lost, however fast it prints and however late the client reads."""

    def test_100000_lines_reach_a_late_reader_complete_in_order_then_idle(self):
        # COTANGENT_FLOOD_LINES=1000000 for the million lines of RELIABILITY.md.
        lines = int(os.environ.get("COTANGENT_FLOOD_LINES", "100000"))
        msg_id = self.kc.execute(f"for (let i = 0; i < {lines}; i++) console.log(i);")
        time.sleep(2)  # the client reads nothing while the kernel publishes
        started = time.monotonic()
        outputs = drain_until_idle(self.kc, msg_id, timeout=120)
        streams = [m for m in outputs if m["msg_type"] == "stream"]
        self.assertTrue(all(m["content"]["name"] == "stdout" for m in streams))
        text = "".join(m["content"]["text"] for m in streams)
        self.assertEqual(text, "".join(f"{i}\n" for i in range(lines)))
        print(f"\n    {lines} lines in {len(streams)} stream messages, "
              f"read {time.monotonic() - started:.2f} s after the pause", file=sys.stderr)
        self.assertEqual(shell_reply(self.kc, msg_id)["content"]["status"], "ok")

    def test_streams_and_displays_keep_their_order(self):
        code = 'console.log("a"); console.error("b"); display.html("<i>c</i>"); console.log("d");'
        msg_id = self.kc.execute(code)
        outputs = [m for m in drain_until_idle(self.kc, msg_id) if m["msg_type"] in ("stream", "display_data")]
        seen = [m["content"]["text"] if m["msg_type"] == "stream" else "display" for m in outputs]
        self.assertEqual(seen, ["a\n", "b\n", "display", "d\n"])
        self.assertEqual([m["content"].get("name") for m in outputs], ["stdout", "stderr", None, "stdout"])
        self.assertEqual(shell_reply(self.kc, msg_id)["content"]["status"], "ok")


class AsyncErrorTests(KernelPerClass):
    """An error from async code (a rejection nobody handles, a timer's throw) shows in the output
    of the cell that started it or the running cell, mapped to cell lines; the kernel goes on."""

    def run_cell(self, code):
        msg_id = self.kc.execute(code)
        outputs = drain_until_idle(self.kc, msg_id, timeout=60)
        stderr = "".join(m["content"]["text"] for m in outputs
                         if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        reply = shell_reply(self.kc, msg_id)["content"]
        results = [m["content"]["data"]["text/plain"] for m in outputs
                   if m["msg_type"] == "execute_result"]
        return reply, stderr, results

    def test_an_unhandled_rejection_shows_in_its_cell_at_its_line(self):
        reply, stderr, _ = self.run_cell(
            'const before = 1;\nPromise.reject(new Error("nobody catches me"));\n'
            "await new Promise((resolve) => setTimeout(resolve, 100));")
        self.assertEqual(reply["status"], "ok")
        count = reply["execution_count"]
        self.assertIn(f"Unhandled promise rejection (from cell [{count}]): Error: nobody catches me",
                      stderr)
        self.assertRegex(stderr, rf"cell\[{count}\]:2:16")
        self.assertNotRegex(stderr, r"cell-\d+\.js")
        reply, _, results = self.run_cell("before + 41")
        self.assertEqual((reply["status"], results), ("ok", ["42"]))

    def test_a_throwing_timer_shows_in_the_running_cell_naming_the_cell_that_set_it(self):
        setter, _, _ = self.run_cell(
            "const fired = new Promise<void>((resolve) => setTimeout(() => {\n"
            '  resolve();\n  throw new Error("late timer");\n}, 200));')
        self.assertEqual(setter["status"], "ok")
        count = setter["execution_count"]
        reply, stderr, _ = self.run_cell(
            "await fired;\nawait new Promise((resolve) => setTimeout(resolve, 100));")
        self.assertEqual(reply["status"], "ok")
        self.assertIn(f"Uncaught exception (from cell [{count}]): Error: late timer", stderr)
        self.assertRegex(stderr, rf"cell\[{count}\]:3:9")
        reply, _, results = self.run_cell("6 * 7")
        self.assertEqual((reply["status"], results), ("ok", ["42"]))


STREAMING_CELL = ("console.log(`pid ${process.pid}`);\nfor (let n = 0; ; n++) {\n  console.log(`tick ${n}`);\n"
                  "  await new Promise((resolve) => setTimeout(resolve, 10));\n}")


def read_streams_until(kc, msg_id, wanted, timeout=60):
    """The stdout text of msg_id's cell once it contains `wanted`."""
    text = ""
    deadline = time.monotonic() + timeout
    while wanted not in text:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            text += msg["content"]["text"]
    return text


def process_gone(pid, timeout=10):
    """True once no process has this pid (waits up to `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


class FaultTests(unittest.TestCase):
    """kill -9 of the executor and of the kernel; two kernels, one interrupted."""

    def test_kill_9_of_the_executor_while_a_cell_streams_ends_the_cell_and_the_kernel_goes_on(self):
        km, kc = start_kernel(kernel_name=KERNEL_NAME)
        try:
            kc.execute_interactive("const before = 1;", timeout=60, output_hook=lambda msg: None)
            msg_id = kc.execute(STREAMING_CELL)
            text = read_streams_until(kc, msg_id, "tick 3\n")
            executor = int(text.split()[1])
            os.kill(executor, signal.SIGKILL)
            outputs = drain_until_idle(kc, msg_id)
            text += "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
            self.assertRegex(text, r"^pid \d+\ntick 0\ntick 1\ntick 2\ntick 3\n")
            errors = [m["content"] for m in outputs if m["msg_type"] == "error"]
            self.assertEqual([e["ename"] for e in errors], ["KernelDied"])
            self.assertIn("killed by SIGKILL while running this cell", errors[0]["evalue"])
            self.assertEqual(shell_reply(kc, msg_id)["content"]["status"], "error")
            reply = kc.execute_interactive("before", timeout=60, output_hook=lambda msg: None)
            self.assertIn("Cannot find name 'before'", reply["content"]["evalue"])  # a fresh executor
            reply = kc.execute_interactive("6 * 7", timeout=60, output_hook=lambda msg: None)
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_the_restarter_brings_back_a_kernel_killed_with_kill_9_and_its_executor_goes_too(self):
        async def scenario():
            from jupyter_client.ioloop import AsyncIOLoopKernelManager
            km = AsyncIOLoopKernelManager(kernel_name=KERNEL_NAME)
            await km.start_kernel()
            restarted = asyncio.Event()
            km.add_restart_callback(restarted.set, "restart")
            km.start_restarter()
            kc = km.client()
            kc.start_channels()
            try:
                await kc.wait_for_ready(timeout=60)
                executor = int((await last_result(kc, kc.execute("process.pid"))) or 0)
                self.assertGreater(executor, 0)
                killed = km.provisioner.pid
                os.kill(killed, signal.SIGKILL)
                # The restarter fires "restart" just before it starts the new kernel process.
                await asyncio.wait_for(restarted.wait(), 60)
                deadline = time.monotonic() + 60
                while km.provisioner is None or km.provisioner.pid in (None, killed) or not await km.is_alive():
                    self.assertLess(time.monotonic(), deadline, "the restarter started no new kernel")
                    await asyncio.sleep(0.1)
                self.assertTrue(process_gone(executor), "the killed kernel's executor is still running")
                await kc.wait_for_ready(timeout=60)
                reply = await kc.execute_interactive("6 * 7", timeout=60, output_hook=lambda msg: None)
                self.assertEqual(reply["content"]["status"], "ok")
            finally:
                kc.stop_channels()
                km.stop_restarter()
                kernel = km.provisioner.pid if km.provisioner else None
                try:
                    await km.shutdown_kernel(now=True)
                except asyncio.InvalidStateError:
                    pass  # jupyter_client 7.4 fails to mark a kernel it restarted as shut down
                if kernel is not None and not process_gone(kernel, timeout=5):
                    os.kill(kernel, signal.SIGKILL)

        asyncio.run(scenario())

    def test_interrupting_one_kernel_never_touches_another(self):
        first_km, first = start_kernel(kernel_name=KERNEL_NAME)
        second_km, second = start_kernel(kernel_name=KERNEL_NAME)
        try:
            first.execute_interactive("const mine = 'first';", timeout=60, output_hook=lambda msg: None)
            second.execute_interactive("const mine = 'second';", timeout=60, output_hook=lambda msg: None)
            loop = first.execute("console.log('spin');\nwhile (true) {}")
            counting = second.execute("for (let i = 0; i < 20; i++) {\n  console.log(`step ${i}`);\n"
                                      "  await new Promise((resolve) => setTimeout(resolve, 50));\n}")
            read_streams_until(first, loop, "spin\n")
            text = read_streams_until(second, counting, "step 1\n")
            first_km.interrupt_kernel()
            self.assertEqual(shell_reply(first, loop)["content"]["status"], "error")
            outputs = drain_until_idle(second, counting)
            text += "".join(m["content"]["text"] for m in outputs if m["msg_type"] == "stream")
            self.assertEqual(text, "".join(f"step {i}\n" for i in range(20)))
            self.assertEqual(shell_reply(second, counting)["content"]["status"], "ok")
            for kc, expected in ((first, "'first'"), (second, "'second'")):
                msg_id = kc.execute("mine")
                results = [m for m in drain_until_idle(kc, msg_id) if m["msg_type"] == "execute_result"]
                self.assertEqual(results[0]["content"]["data"]["text/plain"], expected)
        finally:
            for km, kc in ((first_km, first), (second_km, second)):
                kc.stop_channels()
                km.shutdown_kernel(now=True)


async def last_result(kc, msg_id):
    """The text/plain of msg_id's execute_result, read from IOPub until its idle status."""
    result = None
    while True:
        msg = await kc.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            result = msg["content"]["data"]["text/plain"]
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return result


class KernelWithEnvPerClass(unittest.TestCase):
    """One kernel per class from a kernelspec SPEC: ours with the environment ENV added, in a
    temporary data directory put first on JUPYTER_PATH."""

    SPEC = ""
    ENV: dict = {}

    @classmethod
    def setUpClass(cls):
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        cls.data_dir = tempfile.TemporaryDirectory()
        folder = os.path.join(cls.data_dir.name, "kernels", cls.SPEC)
        os.makedirs(folder)
        with open(os.path.join(folder, "kernel.json"), "w", encoding="utf-8") as handle:
            json.dump({**spec.to_dict(), "env": cls.ENV}, handle)
        cls.saved_path = os.environ.get("JUPYTER_PATH", "")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (cls.data_dir.name, cls.saved_path) if p)
        cls.km, cls.kc = start_kernel(kernel_name=cls.SPEC)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        os.environ["JUPYTER_PATH"] = cls.saved_path
        cls.data_dir.cleanup()


class OutOfMemoryTests(KernelWithEnvPerClass):
    """An executor that runs out of memory: the cell fails saying so, the next one runs."""

    SPEC = "cotangent-small-heap"
    ENV = {"NODE_OPTIONS": "--max-old-space-size=300"}

    def test_out_of_memory_is_an_error_and_the_kernel_recovers(self):
        hog = "const hog: number[][] = [];\nwhile (true) hog.push(new Array(1e6).fill(1));"
        msg_id = self.kc.execute(hog)
        reply = self.kc.get_shell_msg(timeout=120)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "error")
        errors = [m for m in drain_until_idle(self.kc, msg_id) if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["content"]["ename"], "KernelOutOfMemory")
        self.assertIn("out of memory", errors[0]["content"]["evalue"])
        reply = self.kc.execute_interactive("6 * 7", timeout=60, output_hook=lambda msg: None)
        self.assertEqual(reply["content"]["status"], "ok")


class ProgressTests(KernelWithEnvPerClass):
    """A batched Jacobian's progress bar: display_data with a display_id, update_display_data
    under that id, and a one-line summary last (the kernelspec sets the delay to 0)."""

    SPEC = "cotangent-progress-now"
    ENV = {"COTANGENT_PROGRESS_DELAY_MS": "0"}

    def test_a_chunked_jacobian_updates_one_display_in_place(self):
        code = (
            'import { jacobian, sin, tensor } from "cotangent";\n'
            "const J = jacobian((v) => sin(v), { chunkSize: 2 })(tensor([1, 2, 3, 4, 5]));\n"
            "J.shape"
        )
        msg_id = self.kc.execute(code)
        reply = shell_reply(self.kc, msg_id, timeout=60)
        self.assertEqual(reply["content"]["status"], "ok")
        outputs = drain_until_idle(self.kc, msg_id)
        shown = [m for m in outputs if m["msg_type"] == "display_data"]
        updates = [m for m in outputs if m["msg_type"] == "update_display_data"]
        self.assertEqual(len(shown), 1)
        display_id = shown[0]["content"]["transient"]["display_id"]
        self.assertTrue(display_id.startswith("cotangent-progress-"))
        self.assertIn("<progress", shown[0]["content"]["data"]["text/html"])
        self.assertGreaterEqual(len(updates), 1)
        self.assertTrue(all(m["content"]["transient"]["display_id"] == display_id for m in updates))
        summary = updates[-1]["content"]["data"]["text/plain"]
        self.assertRegex(summary, r"^jacrev: 5 rows in 3 batches of 2 rows · \d+\.\d s$")
        self.assertNotIn("<progress", updates[-1]["content"]["data"]["text/html"])


class UserExpressionsTests(KernelPerClass):
    """user_expressions of execute_request: evaluated after a cell that ran, silently."""

    def execute(self, code, **options):
        msg_id = self.kc.execute(code, **options)
        reply = self.kc.get_shell_msg(timeout=60)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        return reply["content"], drain_until_idle(self.kc, msg_id)

    def test_expressions_answer_with_bundles_and_errors(self):
        content, outputs = self.execute(
            'import { tensor } from "cotangent";\nconst x = 21;\nconst t = tensor([1, 2, 3]);',
            user_expressions={"x": "x * 2", "bad": "nope(", "t": "t", "thrown": "JSON.parse('{')"})
        self.assertEqual(content["status"], "ok", content)
        count = content["execution_count"]
        results = content["user_expressions"]
        self.assertEqual(list(results), ["x", "bad", "t", "thrown"])
        self.assertEqual(results["x"], {"status": "ok", "data": {"text/plain": "42"}, "metadata": {}})
        self.assertEqual(results["bad"]["status"], "error")
        self.assertEqual(results["bad"]["ename"], "TypeScriptError")
        self.assertIn("expression:1:", results["bad"]["evalue"])
        self.assertTrue(any("Cannot find name 'nope'" in line for line in results["bad"]["traceback"]),
                        results["bad"]["traceback"])
        self.assertEqual(results["t"]["status"], "ok")
        self.assertIn("text/html", results["t"]["data"])
        self.assertIn("1", results["t"]["data"]["text/plain"])
        self.assertEqual(results["thrown"]["status"], "error")
        self.assertEqual(results["thrown"]["ename"], "SyntaxError")
        # the expressions published nothing: the cell itself has no output
        self.assertEqual([m["msg_type"] for m in outputs], ["status", "execute_input"])

        # neither the count nor the history moved; the state is as the cell left it
        content, outputs = self.execute("x + 1")
        self.assertEqual(content["execution_count"], count + 1)
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "22")
        self.kc.history(hist_access_type="tail", n=50, output=False, raw=True)
        history = self.kc.get_shell_msg(timeout=30)["content"]["history"]
        inputs = [entry[2] for entry in history]
        self.assertNotIn("x * 2", "\n".join(inputs))
        self.assertIn("x + 1", inputs)

    def test_expressions_are_not_evaluated_after_a_failed_cell(self):
        self.execute("let evaluated = 0;")
        content, _ = self.execute('throw new Error("cell failed");',
                                  user_expressions={"bump": "++evaluated"}, stop_on_error=False)
        self.assertEqual(content["status"], "error")
        self.assertEqual(content["user_expressions"], {})
        content, _ = self.execute("evaluated;", user_expressions={"bump": "++evaluated"})
        self.assertEqual(content["user_expressions"]["bump"]["data"]["text/plain"], "1")

    def test_an_interrupted_expression_leaves_the_cell_ok_and_the_state(self):
        # The loop writes a marker first, so the interrupt comes once it runs (no guessed sleep).
        marker = os.path.join(tempfile.mkdtemp(), "looping")
        loop = f'(() => {{ require("node:fs").writeFileSync({json.dumps(marker)}, "1"); while (true) {{}} }})()'
        msg_id = self.kc.execute("const kept = 5;", user_expressions={"loop": loop, "after": "kept"})
        deadline = time.monotonic() + 30
        while not os.path.exists(marker):
            self.assertLess(time.monotonic(), deadline, "the expression's loop did not start")
            time.sleep(0.05)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"]["status"], "ok")
        results = reply["content"]["user_expressions"]
        self.assertEqual(results["loop"]["ename"], "Interrupted")
        self.assertEqual(results["after"]["ename"], "Interrupted")
        self.assertNotIn("error", [m["msg_type"] for m in drain_until_idle(self.kc, msg_id)])
        content, outputs = self.execute("kept * 2")
        self.assertEqual(content["status"], "ok")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "10")


EXPLORE_MIME = "application/vnd.cotangent.explore+json"
EXPLORE_CELL = 'import { explore, mul, sin, tensor } from "cotangent";\nexplore((x) => mul(sin(x), x), tensor([0.5, -1, 2]))'


def decode_f64(encoded):
    raw = base64.b64decode(encoded["data"])
    return list(struct.unpack(f"<{len(raw) // 8}d", raw))


class ExploreTests(unittest.TestCase):
    """The cotangent.explore comm: open, moves, a burst, unknown views, restart, a busy kernel."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME)
        self.comms = 0

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def show(self, code=EXPLORE_CELL):
        msg_id = self.kc.execute(code)
        self.assertEqual(self.kc.get_shell_msg(timeout=60)["content"]["status"], "ok")
        results = [m for m in drain_until_idle(self.kc, msg_id) if m["msg_type"] == "execute_result"]
        bundle = results[0]["content"]["data"]
        self.assertIn("image/png", bundle)
        self.assertIn("image/svg+xml", bundle)
        return bundle[EXPLORE_MIME]["viewId"]

    def comm(self, msg_type, content):
        msg = self.kc.session.msg(msg_type, content)
        self.kc.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def open_comm(self, view_id, target="cotangent.explore"):
        self.comms += 1
        comm_id = f"comm-{self.comms}"
        msg_id = self.comm("comm_open", {"comm_id": comm_id, "target_name": target, "data": {"viewId": view_id}})
        return comm_id, [(m["msg_type"], m["content"]) for m in drain_until_idle(self.kc, msg_id)
                         if m["msg_type"] != "status"]

    def move(self, comm_id, seq, x):
        return self.comm("comm_msg", {"comm_id": comm_id, "data": {"method": "move", "seq": seq, "x": x}})

    def collect(self, msg_ids, timeout=60, order=None):
        """IOPub per msg_id until each has had its busy and idle: {msg_id: [messages between]}."""
        waiting = {m: {"busy": False, "messages": [], "idle": False} for m in msg_ids}
        deadline = time.monotonic() + timeout
        while any(not w["idle"] for w in waiting.values()) and time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=1)
            except Empty:
                continue
            entry = waiting.get(msg["parent_header"].get("msg_id"))
            if entry is None:
                continue
            if order is not None:
                order.append(msg)
            if msg["msg_type"] == "status":
                entry[msg["content"]["execution_state"]] = True
            else:
                entry["messages"].append(msg)
        for msg_id, entry in waiting.items():
            self.assertTrue(entry["busy"] and entry["idle"], f"{msg_id} did not get busy and idle")
        return {m: w["messages"] for m, w in waiting.items()}

    def frames(self, collected):
        return [m["content"]["data"] for ms in collected.values() for m in ms
                if m["msg_type"] == "comm_msg" and m["content"]["data"]["method"] == "frame"]

    def test_open_moves_and_a_burst_of_200(self):
        view_id = self.show()
        comm_id, opened = self.open_comm(view_id)
        self.assertEqual(opened, [("comm_msg", {"comm_id": comm_id, "data": {"method": "attached"}})])
        info = self.kc.comm_info(target_name="cotangent.explore", reply=True)
        self.assertEqual(info["content"]["comms"], {comm_id: {"target_name": "cotangent.explore"}})
        rounds, computes = [], []
        for seq in range(1, 51):
            x = [0.5 + seq / 100, -1, 2]
            start = time.perf_counter()
            frames = self.frames(self.collect([self.move(comm_id, seq, x)]))
            rounds.append((time.perf_counter() - start) * 1000)
            self.assertEqual([f["seq"] for f in frames], [seq])
            computes.append(frames[0]["ms"])
        jac = decode_f64(frames[0]["payload"]["jacobian"]["values"])
        expected = [math.sin(v) + v * math.cos(v) for v in x]
        for i in range(3):
            self.assertAlmostEqual(jac[i * 3 + i], expected[i], places=12)
        rounds.sort()
        computes.sort()
        print(f"\nexplore comm round trip (paced, 50 moves): p50 {rounds[25]:.2f} ms, p95 {rounds[47]:.2f} ms;"
              f" compute p50 {computes[25]:.3f} ms", file=sys.stderr)
        moves = [self.move(comm_id, 100 + k, [k / 100, 1, 2]) for k in range(200)]
        start = time.perf_counter()
        collected = self.collect(moves)
        frames = self.frames(collected)
        print(f"burst of 200 moves: {len(frames)} frames, all idle after {(time.perf_counter() - start) * 1000:.0f} ms",
              file=sys.stderr)
        self.assertLessEqual(len(frames), 200)
        self.assertGreaterEqual(len(frames), 1)
        self.assertEqual(frames[-1]["seq"], 299)
        self.assertEqual(frames[-1]["x"], [1.99, 1, 2])

    def test_unknown_view_and_target_are_closed_with_a_reason(self):
        _, opened = self.open_comm("no-such-view")
        self.assertEqual([t for t, _ in opened], ["comm_close"])
        self.assertIn("does not know the view", opened[0][1]["data"]["reason"])
        _, other = self.open_comm("x", target="jupyter.widget")
        self.assertEqual([t for t, _ in other], ["comm_close"])

    def test_restart_closes_the_view(self):
        view_id = self.show()
        self.km.restart_kernel(now=False)
        self.kc.wait_for_ready(timeout=60)
        _, opened = self.open_comm(view_id)
        self.assertEqual([t for t, _ in opened], ["comm_close"])

    def test_moves_during_a_3s_cell_wait_then_one_frame(self):
        view_id = self.show()
        comm_id, _ = self.open_comm(view_id)
        cell = self.kc.execute("const until = Date.now() + 3000;\nwhile (Date.now() < until) {}")
        time.sleep(0.3)
        moves = []
        for k in range(10):
            moves.append(self.move(comm_id, k + 1, [k / 10, 0, 1]))
            time.sleep(0.1)
        order = []  # every message about the cell or the moves, in arrival order
        collected = self.collect(moves + [cell], order=order)
        cell_idle = next(i for i, m in enumerate(order) if m["parent_header"]["msg_id"] == cell
                         and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle")
        self.assertEqual([m for m in order[:cell_idle] if m["msg_type"] == "comm_msg"], [])
        frames = self.frames(collected)
        self.assertEqual(len(frames), 1)
        self.assertEqual(frames[0]["seq"], 10)
        self.assertEqual(frames[0]["x"], [0.9, 0, 1])


class JupyterRunTests(unittest.TestCase):
    """`jupyter run --kernel=cotangent script.ts`: the launcher passes the script to the kernel too."""

    def test_jupyter_run_executes_a_script(self):
        with tempfile.TemporaryDirectory() as folder:
            script = os.path.join(folder, "script.ts")
            with open(script, "w", encoding="utf-8") as handle:
                handle.write('const a: number = 2;\nconsole.log("a is", a * 21);\n')
            command = [sys.executable, "-m", "jupyter_client.runapp", f"--kernel={KERNEL_NAME}", "script.ts"]
            done = subprocess.run(command, capture_output=True, text=True, cwd=folder, timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("a is 42", done.stdout)
        self.assertNotIn("usage:", done.stderr)


class NotebookTests(unittest.TestCase):
    """`jupyter nbconvert --execute` on a notebook that uses the runtime."""

    def test_nbconvert_executes_the_runtime_notebook(self):
        source = os.path.join(HERE, "fixtures", "runtime.ipynb")
        with tempfile.TemporaryDirectory() as out_dir:
            command = [sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                       f"--ExecutePreprocessor.kernel_name={KERNEL_NAME}", "--ExecutePreprocessor.timeout=120",
                       "--output-dir", out_dir, source]
            done = subprocess.run(command, capture_output=True, text=True)
            self.assertEqual(done.returncode, 0, done.stderr)
            with open(os.path.join(out_dir, "runtime.ipynb"), encoding="utf-8") as handle:
                notebook = json.load(handle)
        self.assertEqual(notebook["metadata"]["kernelspec"]["name"], KERNEL_NAME)
        cells = {cell["metadata"]["name"]: cell for cell in notebook["cells"] if cell["cell_type"] == "code"}

        gradient = cells["gradient"]["outputs"]
        self.assertEqual([o["output_type"] for o in gradient], ["execute_result"])
        self.assertIn("text/plain", gradient[0]["data"])

        jacobian = cells["jacobian"]["outputs"]
        bundles = [o["data"] for o in jacobian if o["output_type"] in ("display_data", "execute_result")]
        self.assertTrue(bundles, "the jacobian cell has no rich output")
        bundle = bundles[0]
        self.assertIn(JACOBIAN_MIME, bundle)
        payload = bundle[JACOBIAN_MIME]
        self.assertEqual(payload["kind"], "jacobian")
        self.assertEqual(payload["outShape"], [2])
        self.assertEqual(payload["inShape"], [3])
        self.assertIn("text/plain", bundle)
        self.assertTrue("image/svg+xml" in bundle or "text/html" in bundle, sorted(bundle))
        self.assertIn("image/png", bundle)

        traced = [o for o in cells["trace"]["outputs"] if o["output_type"] == "display_data"]
        self.assertEqual(len(traced), 1)
        self.assertIn("text/plain", traced[0]["data"])
        trace = traced[0]["data"][TRACE_MIME]
        self.assertEqual(trace["steps"]["shape"], [200])
        self.assertTrue(trace["done"])

        failing = cells["failing"]["outputs"]
        errors = [o for o in failing if o["output_type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["ename"], "Error")
        self.assertIn("deliberate failure", errors[0]["evalue"])
        self.assertTrue(any("cell" in line for line in errors[0]["traceback"]), errors[0]["traceback"])

        after = cells["after"]["outputs"]
        self.assertEqual(after[0]["output_type"], "stream")
        text = after[0]["text"]
        self.assertIn("still running", "".join(text) if isinstance(text, list) else text)


class WireFuzzTests(KernelPerClass):
    """1,000 hostile messages (seeded) on shell and control to the real kernel: it stays up,
    answers kernel_info after every batch, and still runs a cell (test/fuzz/wire.test.ts fuzzes
    the same wire in-process, message by message)."""

    SEED = 20261204
    CASES = int(os.environ.get("COTANGENT_FUZZ_CASES", "1000"))

    def hostile(self, rng, session):
        """One hostile message as ZeroMQ frames."""
        kind = rng.choice(["frames", "signature", "json", "types", "unknown", "oversized"]
                          if rng.random() < 0.01 else ["frames", "signature", "json", "types", "unknown"])
        ident, delim = [b"fuzz"], [b"<IDS|MSG>"]
        header = session.msg_header("execute_request")
        parts = [json.dumps(header, default=str).encode(), b"{}", b"{}", b'{"code": "1"}']
        if kind == "frames":
            return [rng.randbytes(rng.randint(0, 40)) for _ in range(rng.randint(1, 8))]
        if kind == "signature":
            sig = rng.choice([b"", b"00" * 32, session.sign(parts)[:10], rng.randbytes(16).hex().encode()])
            return ident + delim + [sig] + parts
        if kind == "json":
            parts[rng.randrange(4)] = rng.choice([b"{", b"[]", b"null", rng.randbytes(12), b'"x"'])
        elif kind == "types":
            content = {"code": rng.choice([5, None, [], {"a": 1}]), "cursor_pos": rng.choice([-1, "x", 1e9])}
            header["msg_type"] = rng.choice(["execute_request", "complete_request", "inspect_request",
                                             "is_complete_request", "history_request"])
            parts[0], parts[3] = json.dumps(header, default=str).encode(), json.dumps(content).encode()
        elif kind == "unknown":
            header["msg_type"] = rng.choice(["no_such_request", "", "debug_request", "comm_msg"])
            parts[0] = json.dumps(header, default=str).encode()
        else:
            parts[3] = json.dumps({"code": "x" * (8 << 20)}).encode()
            header["msg_type"] = "is_complete_request"
            parts[0] = json.dumps(header, default=str).encode()
        return ident + delim + [session.sign(parts)] + parts

    def assert_answers_kernel_info(self, channel):
        msg = self.kc.session.msg("kernel_info_request")
        self.kc.session.send(channel.socket, msg)
        get = self.kc.get_shell_msg if channel is self.kc.shell_channel else self.kc.get_control_msg
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            reply = get(timeout=60)
            if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
                self.assertEqual(reply["content"]["status"], "ok")
                return
        self.fail("no kernel_info_reply")

    def test_hostile_messages_on_shell_and_control(self):
        rng = random.Random(self.SEED)
        session = self.kc.session
        started = time.monotonic()
        for channel in (self.kc.shell_channel, self.kc.control_channel):
            for k in range(self.CASES // 2):
                channel.socket.send_multipart(self.hostile(rng, session))
                if k % 50 == 49:
                    self.assert_answers_kernel_info(channel)
            self.assert_answers_kernel_info(channel)
        self.assertTrue(self.km.is_alive())
        content = self.kc.execute_interactive("6 * 7", timeout=60, output_hook=lambda _: None)["content"]
        self.assertEqual(content["status"], "ok")
        print(f"wire fuzz: {self.CASES} hostile messages in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""The cotangent kernel under a real Jupyter client (jupyter_client, jupyter_kernel_test, nbconvert).

Run by scripts/test-jupyter.sh with JUPYTER_PATH pointing at a prefix where the kernelspec was
installed. Every sample jupyter_kernel_test offers is set, except the pager's.
"""

import json
import os
import signal
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


# Fails after 300 ms, so that the cells sent right after it are still queued when it fails.
FAIL_LATE = 'await new Promise((resolve) => setTimeout(resolve, 300));\nthrow new Error("first");'


class LifecycleTests(unittest.TestCase):
    """Interrupts (signal and message), state across them, restart, crashes, signatures."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME)

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
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL_NAME)

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


class OutOfMemoryTests(unittest.TestCase):
    """An executor that runs out of memory: the cell fails saying so, the next one runs."""

    @classmethod
    def setUpClass(cls):
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        cls.data_dir = tempfile.TemporaryDirectory()
        small = os.path.join(cls.data_dir.name, "kernels", "cotangent-small-heap")
        os.makedirs(small)
        with open(os.path.join(small, "kernel.json"), "w", encoding="utf-8") as handle:
            json.dump({**spec.to_dict(), "env": {"NODE_OPTIONS": "--max-old-space-size=300"}}, handle)
        cls.saved_path = os.environ.get("JUPYTER_PATH", "")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (cls.data_dir.name, cls.saved_path) if p)
        cls.km, cls.kc = start_new_kernel(kernel_name="cotangent-small-heap")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)
        os.environ["JUPYTER_PATH"] = cls.saved_path
        cls.data_dir.cleanup()

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


if __name__ == "__main__":
    unittest.main(verbosity=2)

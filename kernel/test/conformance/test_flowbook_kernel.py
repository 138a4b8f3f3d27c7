"""jupyter_kernel_test's conformance suite against the Flowbook kernel, every sample attribute filled.

Run with Debian's Python after `flowbook install --prefix <dir>`:
    JUPYTER_PATH=<dir>/share/jupyter /usr/bin/python3 -m unittest -v test_flowbook_kernel
"""
import unittest

import jupyter_kernel_test


class FlowbookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "flowbook"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "const zebraStripes = 3;\nzebraStr", "matches": {"zebraStripes"}},
        {"text": "Math.cbr", "matches": {"cbrt"}},
    ]
    complete_code_samples = ["1 + 1", "const x: number = 1;", "interface P { x: number }"]
    incomplete_code_samples = ["function f(x: number) {\n  return x * 2;", "const s = `line1\n"]
    invalid_code_samples = ["const a = ;", 'const t = "数据']

    code_page_something = "Math.max?"

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "Math.max(40, 42)", "result": "42"},
        {"code": '"flow" + "book"', "result": "'flowbook'"},
        {"code": "[1, 2, 3].map(n => n * 2)", "result": "[ 2, 4, 6 ]"},
    ]
    code_history_pattern = "Math.max(*"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.markdown("# title")', "mime": "text/markdown"},
    ]

    code_inspect_sample = "Math.max"

    code_clear_output = "display.clear()"


if __name__ == "__main__":
    unittest.main()

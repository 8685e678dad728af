"""jieba's dictionary is loaded when a web process starts, not on the first analysis page
(issue #12 point 9)."""

import os
import subprocess
import sys


def test_a_web_process_loads_the_dictionary_as_it_starts(tmp_path):
    code = "import jieba, wuyedesk.wsgi; print(jieba.dt.initialized)"
    env = {**os.environ, "WUYEDESK_HOME": str(tmp_path), "LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(  # noqa: S603  (this interpreter, a fixed program)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "True"

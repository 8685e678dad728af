"""Seed time for N households into a fresh database (issue #2: 100,000 in about a minute).

    .venv/bin/python bench/seed.py --households 100000 --communities 200
    DATABASE_URL=postgres://… .venv/bin/python bench/seed.py   # on PostgreSQL (drops all data!)

Runs migrate on an empty database in a temporary WUYEDESK_HOME (SQLite) and times
`wuyedesk seed` alone.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--communities", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="wuyedesk-bench-")
    env = {**os.environ, "WUYEDESK_HOME": home}
    wuyedesk = [sys.executable, "-m", "wuyedesk.cli"]
    if env.get("DATABASE_URL", "").startswith("postgres"):
        subprocess.run([*wuyedesk, "flush", "--noinput"], env=env, check=False)
    subprocess.run([*wuyedesk, "migrate", "-v0"], env=env, check=True)
    started = time.perf_counter()
    subprocess.run(
        [
            *wuyedesk,
            "seed",
            "--communities",
            str(args.communities),
            "--households",
            str(args.households),
            "--seed",
            str(args.seed),
        ],
        env=env,
        check=True,
    )
    elapsed = time.perf_counter() - started
    db = "postgresql" if env.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    print(f"{db}: {args.households} households in {elapsed:.1f} s (process start included)")


if __name__ == "__main__":
    main()

"""A small closed-loop load generator: N concurrent clients with keep-alive, latency percentiles.

    python bench/load.py URL [--concurrency 8] [--seconds 20] [--header 'Cookie: …']
        [--method POST --body-file f.json]

Prints requests/s and p50/p95/p99 in ms. Only for servers on 127.0.0.1 (see bench/README.md).
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from urllib.parse import urlsplit


def run(
    url,
    *,
    concurrency=8,
    seconds=20.0,
    headers=None,
    method="GET",
    body=None,
    body_factory=None,
    warmup=1.0,
):
    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost"}:
        raise SystemExit("load tests only target this machine")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors, statuses = [], [], {}
    lock = threading.Lock()
    start_at = time.perf_counter() + warmup
    stop_at = start_at + seconds

    def client(index):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        n = 0
        while True:
            now = time.perf_counter()
            if now >= stop_at:
                break
            payload = body_factory(index, n) if body_factory else body
            n += 1
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=headers or {})
                response = conn.getresponse()
                response.read()
                status = response.status
                if (response.getheader("Connection") or "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                with lock:
                    errors.append(str(error))
                continue
            elapsed = time.perf_counter() - t0
            if t0 >= start_at:
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not latencies:
        return {"url": url, "requests": 0, "errors": len(errors), "statuses": statuses}
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "url": url,
        "method": method,
        "concurrency": concurrency,
        "requests": len(latencies),
        "rps": round(len(latencies) / seconds, 1),
        "p50_ms": round(q[49] * 1000, 1),
        "p95_ms": round(q[94] * 1000, 1),
        "p99_ms": round(q[98] * 1000, 1),
        "errors": len(errors),
        "statuses": statuses,
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--method", default="GET")
    parser.add_argument("--body-file")
    args = parser.parse_args(argv)
    headers = dict(h.split(": ", 1) for h in args.header)
    body = open(args.body_file, "rb").read() if args.body_file else None  # noqa: SIM115
    print(
        json.dumps(
            run(
                args.url,
                concurrency=args.concurrency,
                seconds=args.seconds,
                headers=headers,
                method=args.method,
                body=body,
            ),
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.exit(main())

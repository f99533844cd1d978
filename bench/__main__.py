"""`make bench` (`python -m bench [--quick]`): one table of ratios, plus a JSON file."""

from __future__ import annotations

import argparse
import json
import os
import platform
from dataclasses import asdict
from pathlib import Path

from bench import (
    audience,
    campaign,
    journey,
    render,
    reply_latency,
    transactional,
    worker_memory,
)
from bench.timing import Result
from herald.process_exit import leave


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under two minutes")
    parser.add_argument("--out", type=Path, default=Path("bench/results/latest.json"))
    args = parser.parse_args()
    n, repeats = (2_000, 3) if args.quick else (20_000, 5)
    results: list[Result] = [render.run(n, repeats)]
    # Audience: 1M endpoints and 5M events in the full run (issue 3's sizes).
    sizes = (20_000, 100_000, 3) if args.quick else (1_000_000, 5_000_000, 2)
    results += audience.run(*sizes)
    # Journeys on the dev server: participants through send -> wait -> send.
    results += journey.run(100 if args.quick else 1_000)
    # Worker memory with participants waiting on timers (issue 9: 10,000 in the full run).
    results.append(worker_memory.run(500 if args.quick else 10_000))
    # Transactional sends: request -> provider call latency, p50/p99 of sequential requests.
    results += transactional.run(50 if args.quick else 300)
    # Reply latency: signed Twilio webhook -> next step's send claimed, p50/p99 (issue 9, #5).
    results += reply_latency.run(20 if args.quick else 200)
    # Campaigns: 100,000 endpoints in batches, beside one workflow per endpoint (smaller).
    results += campaign.run(*((5_000, 200) if args.quick else (100_000, 2_000)))
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"{'benchmark':<34} {'herald':>14}  {'baseline':<26} {'':>14}  ratio (time)")
    for result in results:
        print(result.row())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps([asdict(r) | {"ratio": r.ratio} for r in results], indent=2))
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
    leave(0)

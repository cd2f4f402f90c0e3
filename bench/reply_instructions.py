"""Instructions per `Assistant.reply`, counted by valgrind's callgrind (Debian's package valgrind).

Seconds drift on this machine by 15-30 % from one hour to the next, for the same code. The number
of instructions a reply executes does not: runs of the same code have counted the same within half
a percent, so two versions of the code compare closely, whatever else the machine is doing.

Two runs under valgrind, side by side: both load the assistant and answer every Nth evaluation
message once (which fills the per-word caches, as a server that has run for a while has them); the
first then answers them all again. The difference between their counts, over the number of messages,
is the count per reply. Nothing is asserted; valgrind makes each run about fifty times slower.

    python bench/reply_instructions.py [--every 8] [--json]
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from reply_latency import messages

HERE = Path(__file__).resolve()


def answer(every: int, again: bool) -> None:
    """What runs under valgrind: load, answer each message once, and once more if ``again``."""
    from assistant import Assistant

    assistant = Assistant.load(db=Path(tempfile.mkdtemp()) / "instructions.db")
    chosen = messages()[::every]
    for _ in range(2 if again else 1):
        for item in chosen:
            assistant.reply(item["tenant"], None, item["message"])


def counted(every: int, again: bool) -> int:
    """Instructions executed by one run of ``answer`` under callgrind."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={folder}/out",
            sys.executable,
            str(HERE),
            "--child",
            str(every),
            *(["--again"] if again else []),
        ]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1800)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode or not found:
        raise SystemExit(f"valgrind failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=8, help="answer every Nth evaluation message")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--again", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return answer(args.child, args.again)
    if not shutil.which("valgrind"):
        raise SystemExit("valgrind is not installed (Debian package valgrind)")
    from assistant import Assistant

    Assistant.load()  # builds the model cache if the data changed, outside valgrind
    with ThreadPoolExecutor(2) as pool:
        measured, baseline = pool.map(lambda again: counted(args.every, again), (True, False))
    replies = len(messages()[:: args.every])
    per_reply = (measured - baseline) / replies
    print(
        f"callgrind: {measured:,} instructions with {replies} replies more than the {baseline:,} of loading "
        f"and warming up: {per_reply / 1e6:.3f} million instructions per reply"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "replies": replies,
                    "every": args.every,
                    "measured": measured,
                    "baseline": baseline,
                    "per_reply": round(per_reply),
                }
            )
        )


if __name__ == "__main__":
    main()

"""Calls made at the same moment, in threads: what the tests of concurrent writers share."""

import threading


def at_once(*calls) -> None:
    """Run the calls in threads released together, and wait for them all."""
    gate = threading.Barrier(len(calls))
    threads = [threading.Thread(target=lambda call=call: (gate.wait(), call())) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

"""Matching a long run of lines in a second process while the first writes what is decided.

A run of 100,000 lines spends about as long in the engine (pure Python) as in writing its
payments and line states. With two cores, a forked child runs the engine over the chunks
one after the other and hands each chunk's decisions back through a pipe; the caller
writes chunk k while the child decides chunk k + 1. The engine lowers its balances as it
applies each automatic decision, so chunks decided one after the other give exactly the
decisions of one run over all the lines.

Fork, not spawn: the child inherits the engine's inputs (200,000 open invoices) without
their being copied through a pipe, and builds the engine's indexes itself: only it holds
them. It never touches the database connections it inherits, and leaves by os._exit
(multiprocessing's fork start), so they are neither used nor closed.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence

from solde.core.matching import Credit, Decision, Matcher


def decided_chunks(
    build: Callable[[], Matcher], credits: Sequence[Credit], size: int
) -> Iterator[list[Decision]]:
    """The decisions for `credits`, `size` at a time, in order, by the engine `build` makes
    (in the matching process, which alone then holds its indexes)."""
    if len(credits) <= size or not _can_fork():
        matcher = build()
        for start in range(0, len(credits), size):
            yield matcher.match_all(credits[start : start + size])
        return
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_decide, args=(build, credits, size, sending), daemon=True)
    child.start()
    sending.close()
    del build  # the child has its own copy of the engine's inputs
    try:
        for _ in range(0, len(credits), size):
            try:
                failed, chunk = receiving.recv()
            except EOFError:
                child.join(timeout=5)
                raise RuntimeError(f"Matching stopped (exit code {child.exitcode}).") from None
            if failed:
                raise RuntimeError(f"Matching failed in its process: {chunk}")
            yield chunk
    finally:
        receiving.close()
        child.join(timeout=5)
        if child.is_alive():  # the caller stopped early: the child waits on a closed pipe
            child.terminate()
            child.join()


def _can_fork() -> bool:
    return (os.cpu_count() or 1) > 1 and "fork" in multiprocessing.get_all_start_methods()


def _decide(build: Callable[[], Matcher], credits, size: int, sending) -> None:
    # What the child inherited stays out of its garbage collector: traversing it would
    # copy every page the parent shares with it.
    gc.freeze()
    try:
        matcher = build()
        for start in range(0, len(credits), size):
            sending.send((False, matcher.match_all(credits[start : start + size])))
    except (BrokenPipeError, EOFError):
        pass  # the caller stopped reading
    except Exception as error:  # noqa: BLE001 - reported to the caller, which raises it
        sending.send((True, f"{type(error).__name__}: {error}"))
    finally:
        sending.close()

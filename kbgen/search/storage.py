"""Where the search index lives in the state directory: its folder, what is written beside it,
a new index swapped in only when complete, and opening it."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from whoosh import index
from whoosh.index import EmptyIndexError, Index

from kbgen.errors import SearchError
from kbgen.paths import MANIFEST_FILE
from kbgen.search.schema import build_schema

INDEX_DIR = "search"
SYNONYMS_FILE = "synonyms.json"
STAMP_FILE = "stamp"  # the articles and settings indexed, as the export's manifest names them


def index_dir(state: Path) -> Path:
    """Where the live index is kept inside the state directory (`.kbgen/search`)."""
    return state / INDEX_DIR


def revisions_in(path: Path) -> dict[str, str] | None:
    """The revision of each article in the index at `path`; None when there is none there, or one
    of another schema, or one that cannot be read: the build then writes one from scratch."""
    try:
        if not index.exists_in(str(path)):
            return None
        existing = index.open_dir(str(path))
    except (*DAMAGED, ValueError):
        return None
    try:
        if existing.schema.names() != build_schema().names():
            return None
        with existing.searcher() as searcher:
            return {stored["article"]: stored["revision"]
                    for stored in searcher.documents(kind="article")}
    except (*DAMAGED, ValueError):
        return None
    finally:
        existing.close()


def indexed_revisions(state: Path) -> dict[str, str]:
    """The revision of each article in the index in `state` (none when it has no readable one)."""
    return revisions_in(index_dir(state)) or {}


def fresh_dir(state: Path) -> Path:
    """Where this build writes its new index (none there yet), after removing the half-written
    ones of killed builds."""
    _sweep(state)
    fresh = state / f"{INDEX_DIR}.new-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    return fresh


def settle(fresh: Path, synonyms: list[list[list[str]]], stamp: str) -> None:
    """Write beside the new index what it was built with: the synonyms and the stamp."""
    (fresh / SYNONYMS_FILE).write_text(json.dumps(synonyms), encoding="utf-8")
    (fresh / STAMP_FILE).write_text(stamp, encoding="utf-8")


def _sweep(state: Path) -> None:
    """Remove the half-written indexes of builds that were killed (their process is gone), and
    what a build with search off failed to remove (`build.drop_search`): each is a whole copy of
    the index."""
    for path in state.glob("*.off"):
        shutil.rmtree(path, ignore_errors=True)
    for path in [*state.glob(f"{INDEX_DIR}.new-*"), *state.glob(f"{INDEX_DIR}.old-*")]:
        pid = path.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process, say
        return True
    return True


def swap(fresh: Path, live: Path) -> None:
    """Replace the live index by the complete new one; the old one goes only afterwards."""
    old = live.with_name(f"{INDEX_DIR}.old-{os.getpid()}")
    if live.exists():
        os.replace(live, old)
    os.replace(fresh, live)
    shutil.rmtree(old, ignore_errors=True)


# What reading a damaged index raises: a cut-off file (EOFError, struct.error), a garbled one
# (pickle, zlib, or Whoosh's own IndexError), a missing or unreadable one.
DAMAGED = (EmptyIndexError, index.IndexError, OSError, EOFError, struct.error,
           pickle.UnpicklingError, zlib.error)


@contextmanager
def readable(state: Path) -> Iterator[None]:
    """Turn what a damaged index raises, while reading it, into a SearchError that says how to
    mend it (a new build writes a whole new index)."""
    try:
        yield
    except DAMAGED as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise SearchError(f"cannot read the search index in {index_dir(state)} ({reason}); "
                          "run 'kbgen build' again to write a new one") from None


def no_index(state: Path) -> str:
    """Why there is no index in `state`, and what to do: build, or turn search back on when the
    last build had it off (its manifest says so)."""
    try:
        off = json.loads((state / MANIFEST_FILE).read_text("utf-8")).get("search") is False
    except (OSError, ValueError, AttributeError):
        off = False
    if off:
        return ("search is off for this help center ('search: false' under kbgen in "
                "mkdocs.yml); remove it and build again to search")
    return f"no search index in {index_dir(state)}; run 'kbgen build' first"


def open_index(state: Path) -> Index:
    """The live index, or a SearchError saying to build first."""
    path = index_dir(state)
    with readable(state):
        if not index.exists_in(str(path)):
            raise SearchError(no_index(state))
        return index.open_dir(str(path))


def read_synonyms(state: Path) -> list[list[list[str]]]:
    """The analysed synonym groups the last build used."""
    try:
        return json.loads((index_dir(state) / SYNONYMS_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return []


def read_stamp(state: Path) -> str:
    """The stamp the last build gave the index ("" when it has none)."""
    try:
        return (index_dir(state) / STAMP_FILE).read_text("utf-8").strip()
    except OSError:
        return ""

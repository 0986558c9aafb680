"""Exporting the Whoosh index for the browser: small static JSON files fetched on demand.

Layout under `assets/kbgen/search/`:
  manifest.json   counts, shard count, analysis lists, synonyms, category and type of each article
  t/<k>.json      compiled postings of the terms that hash to shard k
  p/<k>.json      positions of those terms in phrase fields (only fetched for quoted phrases)
  v/<c>.json      spelling words starting with c, with document frequencies
  d/<n>.json      article n: url, title, category, type, description, sections (text trimmed
                  by snippets.kept_sections when the article was indexed)
  docs.bin        every d/<n>.json (and a newline) deflated on its own, one after the other, so
                  that a search fetches the articles it shows in one request of byte ranges
                  where the host answers them (nginx, Apache, Caddy, `kbgen serve`)
  docs.json       the length of each article in docs.bin, in article order, in UNITs
  terms.bin       the same of the t/ files, and terms.json their lengths
  ranges.bin      ten bytes the browser asks two ranges of, to learn whether the host answers them
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import struct
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index

from kbgen.search import ranking
from kbgen.search.analysis import FILLER, MAX_LENGTH, MIN_LENGTH, SIGNATURE, STOPWORDS
from kbgen.search.lexicon import Lexicon
from kbgen.search.schema import PHRASE_FIELDS

FORMAT = 5  # 2: TITLE_CODE among a posting's sections; 3: the articles' boosts; 4: QUERY_CODE;
# 5: docs.bin and terms.bin
SHARD_BYTES = 6000  # aim for term shards of about this size (before compression)
HOT_FILE = "hot.json"  # the terms with the most postings, for the service to load at start
HOT_TERMS = 500  # on business-central, the 500 largest entries hold three quarters of all postings
# What the weights were computed with (field length averages) and from (articles, settings), so a
# later build can update the export in place; kept beside the export, not published.
REFERENCE_FILE = "reference.json"
UNPUBLISHED = (HOT_FILE, REFERENCE_FILE)
# An export is updated in place, rather than written anew, when at most this share of its
# articles changed (none added or removed) and no field's average length moved by more than DRIFT
# of itself: a posting's weight divides by the average length of its field, so any edit changes
# every weight a little, which would mean writing every file for one article's edit. Until the
# averages drift further, the weights keep the averages of the export written anew last.
UPDATE_SHARE = 0.1
DRIFT = 0.01
PROBE = "ranges.bin"
PROBE_BYTES = b"0123456789"  # search-engine.js asks for bytes 0-1 and 4-5, and checks them
UNIT = 64  # every chunk of a bundle is a whole number of these bytes long


@dataclass
class ExportStats:
    """What the export wrote."""

    terms: int
    shards: int
    files: int
    bytes: int
    updated: bool = False  # the last export updated in place (`terms`: the terms it compiled)


def shard_of(term: str, shards: int) -> int:
    """FNV-1a (32 bit) of the term's UTF-8 bytes modulo the shard count, as in search.js."""
    value = 0x811C9DC5
    for byte in term.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def encode_entry(entry: ranking.Entry) -> list[int]:
    """`[idf, doc gap, weight, section count, sections..., doc gap, ...]`."""
    out = [entry.idf]
    previous = 0
    for doc, weight, sections in zip(entry.docs, entry.weights, entry.sections, strict=False):
        out += [doc - previous, weight, len(sections), *sections]
        previous = doc
    return out


def _postings_of(data: list[int]) -> Iterator[tuple[int, int]]:
    """Each posting of an encoded entry: its article, and where the posting starts in `data`."""
    i, doc = 1, 0
    while i < len(data):
        doc += data[i]
        yield doc, i
        i += 3 + data[i + 2]


def decode_entry(data: list[int]) -> ranking.Entry:
    """The inverse of `encode_entry` (search.js has the same)."""
    entry = ranking.Entry(data[0], [], [], [])
    for doc, i in _postings_of(data):
        entry.docs.append(doc)
        entry.weights.append(data[i + 1])
        entry.sections.append(data[i + 3:i + 3 + data[i + 2]])
    return entry


def _holds(data: list[int], numbers: set[int]) -> bool:
    """Whether the encoded entry `data` has a posting of one of the articles `numbers`, without
    building the entry."""
    return any(doc in numbers for doc, _ in _postings_of(data))


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of the export in `folder` (empty when there is none or it is unreadable)."""
    try:
        found = json.loads((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


class ExportedPostings:
    """Compiled postings read back from an export, for the Python search: a term costs one small
    JSON file instead of walking its Whoosh postings in every field (a 20-80 ms first time for a
    common word on business-central). The export holds exactly what `Lexicon.compile` gives."""

    _SHARDS_KEPT = 64

    def __init__(self, folder: Path, shards: int) -> None:
        self.folder = folder
        self.shards = shards
        self._loaded: OrderedDict[int, dict[str, list[int]]] = OrderedDict()

    @classmethod
    def open(cls, folder: Path, stamp: str) -> ExportedPostings | None:
        """The export in `folder` if it was made from the index stamped `stamp`, else None."""
        manifest = read_manifest(folder)
        if not stamp or manifest.get("stamp") != stamp or manifest.get("format") != FORMAT:
            return None
        return cls(folder, int(manifest["shards"]))

    def entry(self, term: str) -> ranking.Entry | None:
        """The term's compiled postings, or None when no article contains it."""
        k = shard_of(term, self.shards)
        shard = self._loaded.get(k)
        if shard is None:
            shard = json.loads((self.folder / "t" / f"{k}.json").read_text("utf-8"))
            self._loaded[k] = shard
            if len(self._loaded) > self._SHARDS_KEPT:
                self._loaded.popitem(last=False)
        else:
            self._loaded.move_to_end(k)
        data = shard.get(term)
        return decode_entry(data) if data else None

    def hot_terms(self) -> list[str]:
        """The terms with the most postings, largest first (none from an older export)."""
        try:
            return list(json.loads((self.folder / HOT_FILE).read_text("utf-8")))
        except (OSError, ValueError):
            return []


def _json(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _dump(path: Path, data: Any) -> int:
    return _write(path, _json(data))


def _joined(pairs: list[tuple[str, str]]) -> str:
    """The JSON object of these keys and their values' JSON texts, as `_json` writes a dict."""
    return "{" + ",".join(f"{_json(key)}:{value}" for key, value in pairs) + "}"


def _write(path: Path, text: str) -> int:
    path.unlink(missing_ok=True)  # never write through a hard link (`link_or_copy`) into its twin
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))


def manifest(lexicon: Lexicon, synonyms: list[list[list[str]]], shards: int,
             stamp: str) -> dict[str, Any]:
    """What every search needs first: counts, analysis lists, filters."""
    categories: dict[str, str] = {}
    types: dict[str, str] = {}
    for doc in lexicon.docs:
        categories.setdefault(doc.meta["category"], doc.meta["category_title"])
        types.setdefault(doc.meta["type"], doc.meta["type_label"])
    category_ids = sorted(categories)
    type_ids = sorted(types)
    return {
        "format": FORMAT, "stamp": stamp, "n": lexicon.n, "shards": shards,
        "stop": sorted(STOPWORDS), "filler": sorted(FILLER),
        "minLength": MIN_LENGTH, "maxLength": MAX_LENGTH,
        "synonyms": synonyms, "phraseFields": len(PHRASE_FIELDS), "params": ranking.params(),
        "categories": [[c, categories[c]] for c in category_ids],
        "types": [[t, types[t]] for t in type_ids],
        # Category and type of each article, for filters before any article file is fetched.
        "docs": [category_ids.index(d.meta["category"]) * 8 + type_ids.index(d.meta["type"])
                 for d in lexicon.docs],
        # The articles whose score is multiplied by other than 1: {number: boost}.
        "boosts": {str(n): boost for n, boost
                   in ranking.article_boosts(d.meta for d in lexicon.docs).items()},
        # The keys of the v/ files written: a word no spelling word starts like fetches none.
        "spelling": sorted(lexicon.vocabulary()),
    }


Compiled = tuple[str, str, int]
"""A term's encoded entry and its phrase positions (if any) as the JSON texts of a shard's
files, and the encoded entry's length. Texts come back from a second process many times faster
than the lists they hold, and the shards are written from them as they are."""
PARALLEL_FROM = 400
"""How many articles make compiling the terms worth a second process (as indexing them is)."""


@contextmanager
def _uncollected() -> Iterator[None]:
    """The cyclic garbage collector off: compiling makes millions of lists and dicts and no
    cycles, and the collector, scanning them again and again as they pile up (and all a build
    holds besides), took a quarter of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _compiled(lexicon: Lexicon, terms: list[str]) -> dict[str, Compiled]:
    """Each of `terms` that some article holds, compiled."""
    out = {}
    with _uncollected():
        for term in terms:
            entry = lexicon.compile(term)
            if entry is not None:
                data = encode_entry(entry)
                positions = lexicon.positions(term)
                out[term] = (_json(data), _json(positions) if positions else "", len(data))
    return out


def _compiled_apart(folder: str, terms: list[str]) -> dict[str, Compiled]:
    """`_compiled` in a worker process, on its own reader of the index in `folder`."""
    ix = index.open_dir(folder)
    try:
        with ix.reader() as reader:
            return _compiled(Lexicon(reader), terms)
    finally:
        ix.close()


def _compile_all(lexicon: Lexicon, folder: Path | None) -> dict[str, Compiled]:
    """Every term compiled, in term order; on two cores, every other term by a second process
    reading the same index (compiling is most of an export: about 10 CPU-seconds on
    business-central)."""
    terms = lexicon.terms()
    if folder is None or lexicon.n < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return _compiled(lexicon, terms)
    with ProcessPoolExecutor(1) as pool:
        theirs = pool.submit(_compiled_apart, str(folder), terms[1::2])
        found = _compiled(lexicon, terms[0::2]) | theirs.result()
    return {term: found[term] for term in terms if term in found}


def export(lexicon: Lexicon, synonyms: list[list[list[str]]], target: Path,
           stamp: str, folder: Path | None = None, changed: list[str] | None = None,
           changed_terms: set[str] | None = None) -> ExportStats:
    """Write the browser's search files into `target` (replacing what was there). `folder`, the
    index's, lets a second process share the work. `changed`, the ids of the articles indexed
    since the export in `target` was written, and `changed_terms`, the terms they hold now, let
    a small change update the export in place (see UPDATE_SHARE)."""
    if changed is not None and changed_terms is not None:
        reference = _reference(target, lexicon, synonyms, changed)
        if reference is not None:
            try:
                return _update(lexicon, target, stamp, reference, changed, changed_terms,
                               synonyms)
            except (OSError, ValueError, TypeError, KeyError, IndexError):
                # A file of the old export is missing or damaged: write a whole new one.
                shutil.rmtree(target.with_name(target.name + ".new"), ignore_errors=True)
                lexicon.averages = lexicon.own_averages()
    fresh = target.with_name(target.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    for sub in ("t", "p", "v", "d"):
        (fresh / sub).mkdir(parents=True)
    compiled = _compile_all(lexicon, folder)
    total = sum(len(data) + len(term) + 4 for term, (data, _, _) in compiled.items())
    shards = 16
    while total / shards > SHARD_BYTES:
        shards *= 2
    written = files = 0
    term_shards: list[list[tuple[str, str]]] = [[] for _ in range(shards)]
    position_shards: list[list[tuple[str, str]]] = [[] for _ in range(shards)]
    for term, (data, positions, _) in compiled.items():
        k = shard_of(term, shards)
        term_shards[k].append((term, data))
        if positions:
            position_shards[k].append((term, positions))
    for k in range(shards):
        written += _write(fresh / "t" / f"{k}.json", _joined(term_shards[k]))
        written += _write(fresh / "p" / f"{k}.json", _joined(position_shards[k]))
        files += 2
    written_, files_ = _write_vocabulary(lexicon, fresh)
    written, files = written + written_, files + files_
    for doc in lexicon.docs:
        written += _write_doc(fresh, doc)
        files += 1
    written += _write_bundles(fresh, lexicon.n, shards)
    files += 5
    _dump(fresh / HOT_FILE, _hot({term: length for term, (_, _, length) in compiled.items()}))
    _dump(fresh / REFERENCE_FILE, _settings(lexicon, synonyms) | {
        "averages": lexicon.averages, "shards": shards})
    written += _dump(fresh / "manifest.json", manifest(lexicon, synonyms, shards, stamp))
    shutil.rmtree(target, ignore_errors=True)
    fresh.replace(target)
    return ExportStats(len(compiled), shards, files + 1, written)


def link_or_copy(source: str, target: str) -> None:
    """Hard-link `target` to `source` (instant, no space), or copy it where linking fails (another
    file system). Export files are never changed in place (`_dump` replaces them), so a link is
    as good as a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _settings(lexicon: Lexicon, synonyms: list[list[list[str]]]) -> dict[str, Any]:
    """What every entry of an export depends on, besides its own term's postings."""
    ids = hashlib.sha256("\n".join(d.id for d in lexicon.docs).encode()).hexdigest()
    return {"format": FORMAT, "analysis": SIGNATURE, "articles": ids, "fields": ranking.FIELDS,
            "params": ranking.params(), "synonyms": synonyms}


def _reference(target: Path, lexicon: Lexicon, synonyms: list[list[list[str]]],
               changed: list[str]) -> dict[str, Any] | None:
    """The reference of the export in `target` when it can be updated in place, else None."""
    try:
        reference = json.loads((target / REFERENCE_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(reference, dict) or len(changed) > UPDATE_SHARE * lexicon.n:
        return None
    wanted = json.loads(json.dumps(_settings(lexicon, synonyms)))
    if any(reference.get(key) != value for key, value in wanted.items()):
        return None
    averages = reference.get("averages")
    if not isinstance(averages, dict) or set(averages) != set(lexicon.averages):
        return None
    for name, now in lexicon.averages.items():
        if abs(now - averages[name]) > DRIFT * abs(averages[name]):
            return None
    return reference


def _update(lexicon: Lexicon, target: Path, stamp: str, reference: dict[str, Any],
            changed: list[str], changed_terms: set[str],
            synonyms: list[list[list[str]]]) -> ExportStats:
    """Update the export in `target` for the `changed` articles: in the entry of every term they
    hold now or held before, replace their postings by what the index has for them now, weighed
    with the reference's averages (as every other posting was), and rewrite the files those terms
    and articles are in."""
    lexicon.averages = {name: float(value) for name, value in reference["averages"].items()}
    shards = int(reference["shards"])
    ids = set(changed)
    numbers = {doc.number for doc in lexicon.docs if doc.id in ids}
    fresh = target.with_name(target.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(target, fresh, copy_function=link_or_copy)
    terms = set(changed_terms)
    term_shards: dict[int, dict[str, list[int]]] = {}
    for k in range(shards):
        shard = json.loads((fresh / "t" / f"{k}.json").read_text("utf-8"))
        term_shards[k] = shard
        terms.update(term for term, data in shard.items() if _holds(data, numbers))
    touched: dict[int, dict[str, Any]] = {}
    for term in sorted(terms):
        k = shard_of(term, shards)
        if k not in touched:
            touched[k] = json.loads((fresh / "p" / f"{k}.json").read_text("utf-8"))
        # The entry as it was, without the changed articles, and with them as they are now.
        old = term_shards[k].pop(term, None)
        entry = decode_entry(old) if old else ranking.Entry(0, [], [], [])
        postings = {d: (w, s) for d, w, s in zip(entry.docs, entry.weights, entry.sections,
                                                 strict=True) if d not in numbers}
        postings |= lexicon.postings(term, numbers)
        positions = {d: where for d, where in touched[k].pop(term, {}).items()
                     if int(d) not in numbers}
        positions |= {str(d): where for d, where in lexicon.positions(term, numbers).items()}
        if postings:
            docs = sorted(postings)
            term_shards[k][term] = encode_entry(ranking.Entry(
                ranking.idf(len(docs), lexicon.n), docs, [postings[d][0] for d in docs],
                [postings[d][1] for d in docs]))
            if positions:
                touched[k][term] = positions
    written = files = 0
    for k in sorted(touched):
        # Terms in the order a new export writes them: sorted.
        written += _dump(fresh / "t" / f"{k}.json", dict(sorted(term_shards[k].items())))
        written += _dump(fresh / "p" / f"{k}.json", dict(sorted(touched[k].items())))
        files += 2
    shutil.rmtree(fresh / "v")
    (fresh / "v").mkdir()
    written_, files_ = _write_vocabulary(lexicon, fresh)
    written, files = written + written_, files + files_
    for doc in lexicon.docs:
        if doc.number in numbers:
            written += _write_doc(fresh, doc)
            files += 1
    written += _write_bundles(fresh, lexicon.n, shards, numbers, set(touched))
    files += 5
    _dump(fresh / HOT_FILE, _hot({term: len(data) for shard in term_shards.values()
                                  for term, data in shard.items()}))
    written += _dump(fresh / "manifest.json", manifest(lexicon, synonyms, shards, stamp))
    shutil.rmtree(target, ignore_errors=True)
    fresh.replace(target)
    return ExportStats(len(terms), shards, files + 1, written, updated=True)


def _hot(lengths: dict[str, int]) -> list[str]:
    """The HOT_TERMS terms whose encoded entries are longest (the most postings)."""
    return sorted(lengths, key=lambda t: (-lengths[t], t))[:HOT_TERMS]


def _write_vocabulary(lexicon: Lexicon, folder: Path) -> tuple[int, int]:
    written = files = 0
    for key, words in lexicon.vocabulary().items():
        written += _dump(folder / "v" / f"{key}.json", sorted(words))
        files += 1
    return written, files


def _chunk(record: bytes, number: int) -> bytes:
    """A file's JSON, deflated on its own and ending on a full flush, then a stored block of
    spaces, a tab, the file's number and a newline, filling the chunk up to a whole number of
    UNITs (so that its length is a small number). Any run of chunks, with an empty final block
    after it, is one raw deflate stream, which the browser inflates at once, splits at the
    newlines and checks by the numbers (a bundle replaced under a page can't give it another
    file's text)."""
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    data = deflater.compress(record) + deflater.flush(zlib.Z_FULL_FLUSH)
    tail = b"\t%d\n" % number
    filler = b" " * (-(len(data) + 5 + len(tail)) % UNIT) + tail  # 5: the block's header
    return data + b"\x00" + struct.pack("<HH", len(filler), len(filler) ^ 0xFFFF) + filler


def _old_chunks(folder: Path, name: str, count: int) -> list[bytes]:
    """The chunks of the bundle `name` in `folder`, or none when it isn't whole."""
    try:
        lengths = json.loads((folder / f"{name}.json").read_text("utf-8"))["units"]
        data = (folder / f"{name}.bin").read_bytes()
    except (OSError, ValueError, TypeError, KeyError):
        return []
    if not isinstance(lengths, list) or len(lengths) != count or sum(lengths) * UNIT != len(data):
        return []
    chunks, start = [], 0
    for length in lengths:
        chunks.append(data[start:start + length * UNIT])
        start += length * UNIT
    return chunks


def _write_bundles(folder: Path, docs: int, shards: int, changed_docs: set[int] | None = None,
                   changed_shards: set[int] | None = None) -> int:
    """docs.bin from the d/ files and terms.bin from the t/ files, each with its lengths, and the
    probe; only the changed files are compressed again when the bundles in `folder` are whole
    (None: all of them)."""
    written = 0
    for name, sub, count, changed in (("docs", "d", docs, changed_docs),
                                      ("terms", "t", shards, changed_shards)):
        old = _old_chunks(folder, name, count) if changed is not None else []
        chunks = [old[k] if old and changed is not None and k not in changed
                  else _chunk((folder / sub / f"{k}.json").read_bytes(), k) for k in range(count)]
        bundle = b"".join(chunks)
        (folder / f"{name}.bin").unlink(missing_ok=True)  # never write through a hard link
        (folder / f"{name}.bin").write_bytes(bundle)
        written += len(bundle) + _dump(folder / f"{name}.json", {
            "unit": UNIT, "units": [len(c) // UNIT for c in chunks]})
    (folder / PROBE).unlink(missing_ok=True)
    (folder / PROBE).write_bytes(PROBE_BYTES)
    return written + len(PROBE_BYTES)


def _write_doc(folder: Path, doc: Any) -> int:
    meta = doc.meta
    return _dump(folder / "d" / f"{doc.number}.json", {
        "id": doc.id, "u": meta["url"], "t": meta["title"], "c": meta["category"],
        "y": meta["type"], "d": meta["description"],
        "s": meta["kept"],
    })

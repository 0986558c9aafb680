"""Scoring a search engine on judged queries (known-item search): MRR@10, nDCG@10, P@1."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CUTOFF = 10


@dataclass
class Scores:
    """Mean reciprocal rank, normalised DCG and precision at 1 over a set of queries."""

    mrr: float
    ndcg: float
    p1: float
    queries: int

    def line(self, name: str) -> str:
        """`name  MRR@10 0.912  nDCG@10 0.931  P@1 0.873  (630 queries)`."""
        return (f"{name:<28} MRR@10 {self.mrr:.3f}  nDCG@10 {self.ndcg:.3f}  "
                f"P@1 {self.p1:.3f}  ({self.queries} queries)")


def read_judgements(path: Path) -> list[tuple[str, str]]:
    """(query, answering article's URL) pairs from a `query<TAB>article.md` file with a header."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(query, article_url(article)) for query, article in rows[1:] if query.strip()]


def article_url(src_path: str) -> str:
    """`faq/000-x.md` -> `faq/000-x/`: the URL the built site gives the article."""
    stem = src_path[:-3] if src_path.endswith(".md") else src_path
    return "" if stem == "index" else (stem[:-len("index")] if stem.endswith("/index")
                                       else stem + "/")


def page_url(url: str) -> str:
    """A result URL without its section anchor, query string or leading slash or `./`."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    while url.startswith(("./", "/")):
        url = url[2:] if url.startswith("./") else url[1:]
    return url.removesuffix("index.html")


def score(rankings: Iterable[tuple[list[str], str]]) -> Scores:
    """Scores of (ranked URLs, wanted URL) pairs; URLs compared without anchors."""
    mrr = ndcg = p1 = 0.0
    count = 0
    for ranked, wanted in rankings:
        count += 1
        pages = [page_url(u) for u in ranked[:CUTOFF]]
        if wanted in pages:
            rank = pages.index(wanted) + 1
            mrr += 1 / rank
            ndcg += 1 / math.log2(rank + 1)
            p1 += rank == 1
    n = max(count, 1)
    return Scores(mrr / n, ndcg / n, p1 / n, count)

"""Bytes and speed of browser search on the business-central corpus (2,113 articles).

Prints what the first search of a fresh page load fetches (index + search scripts, as transferred
with gzip and as decoded), beside Material's search_index.json and Pagefind's transfer for the same
query; then the median time of later queries, and whether any file was fetched twice.

    .venv/bin/python bench/search_bytes.py            # builds into /tmp/kbgen-bench (minutes)
    .venv/bin/python bench/search_bytes.py --reuse    # reuse the sites built last time
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from search_common import CORPORA, build, chromium, median, pagefind, serve, write_config

FIRST_QUERY = "how do I post a sales invoice"
LATER_QUERIES = [
    "set up payment terms", "reverse a posted journal entry", "create a new customer",
    "how to close the fiscal year", "change the currency exchange rate", "print checks",
    "reconcile bank account", "assemble items to order", "track inventory by lot number",
    "warehouse pick and put-away", "import bank statements", "set up sales tax",
    "send documents by email", "approve a purchase order", "depreciate fixed assets",
    "intercompany transactions", "create a production order", "cost of goods sold adjustment",
    "customer payment reminders", "how to use dimensions in reports", "vendor prepayments",
    "service contracts", "Excel export of a list", "user permissions and security groups",
    "recurring sales lines", "drop shipment", "item charges for freight", "VAT return Belgium",
    "budget vs actual", "deferral templates",
]
SEARCH_SCRIPTS = ("search.js", "search-engine.js", "porter.js")

_RESOURCES = """() => performance.getEntriesByType('resource').map(e => ({
    name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize,
    decoded: e.decodedBodySize, start: e.startTime}))"""


def _kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def measure_kbgen(browser: object, url: str) -> dict[str, object]:
    """First-search bytes and later-query times of kbgen's browser search."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_function("window.kbgen && window.kbgen.search")
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate(_RESOURCES)
    scripts = [r for r in loaded if r["name"].rsplit("/", 1)[-1] in SEARCH_SCRIPTS]
    mark = page.evaluate("performance.now()")
    page.evaluate("q => window.kbgen.search(q, {limit: 10})", FIRST_QUERY)
    first = [r for r in page.evaluate(_RESOURCES) if r["start"] >= mark]
    times = page.evaluate("""async (queries) => {
        const out = [];
        for (const q of queries) {
          const t = performance.now();
          await window.kbgen.search(q, {limit: 10});
          out.push(performance.now() - t);
        }
        return out;
      }""", LATER_QUERIES)
    names = [r["name"] for r in page.evaluate(_RESOURCES)]
    page.close()
    return {
        "scripts": scripts, "first": first, "times": times,
        "refetched": len(names) - len(set(names)),
    }


def measure_pagefind(browser: object, url: str) -> dict[str, float]:
    """What Pagefind transfers to answer the same query and load its top 10 results."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_load_state("networkidle")
    mark = page.evaluate("performance.now()")
    page.evaluate("""async (q) => {
        const pagefind = await import('./pagefind/pagefind.js');
        await pagefind.init();
        const found = await pagefind.search(q);
        await Promise.all(found.results.slice(0, 10).map(r => r.data()));
      }""", FIRST_QUERY)
    fetched = [r for r in page.evaluate(_RESOURCES) if r["start"] >= mark]
    page.close()
    return {"transfer": sum(r["transfer"] for r in fetched),
            "decoded": sum(r["decoded"] for r in fetched), "files": len(fetched)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kbgen-bench"))
    parser.add_argument("--reuse", action="store_true", help="Reuse sites built before.")
    parser.add_argument("--docs", type=Path, default=CORPORA / "business-central" / "docs")
    args = parser.parse_args()
    kb_config = write_config(args.work / "bc-kbgen", args.docs, kbgen=True)
    plain_config = write_config(args.work / "bc-material", args.docs, kbgen=False)
    kb_site, plain_site = kb_config.parent / "site", plain_config.parent / "site"
    if not (args.reuse and (kb_site / "assets" / "kbgen" / "search" / "manifest.json").exists()):
        print("building the kbgen site ...", flush=True)
        build(kb_config)
    if not (args.reuse and (plain_site / "search" / "search_index.json").exists()):
        print("building the plain Material site ...", flush=True)
        build(plain_config)
    if not (args.reuse and (kb_site / "pagefind").exists()):
        print("indexing with Pagefind ...", flush=True)
        pagefind(kb_site)

    material_index = (plain_site / "search" / "search_index.json").read_bytes()
    with serve(kb_site) as url, chromium() as browser:
        kb = measure_kbgen(browser, url)
        pf = measure_pagefind(browser, url)

    scripts, first = kb["scripts"], kb["first"]
    assert isinstance(scripts, list) and isinstance(first, list)
    script_t = sum(r["transfer"] for r in scripts)
    script_d = sum(r["decoded"] for r in scripts)
    index_t = sum(r["transfer"] for r in first)
    index_d = sum(r["decoded"] for r in first)
    print(f"\nFirst search of a fresh page ({FIRST_QUERY!r}), business-central "
          f"({json.loads((kb_site / 'assets/kbgen/search/manifest.json').read_text())['n']} "
          "articles):")
    print(f"  kbgen   index {_kb(index_t)} in {len(first)} files + scripts {_kb(script_t)} = "
          f"{_kb(index_t + script_t)} transferred (gzip); {_kb(index_d + script_d)} decoded")
    print(f"  Material search_index.json {_kb(len(gzip.compress(material_index, 6)))} gzip, "
          f"{_kb(len(material_index))} decoded (all of it, before the first result)")
    print(f"  Pagefind {_kb(pf['transfer'])} transferred in {pf['files']:.0f} files; "
          f"{_kb(pf['decoded'])} decoded")
    times = kb["times"]
    assert isinstance(times, list)
    print(f"\nLater queries ({len(times)}): median {median(times):.1f} ms, "
          f"max {max(times):.1f} ms (including fetching new shards over loopback); "
          f"files fetched twice: {kb['refetched']}")


if __name__ == "__main__":
    main()

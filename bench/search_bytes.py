"""Bytes and speed of browser search on the business-central corpus (2,113 articles).

Prints what the first search of a fresh page load fetches (index + search scripts, as transferred
with gzip and as decoded), beside Material's search_index.json and Pagefind's transfer for the same
query; then the median time of later queries, and whether any file was fetched twice.

    .venv/bin/python bench/search_bytes.py            # builds into /tmp/kbgen-bench (minutes)
    .venv/bin/python bench/search_bytes.py --reuse    # reuse the sites built last time
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from search_common import (
    CORPORA,
    arguments,
    build,
    chromium,
    median,
    pagefind,
    serve,
    undebugged,
    write_config,
)

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
TYPED_QUERIES = ["item tracking lines", "dimension values", "shipping agents",
                 "chart of accounts", "sales quote to order"]
SEARCH_SCRIPTS = ("search.js", "search-engine.js", "spelling.js", "snippets.js", "shared.js",
                  "porter.js")

_RESOURCES = """() => performance.getEntriesByType('resource').map(e => ({
    name: e.name, transfer: e.transferSize, encoded: e.encodedBodySize,
    decoded: e.decodedBodySize, start: e.startTime}))"""


_HOSTS = {True: "host answering byte ranges (nginx, Apache, Caddy, kbgen serve)",
          False: "host answering none (Amazon S3, Python's http.server)"}


def _kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def _transferred(requests: list[object]) -> int:
    """Bytes on the wire (body as sent, gzip where served so, plus headers)."""
    total = 0
    for request in requests:
        sizes = request.sizes()  # type: ignore[attr-defined]
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return total


# Each query's time, in milliseconds, running them one after another: (queries, run) => [ms, ...]
_TIMED = """async (queries, run) => {
  const out = [];
  for (const q of queries) {
    const t = performance.now();
    await run(q);
    out.push(performance.now() - t);
  }
  return out;
}"""


def _typing(queries: list[str]) -> list[str]:
    """What a person typing each query searches for, keystroke by keystroke."""
    return [q[:i] for q in queries for i in range(2, len(q) + 1)]


def measure_kbgen(browser: object, url: str) -> dict[str, object]:
    """First-search bytes and later-query times of kbgen's browser search."""
    context = browser.new_context()  # type: ignore[attr-defined]
    seen: list[object] = []
    context.on("requestfinished", lambda request: seen.append(request))
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("window.kbgen && window.kbgen.search")
    page.wait_for_load_state("networkidle")
    scripts = [r for r in seen if r.url.rsplit("/", 1)[-1] in SEARCH_SCRIPTS]  # type: ignore
    mark = len(seen)
    page.evaluate("q => window.kbgen.search(q, {limit: 10})", FIRST_QUERY)
    # What the first search fetched, with the index files the page fetched before it (the home
    # page's search box has focus, and its filters load the manifest).
    first = [r for r in seen[:mark] if "/assets/kbgen/search/" in r.url] + seen[mark:]  # type: ignore
    timing = f"""async ([queries, prefix]) =>
        ({_TIMED})(queries, (q) => window.kbgen.search(q, {{limit: 10, prefix}}))"""
    typing = page.evaluate(timing, [_typing(TYPED_QUERIES), True])
    new = page.evaluate(timing, [LATER_QUERIES, False])
    cached = page.evaluate(timing, [LATER_QUERIES, False])
    decoded = {e["name"]: e["decoded"] for e in page.evaluate(_RESOURCES)}
    # A file asked for again, or the same ranges of it (docs.bin) asked for again.
    urls = [(r.url, r.headers.get("range")) for r in seen]  # type: ignore[attr-defined]
    measured = {
        "scripts": _transferred(scripts), "first": _transferred(first), "files": len(first),
        "decoded": sum(decoded.get(r.url, 0) for r in scripts + first),  # type: ignore
        "new": new, "cached": cached, "typing": typing, "refetched": len(urls) - len(set(urls)),
    }
    context.close()
    return measured


def measure_pagefind(browser: object, url: str) -> dict[str, object]:
    """What Pagefind transfers (its worker's fetches included) for the query and its top 10,
    and how long its later new questions take (search and the top 10's data, as kbgen's do)."""
    context = browser.new_context()  # type: ignore[attr-defined]
    seen: list[object] = []
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    context.on("requestfinished", lambda request: seen.append(request))
    page.evaluate("""async (q) => {
        window.pf = await import('./pagefind/pagefind.js');
        await window.pf.init();
        const found = await window.pf.search(q);
        await Promise.all(found.results.slice(0, 10).map(r => r.data()));
      }""", FIRST_QUERY)
    measured: dict[str, object] = {"transfer": _transferred(seen), "files": len(seen)}
    measured["new"] = page.evaluate(f"""(queries) => ({_TIMED})(queries, async (q) => {{
        const found = await window.pf.search(q);
        await Promise.all(found.results.slice(0, 10).map(r => r.data()));
      }})""", LATER_QUERIES)
    context.close()
    return measured


def measure_fetch(browser: object, url: str) -> dict[str, float]:
    """What any fetch costs in this browser on this machine: a 3-line file, alone and ten at once;
    the same file again from the HTTP cache; and a `blob:` URL, which touches no network at all.
    Static search pays it per file; it is the floor under a new question's time."""
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    measured = page.evaluate("""async () => {
        let n = 0;
        const blob = URL.createObjectURL(new Blob(["abc"]));
        const time = async (width, rounds, address) => {
          const out = [];
          for (let i = 0; i < rounds; i++) {
            const t = performance.now();
            await Promise.all([...Array(width)].map(() => fetch(address()).then((r) => r.text())));
            out.push(performance.now() - t);
          }
          out.sort((a, b) => a - b);
          return out[out.length >> 1];
        };
        const fresh = () => `assets/kbgen/kbgen.js?fetch=${n++}`;
        const cached = () => "assets/kbgen/kbgen.js?fetch=cached";
        return {one: await time(1, 40, fresh), ten: await time(10, 20, fresh),
                cachedOne: await time(1, 40, cached), cachedTen: await time(10, 20, cached),
                blobOne: await time(1, 40, () => blob), blobTen: await time(10, 20, () => blob)};
      }""")
    context.close()
    return measured


_UNDEBUGGED = """<!doctype html><meta charset="utf-8"><iframe src="/"></iframe>
<script type="module">
const [first, typed, later] = %(queries)s;
const frame = document.querySelector("iframe");
await new Promise((done) => frame.addEventListener("load", done));
const site = frame.contentWindow;
while (!(site.kbgen && site.kbgen.search)) await new Promise((done) => setTimeout(done, 50));
await new Promise((done) => setTimeout(done, 1000));  // let the page settle, as the other runs do
const time = %(timed)s;
const kbgen = (prefix) => (q) => site.kbgen.search(q, {limit: 10, prefix});
await kbgen(false)(first);
const typing = await time(typed, kbgen(true));
const fresh = await time(later, kbgen(false));
const cached = await time(later, kbgen(false));
const pf = await import("/pagefind/pagefind.js");
await pf.init();
const found = async (q) => {
  const hits = await pf.search(q);
  await Promise.all(hits.results.slice(0, 10).map((r) => r.data()));
};
await found(first);
const pagefind = await time(later, found);
const body = JSON.stringify({typing, fresh, cached, pagefind});
await fetch("/__bench/result", {method: "POST", body});
</script>"""


def measure_undebugged(url: str) -> dict[str, list[float]]:
    """The same later queries timed in Chromium started plainly, with no debugger attached."""
    queries = [FIRST_QUERY, _typing(TYPED_QUERIES), LATER_QUERIES]
    page = _UNDEBUGGED % {"timed": _TIMED, "queries": json.dumps(queries)}
    measured = undebugged(url, page)
    assert isinstance(measured, dict)
    return measured


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
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
    hosts = {}
    with chromium() as browser:
        for ranges in (True, False):
            with serve(kb_site, ranges=ranges) as url:
                hosts[ranges] = (measure_kbgen(browser, url), measure_undebugged(url))
                if ranges:
                    pf, floor = measure_pagefind(browser, url), measure_fetch(browser, url)

    n = json.loads((kb_site / "assets/kbgen/search/manifest.json").read_text())["n"]
    print(f"\nFirst search of a fresh page ({FIRST_QUERY!r}), business-central ({n} articles):")
    for ranges, (kb, _) in hosts.items():
        scripts, first = kb["scripts"], kb["first"]
        assert isinstance(scripts, int) and isinstance(first, int)
        print(f"  kbgen     index {_kb(first)} in {kb['files']} files + search scripts "
              f"{_kb(scripts)} = {_kb(first + scripts)} transferred (gzip); "
              f"{_kb(kb['decoded'])} decoded; {_HOSTS[ranges]}")
    print(f"  Material  search_index.json {_kb(len(gzip.compress(material_index, 6)))} gzip, "
          f"{_kb(len(material_index))} decoded (all of it, before the first result)")
    print(f"  Pagefind  {_kb(pf['transfer'])} transferred in {pf['files']:.0f} files")
    pf_new = pf["new"]
    assert isinstance(pf_new, list)
    for ranges, (kb, plain) in hosts.items():
        new, cached, typing = kb["new"], kb["cached"], kb["typing"]
        assert isinstance(new, list) and isinstance(cached, list) and isinstance(typing, list)
        print(f"\nLater queries in the same page (median, max), {_HOSTS[ranges]}; files fetched "
              f"twice: {kb['refetched']}")
        print(f"  typed keystroke by keystroke ({len(typing)} queries): "
              f"{median(typing):.1f} ms, {max(typing):.1f} ms")
        print(f"  {len(new)} new questions, fetching their shards: "
              f"{median(new):.1f} ms, {max(new):.1f} ms")
        print(f"  the same {len(cached)} again (ranking only): "
              f"{median(cached):.1f} ms, {max(cached):.1f} ms")
        print(f"  Pagefind, the same {len(pf_new)} new questions (search + top 10 data): "
              f"{median(pf_new):.1f} ms, {max(pf_new):.1f} ms; kbgen/Pagefind "
              f"{median(new) / median(pf_new):.2f}")
        print("  The same in Chromium started plainly, with no debugger attached (as a customer's\n"
              "  browser runs; Playwright's instrumentation above about doubles each fetch):")
        print(f"  typed keystroke by keystroke: {median(plain['typing']):.1f} ms; "
              f"{len(plain['fresh'])} new questions: {median(plain['fresh']):.1f} ms; "
              f"the same again: {median(plain['cached']):.1f} ms")
        print(f"  Pagefind, the same new questions: {median(plain['pagefind']):.1f} ms; "
              f"kbgen/Pagefind {median(plain['fresh']) / median(plain['pagefind']):.2f}")
    print(f"\nAny fetch in this browser on this machine (a 3-line file): one {floor['one']:.1f} ms,"
          f" ten at once {floor['ten']:.1f} ms; from the HTTP cache {floor['cachedOne']:.1f} / "
          f"{floor['cachedTen']:.1f} ms; a blob: URL (no network) {floor['blobOne']:.1f} / "
          f"{floor['blobTen']:.1f} ms")


if __name__ == "__main__":
    main()

"""Search quality on judged questions: kbgen (CLI, browser), Material and Pagefind.

Every engine answers every question on the same articles, and is scored on MRR@10, nDCG@10 and
P@1 (the one answering article is the only relevant one). Two sets of questions:

  stackfaq          (default) ../shared/corpora/stackfaq/queries-dev.tsv: 630 real paraphrased
                    questions on 125 articles
  business-central  bench/queries-bc.tsv: 57 questions on the 2,112 business-central articles,
                    one for each of 60 articles drawn at random (3 stubs left out), written from
                    the article by someone who had not seen any engine's results

  kbgen (CLI)      `kbgen search --queries` on the Whoosh index
  kbgen (browser)  `window.kbgen.search` in headless Chromium, from the exported static files
  Material         Material's own search box (lunr in its web worker) on a plain-Material build
  Pagefind         `pagefind.search` on the kbgen-built site, indexed by `pagefind --site`

    .venv/bin/python bench/search_quality.py [--reuse] [--corpus business-central]
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from search_common import CORPORA, ROOT, arguments, build, chromium, pagefind, serve, write_config

sys.path.insert(0, str(ROOT))
from kbgen.search.evaluation import Scores, read_judgements, score  # noqa: E402

STACKFAQ = CORPORA / "stackfaq"
# corpus: (its articles, its judged questions, the bench's folder names for its two sites)
SETS = {
    "stackfaq": (STACKFAQ / "docs", STACKFAQ / "queries-dev.tsv", "stackfaq"),
    "business-central": (CORPORA / "business-central" / "docs",
                         ROOT / "bench" / "queries-bc.tsv", "bc"),
}
KBGEN = Path(sys.executable).parent / "kbgen"

_BROWSER_SEARCH = """async (queries) => {
  const out = [];
  for (const q of queries) out.push((await window.kbgen.search(q, {limit: 10})).map(r => r.url));
  return out;
}"""
_PAGEFIND_SEARCH = """async (queries) => {
  const pagefind = await import('./pagefind/pagefind.js');
  await pagefind.init();
  const out = [];
  for (const q of queries) {
    const found = await pagefind.search(q);
    const data = await Promise.all(found.results.slice(0, 10).map(r => r.data()));
    out.push(data.map(d => d.url));
  }
  return out;
}"""
_MATERIAL_SEARCH = """async (q) => {
  const input = document.querySelector('.md-search__input');
  const meta = document.querySelector('.md-search-result__meta');
  const settled = () => /matching|No matching/i.test(meta.textContent);
  const type = (text) => {
    input.value = text;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
  };
  input.focus();
  // Empty the box first, and wait for the last query's results to go: on a large index they
  // are still on show (and "settled") when the next query is typed.
  type('');
  for (let t = performance.now(); settled() && performance.now() - t < 5000;) {
    await new Promise(r => setTimeout(r, 10));
  }
  type(q);
  const start = performance.now();
  let last = null, stable = 0;
  while (performance.now() - start < 5000) {
    await new Promise(r => setTimeout(r, 25));
    const now = [...document.querySelectorAll('.md-search-result__list > .md-search-result__item')]
      .map(li => li.querySelector('a').href).join(' ');
    if (settled() && now === last) { if (++stable >= 3) return now ? now.split(' ') : []; }
    else stable = 0;
    last = now;
  }
  return last ? last.split(' ') : [];
}"""


def kbgen_cli(config: Path, queries: list[str], work: Path) -> list[list[str]]:
    """The real CLI, one query a line."""
    path = work / "queries.txt"
    path.write_text("".join(q + "\n" for q in queries), encoding="utf-8")
    out = subprocess.run([str(KBGEN), "search", "-f", str(config), "--queries", str(path)],
                         check=True, capture_output=True, text=True).stdout
    return [[r["url"] for r in json.loads(line)["results"]] for line in out.splitlines()]


def material(browser: object, url: str, queries: list[str], start: str) -> list[list[str]]:
    """Material's built-in search, typed into its own search box on the page at `start`."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url + start)
    page.wait_for_load_state("networkidle")
    out = []
    for query in queries:
        links = page.evaluate(_MATERIAL_SEARCH, query)
        out.append([link.removeprefix(url) for link in links])
    page.close()
    return out


def in_page(browser: object, url: str, script: str, queries: list[str]) -> list[list[str]]:
    """Run a search script over all queries in one page of the site at `url`."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_load_state("networkidle")
    result: list[list[str]] = page.evaluate(script, queries)
    page.close()
    return result


def main() -> None:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=sorted(SETS), default="stackfaq")
    args = parser.parse_args()
    docs, judgements, folder = SETS[args.corpus]
    judged = read_judgements(judgements)
    queries = [q for q, _ in judged]
    wanted = [w for _, w in judged]
    kb_config = write_config(args.work / f"{folder}-kbgen", docs, kbgen=True)
    plain_config = write_config(args.work / f"{folder}-material", docs, kbgen=False)
    kb_site, plain_site = kb_config.parent / "site", plain_config.parent / "site"
    if not args.reuse or not (kb_site / "pagefind").exists():
        build(kb_config)
        build(plain_config)
        pagefind(kb_site)

    rankings: dict[str, list[list[str]]] = {}
    timings: dict[str, float] = {}
    start = time.monotonic()
    rankings["kbgen (CLI)"] = kbgen_cli(kb_config, queries, args.work)
    timings["kbgen (CLI)"] = time.monotonic() - start
    with chromium() as browser:
        with serve(kb_site) as url:
            for name, script in (("kbgen (browser)", _BROWSER_SEARCH),
                                 ("Pagefind", _PAGEFIND_SEARCH)):
                start = time.monotonic()
                rankings[name] = in_page(browser, url, script, queries)
                timings[name] = time.monotonic() - start
        with serve(plain_site) as url:
            start = time.monotonic()
            # A corpus without a home page (business-central) searches from an article's page.
            home = "" if (plain_site / "index.html").exists() else wanted[0]
            rankings["Material (lunr)"] = material(browser, url, queries, home)
            timings["Material (lunr)"] = time.monotonic() - start

    articles = json.loads((kb_site / "assets/kbgen/search/manifest.json").read_text())["n"]
    print(f"{args.corpus}: {len(queries)} questions, {articles} articles\n")
    results: dict[str, Scores] = {}
    for name, ranked in rankings.items():
        results[name] = score(zip(ranked, wanted, strict=False))
        print(results[name].line(name) + f"  {timings[name]:.1f} s")
    cli, in_browser = rankings["kbgen (CLI)"], rankings["kbgen (browser)"]
    agree = sum(a == b for a, b in zip(cli, in_browser, strict=True))
    print(f"\nbrowser and CLI: same top 10 in the same order for {agree} of {len(queries)} "
          f"questions ({agree / len(queries):.1%})")
    best_other = max(results[n].ndcg for n in ("Material (lunr)", "Pagefind"))
    print(f"kbgen nDCG@10 / best other engine: {results['kbgen (CLI)'].ndcg / best_other:.2f}x")


if __name__ == "__main__":
    main()

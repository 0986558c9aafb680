"""Search quality on stackfaq's real questions: kbgen (CLI, browser), Material and Pagefind.

Every engine answers every line of queries-dev.tsv on the same 125 articles, and is scored on
MRR@10, nDCG@10 and P@1 (the one answering article is the only relevant one):

  kbgen (CLI)      `kbgen search --queries` on the Whoosh index
  kbgen (browser)  `window.kbgen.search` in headless Chromium, from the exported static files
  Material         Material's own search box (lunr in its web worker) on a plain-Material build
  Pagefind         `pagefind.search` on the kbgen-built site, indexed by `pagefind --site`

    .venv/bin/python bench/search_quality.py [--reuse]
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
  input.focus();
  input.value = q;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true}));
  const settled = () => /matching|No matching/i.test(meta.textContent);
  const start = performance.now();
  let last = null, stable = 0;
  while (performance.now() - start < 5000) {
    await new Promise(r => setTimeout(r, 25));
    const now = [...document.querySelectorAll('.md-search-result__list > .md-search-result__item')]
      .map(li => li.querySelector('a').getAttribute('href')).join(' ');
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


def material(browser: object, url: str, queries: list[str]) -> list[list[str]]:
    """Material's built-in search, typed into its own search box."""
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(url)
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
    args = parser.parse_args()
    judged = read_judgements(STACKFAQ / "queries-dev.tsv")
    queries = [q for q, _ in judged]
    wanted = [w for _, w in judged]
    kb_config = write_config(args.work / "stackfaq-kbgen", STACKFAQ / "docs", kbgen=True)
    plain_config = write_config(args.work / "stackfaq-material", STACKFAQ / "docs", kbgen=False)
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
            rankings["Material (lunr)"] = material(browser, url, queries)
            timings["Material (lunr)"] = time.monotonic() - start

    print(f"stackfaq: {len(queries)} questions, 125 articles\n")
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

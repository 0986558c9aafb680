"""Build time and page size: kbgen against plain Material, on the business-central corpus.

Builds the corpus once with kbgen and once with plain Material (`plugins: [search]`) in the same
run, each in a fresh process, and prints wall time, median and largest HTML page, and the ratios.
Then builds the corpus copied N times (default 5: over 10,000 articles) with kbgen and prints the
time per article at both sizes, which should stay flat. With --rebuilds, times kbgen's later
builds of one copy of the corpus: nothing changed, one article changed, every article changed.

    .venv/bin/python bench/build.py                 # 1x both, 5x kbgen
    .venv/bin/python bench/build.py --copies 0      # 1x only
    .venv/bin/python bench/build.py --no-material   # kbgen only: 1x and 5x
    .venv/bin/python bench/build.py --material-too  # plain Material at 5x too (very slow)
    .venv/bin/python bench/build.py --copies 0 --no-material --rebuilds
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "business-central" / "docs"

CONFIG = """\
site_name: Business Central Help
docs_dir: {docs}
site_dir: {site}
theme:
  name: material
plugins:
  - {plugin}
markdown_extensions:
  - admonition
  - attr_list
  - tables
  - toc:
      permalink: true
  - pymdownx.superfences
"""


@dataclass
class Result:
    name: str
    articles: int
    seconds: float
    median_kb: float
    largest_kb: float
    pages: int
    peak_mb: float

    def row(self) -> str:
        per = self.seconds / self.articles * 1000
        return (f"{self.name:<32} {self.articles:>7} {self.seconds:>9.1f} {per:>10.2f} "
                f"{self.median_kb:>10.1f} {self.largest_kb:>11.1f} {self.pages:>7} "
                f"{self.peak_mb:>8.0f}")


# Runs a build and prints the peak resident memory of its largest process (indexing workers too).
_PEAK = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:]).returncode; "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
         "sys.exit(code)")


def multiply(copies: int, work: Path) -> Path:
    """The corpus copied under `copy1/` ... `copyN/`, so relative includes keep working."""
    docs = work / f"docs-x{copies}"
    if copies == 1:
        return CORPUS
    for i in range(1, copies + 1):
        shutil.copytree(CORPUS, docs / f"copy{i}")
    return docs


def article_count(docs: Path) -> int:
    return sum(1 for p in docs.rglob("*.md")
               if "includes" not in p.relative_to(docs).parts[:-1] and p.name.lower() != "toc.md")


def run_build(name: str, plugin: str, docs: Path, work: Path, *, folder: str = "",
              keep: bool = False) -> Result:
    """Build `docs` in its own folder under `work` (site and `.kbgen/` state); with `keep`, the
    folder stays, for the next build in it to be a rebuild."""
    base = work / (folder or name.replace(" ", "-"))
    base.mkdir(exist_ok=True)
    site = base / "site"
    config = base / "mkdocs.yml"
    config.write_text(CONFIG.format(docs=docs, site=site, plugin=plugin), encoding="utf-8")
    command = ([sys.executable, "-m", "kbgen", "build", "-f", str(config)] if plugin == "kbgen"
               else [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)])
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", _PEAK, *command], capture_output=True, text=True)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        sys.exit(f"{name} build failed:\n{done.stderr[-3000:]}")
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    sizes = [p.stat().st_size for p in site.rglob("*.html")]
    result = Result(name, article_count(docs), seconds, statistics.median(sizes) / 1024,
                    max(sizes) / 1024, len(sizes), peak_kb / 1024)
    if not keep:
        shutil.rmtree(base)
    return result


def rebuilds(work: Path) -> None:
    """kbgen's first build of a copy of the corpus, then rebuilds: as is, after one article's
    edit, after every article's edit."""
    docs = work / "docs-edited"
    shutil.copytree(CORPUS, docs)
    articles = sorted(p for p in docs.rglob("*.md")
                      if "includes" not in p.relative_to(docs).parts[:-1]
                      and p.name.lower() != "toc.md")

    def build(name: str) -> Result:
        result = run_build(name, "kbgen", docs, work, folder="rebuilds", keep=True)
        print(result.row(), flush=True)
        return result

    first = build("kbgen first build")
    steps = [("nothing changed", []), ("one article edited", articles[:1]),
             ("every article edited", articles)]
    for label, edited in steps:
        for path in edited:
            with path.open("a", encoding="utf-8") as out:
                out.write("\nEdited for the build benchmark.\n")
        again = build(f"rebuild: {label}")
        print(f"  {label}: {again.seconds / first.seconds:.2f} of the first build's time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=5,
                        help="also build the corpus copied this many times with kbgen (0: skip)")
    parser.add_argument("--no-material", action="store_true",
                        help="skip plain Material (for a quick kbgen-only scaling run)")
    parser.add_argument("--material-too", action="store_true",
                        help="also build the copied corpus with plain Material (very slow)")
    parser.add_argument("--rebuilds", action="store_true",
                        help="also time kbgen's rebuilds: unchanged, one and every article edited")
    args = parser.parse_args()
    print(f"corpus: {CORPUS}")
    print(f"{'build':<32} {'articles':>7} {'seconds':>9} {'ms/article':>10} "
          f"{'median KB':>10} {'largest KB':>11} {'pages':>7} {'peak MB':>8}")
    with tempfile.TemporaryDirectory(prefix="kbgen-bench-") as tmp:
        work = Path(tmp)
        kbgen = run_build("kbgen 1x", "kbgen", CORPUS, work)
        print(kbgen.row(), flush=True)
        if not args.no_material:
            material = run_build("material 1x", "search", CORPUS, work)
            print(material.row(), flush=True)
            print(f"ratio kbgen/material: time {kbgen.seconds / material.seconds:.2f}, "
                  f"median page {kbgen.median_kb / material.median_kb:.2f}, "
                  f"largest page {kbgen.largest_kb / material.largest_kb:.2f}")
        if args.copies > 1:
            docs = multiply(args.copies, work)
            big = run_build(f"kbgen {args.copies}x", "kbgen", docs, work)
            print(big.row(), flush=True)
            flat = (big.seconds / big.articles) / (kbgen.seconds / kbgen.articles)
            print(f"time per article, {args.copies}x vs 1x: {flat:.2f} (1.00 is flat)")
            if args.material_too:
                mat_big = run_build(f"material {args.copies}x", "search", docs, work)
                print(mat_big.row(), flush=True)
        if args.rebuilds:
            rebuilds(work)


if __name__ == "__main__":
    main()

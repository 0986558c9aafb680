"""`kbgen report` as a plain function: find the store and the site, summarise, render, write."""

from __future__ import annotations

from pathlib import Path

from kbgen.errors import KbgenError
from kbgen.feedback import default_path, default_url, open_store
from kbgen.paths import state_dir
from kbgen.report import build_report, load_titles, parse_since, render


def write_report(
    config_file: str | Path = "mkdocs.yml",
    *,
    site_dir: str | None = None,
    db_url: str | None = None,
    since: str = "30d",
    fmt: str = "table",
    output: str | Path | None = None,
) -> str:
    """Render the report; write it to `output` if given, and return it."""
    start = parse_since(since)
    site_name, base_url, titles = "Help center", "", {}
    if Path(config_file).is_file():
        from kbgen.build import load

        config = load(config_file, site_dir=site_dir)
        site_name, base_url = config.site_name, config.site_url or ""
        state = state_dir(config.site_dir)
        titles = load_titles(state)
        if db_url is None:
            if not default_path(state).is_file():
                raise KbgenError(
                    f"{default_path(state)}: no feedback database here yet; votes arrive once "
                    "'kbgen serve' runs (or pass --db)"
                )
            db_url = default_url(state)
    elif db_url is None:
        raise KbgenError(
            f"{config_file}: no such file; pass --db URL, or -f path/to/mkdocs.yml "
            "to read the store beside its site"
        )
    # A report only reads: it creates and migrates nothing, wherever --db points.
    with open_store(db_url, read_only=True) as store:
        report = build_report(store, start, titles)
    text = render(report, fmt, site_name=site_name, base_url=base_url)
    if output is not None:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise KbgenError(f"{output}: cannot write the report ({exc.strerror})") from None
    return text

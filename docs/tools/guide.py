"""The guide as HTML, and the link check over the README and the guide.

    python docs/tools/guide.py check FILE...   every relative link and #anchor in FILE... resolves
    python docs/tools/guide.py build OUT       docs/guide/*.md as OUT/guide/*.html, docs/img as
                                               OUT/img, and OUT/index.html over the guide and
                                               the API reference already built into OUT

Markdown is read by Python-Markdown, with headings given the anchors GitHub gives them, so a
link that works here works on GitHub and the other way round. Links to the web are listed, not
fetched: no test leaves the machine.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide"
# Where a link to a file outside docs/ points from the built pages.
REPOSITORY = "https://github.com/bidcert/bidcert/blob/main/"
EXTERNAL = ("http://", "https://", "mailto:")
# The API reference `make docs` builds beside the guide: (path under OUT, title).
REFERENCE = [
    ("rust/bidcert/index.html", "Rust: bidcert (the client; re-exports the core)"),
    ("rust/bidcert_core/index.html", "Rust: bidcert-core (signing, operations, the call engine)"),
    ("rust/bidcert_emulator/index.html", "Rust: bidcert-emulator"),
    ("python/bidcert.html", "Python: bidcert"),
    ("go/bidcert.txt", "Go: github.com/bidcert/bidcert/go (go doc -all)"),
    ("go/bidcerttest.txt", "Go: github.com/bidcert/bidcert/go/bidcerttest (go doc -all)"),
]


def github_slug(text: str, separator: str = "-") -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, each space a
    hyphen (letters and digits of any script kept)."""
    kept = "".join(c for c in text.strip().lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", separator)


def render(text: str, extensions: Optional[List[Extension]] = None) -> str:
    md = markdown.Markdown(
        extensions=["tables", "fenced_code", "toc", *(extensions or [])],
        extension_configs={"toc": {"slugify": github_slug}},
    )
    return md.convert(text)


class _Links(HTMLParser):
    """The ids, and the link targets with the text they are in, of a rendered page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Set[str] = set()
        self.links: List[str] = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        target = a.get("href") if tag == "a" else a.get("src") if tag == "img" else None
        if target is not None:
            self.links.append(target)


@dataclass
class Page:
    path: Path
    ids: Set[str] = field(default_factory=set)
    links: List[str] = field(default_factory=list)


def read_page(path: Path, cache: Dict[Path, Page]) -> Page:
    if path not in cache:
        parser = _Links()
        parser.feed(render(path.read_text(encoding="utf-8")))
        cache[path] = Page(path, parser.ids, parser.links)
    return cache[path]


def repository_files() -> Set[Path]:
    """Every file of the checkout that is not ignored (tracked, or new and not yet added)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    return {ROOT / p for p in out.split("\0") if p}


def check(files: List[Path]) -> int:
    known = repository_files()
    directories = {p for f in known for p in f.parents}
    cache: Dict[Path, Page] = {}
    problems: List[str] = []
    external = 0
    for path in files:
        page = read_page(path.resolve(), cache)
        for link in page.links:
            if link.startswith(EXTERNAL):
                external += 1
                continue
            parts = urlsplit(link)
            where = f"{page.path.relative_to(ROOT)}: {link}"
            if parts.scheme or parts.netloc:
                problems.append(f"{where}: a link of a kind this check does not know")
                continue
            target = (page.path.parent / unquote(parts.path)).resolve() if parts.path else page.path
            if target != ROOT and ROOT not in target.parents:
                problems.append(f"{where}: outside the repository")
            elif target not in known and target not in directories:
                problems.append(f"{where}: no such file in the repository")
            elif parts.fragment:
                if target.suffix != ".md":
                    problems.append(f"{where}: an anchor into a file that is not Markdown")
                elif parts.fragment not in read_page(target, cache).ids:
                    problems.append(f"{where}: no heading #{parts.fragment} in {target.relative_to(ROOT)}")
    for p in problems:
        print(f"link-check: {p}", file=sys.stderr)
    checked = sum(len(cache[f.resolve()].links) for f in files)
    print(f"link-check: {len(files)} files, {checked} links, {len(problems)} broken "
          f"({external} to the web, not fetched)")
    return 1 if problems else 0


class _Rewrite(Treeprocessor):
    """Links of a guide page as the built site needs them: pages as .html, docs/img as is,
    anything else in the repository on the repository's web page."""

    def __init__(self, md: markdown.Markdown, source: Path) -> None:
        super().__init__(md)
        self.source = source

    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            attr = "href" if el.tag == "a" else "src" if el.tag == "img" else None
            value = el.get(attr) if attr else None
            if not value or value.startswith(EXTERNAL) or value.startswith("#"):
                continue
            parts = urlsplit(value)
            target = (self.source.parent / unquote(parts.path)).resolve()
            fragment = f"#{parts.fragment}" if parts.fragment else ""
            if target.parent == GUIDE and target.suffix == ".md":
                name = "index.html" if target.name == "README.md" else target.with_suffix(".html").name
                el.set(attr, name + fragment)
            elif ROOT / "docs" / "img" in target.parents:
                el.set(attr, "../img/" + target.relative_to(ROOT / "docs" / "img").as_posix())
            else:
                el.set(attr, REPOSITORY + target.relative_to(ROOT).as_posix() + fragment)


class _RewriteLinks(Extension):
    def __init__(self, source: Path) -> None:
        super().__init__()
        self.source = source

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Rewrite(md, self.source), "bidcert_links", 1)


STYLE = """body{max-width:52rem;margin:2rem auto;padding:0 1rem;font:16px/1.5 system-ui,sans-serif;color:#222}
pre{background:#f6f8fa;padding:.75rem;overflow-x:auto}code{font-size:.9em}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top}
img{max-width:100%}nav{font-size:.9em;margin-bottom:1rem}"""


def page_html(title: str, body: str, nav: str) -> str:
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body><nav>{nav}</nav>\n{body}\n</body></html>\n")


def title_of(text: str, default: str) -> str:
    first = next((line for line in text.splitlines() if line.startswith("# ")), None)
    return first[2:].strip() if first else default


def build(out: Path) -> int:
    missing = [p for p, _ in REFERENCE if not (out / p).exists()]
    if missing:
        print(f"docs: the API reference is not built: missing {', '.join(missing)} in {out}", file=sys.stderr)
        return 1
    (out / "guide").mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "docs" / "img", out / "img", dirs_exist_ok=True)
    pages = sorted(GUIDE.glob("*.md"))
    for source in pages:
        text = source.read_text(encoding="utf-8")
        name = "index.html" if source.name == "README.md" else source.with_suffix(".html").name
        nav = '<a href="../index.html">bidcert documentation</a> · <a href="index.html">the guide</a>'
        (out / "guide" / name).write_text(
            page_html(title_of(text, source.stem), render(text, [_RewriteLinks(source)]), nav),
            encoding="utf-8",
        )
    items = "".join(f'<li><a href="{p}">{html.escape(t)}</a></li>' for p, t in REFERENCE)
    body = (f"<h1>bidcert documentation</h1>"
            f'<h2><a href="guide/index.html">The guide</a></h2><p>One page per task a reseller has.</p>'
            f"<h2>API reference</h2><ul>{items}</ul>")
    (out / "index.html").write_text(page_html("bidcert documentation", body, ""), encoding="utf-8")
    print(f"docs: {out}/index.html: {len(pages)} guide pages, {len(REFERENCE)} reference entries")
    return 0


def main(argv: List[str]) -> int:
    if len(argv) >= 2 and argv[0] == "check":
        return check([Path(a) for a in argv[1:]])
    if len(argv) == 2 and argv[0] == "build":
        return build(Path(argv[1]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

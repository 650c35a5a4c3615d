"""Synthetic documents for benchmarks and load tests, stored through the librarian's own import code.

    python manage.py generate_corpus --documents 2000 --seed 1

Each document recombines sentences of the seed documents (fixtures/, parsed by the real parser)
with fresh citations (resolutions, documents, presidential statements, pin-points) in the layouts
the parser knows: a title, numbered paragraphs, sub-paragraphs, sometimes an abbreviation
defined in place.  Types, sizes, dates and symbols vary the way the Council's output does: many
short letters, fewer long reports, resolutions and presidential statements.  The same seed gives
the same corpus.  Symbols are drawn from ranges the real archive does not use, so a generated
corpus can sit next to the seed documents.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from archive.ingest import parse
from archive.ingest.errors import IngestError
from archive.ingest.store import import_text
from archive.models import Document, Paragraph

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
# (type, share, min paragraphs, max paragraphs)
MIX = [
    ("letter", 0.60, 4, 30),
    ("report", 0.20, 40, 110),
    ("resolution", 0.12, 12, 40),
    ("presidential_statement", 0.05, 4, 12),
    ("note", 0.03, 5, 20),
]
TOPICS = [
    "联合国警务工作",
    "维持和平行动",
    "海地局势",
    "南苏丹局势",
    "马里局势",
    "中非共和国局势",
    "保护平民",
    "妇女与和平与安全",
    "维和人员安全",
    "建设和平",
    "特派团过渡",
    "性剥削和性虐待问题",
]
_SENTENCE_RE = re.compile(r"[^。！？]*[。！？]")
_LIST_LABELS = "abcdefghij"
_TO_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
# Paragraphs per page of a long report (each page ends with its footnotes and the job-number line).
_PAGE_PARAGRAPHS = 25


def seed_sentences() -> list[str]:
    """Sentences of the seed documents, as the parser cleaned them (falls back to the database)."""
    texts: list[str] = []
    for path in sorted(FIXTURES.glob("0*.txt")):
        parsed = parse(path.read_text(encoding="utf-8"))
        texts += [b.text for b in parsed.blocks if b.kind in ("paragraph", "subparagraph", "list_item")]
        texts += [f.text for f in parsed.footnotes]
    if not texts:
        texts = list(Paragraph.objects.current().values_list("text", flat=True)[:5000])
    sentences = []
    for text in texts:
        for s in _SENTENCE_RE.findall(text.replace("\n", "")):
            s = s.strip()
            # Leading numbers or labels would be re-read as paragraph numbers.
            if 8 <= len(s) <= 220 and not re.match(r"^[\d(（•\-]", s):
                sentences.append(s)
    if not sentences:
        raise CommandError(_("没有可用的种子句子：请先导入种子文件。"))
    return sentences


class Generator:
    def __init__(self, seed: int, sentences: list[str], first_year: int, last_year: int) -> None:
        self.rng = random.Random(seed)
        self.sentences = sentences
        self.first_year, self.last_year = first_year, last_year
        self.counters: dict[tuple[str, int], int] = {}
        self.made: list[str] = []  # symbols generated so far, cited by later documents

    def _next(self, kind: str, year: int, start: int) -> int:
        key = (kind, year)
        self.counters[key] = self.counters.get(key, start + self.rng.randrange(50)) + self.rng.randint(1, 7)
        return self.counters[key]

    def symbol(self, doc_type: str, date: dt.date) -> str:
        y = date.year
        if doc_type == "resolution":
            return f"S/RES/{self._next('res', 0, 3000)}({y})"
        if doc_type == "presidential_statement":
            return f"S/PRST/{y}/{self._next('prst', y, 60)}"
        return f"S/{y}/{self._next('doc', y, 5000)}"

    def citation(self) -> str:
        r = self.rng.random()
        y = self.rng.randint(max(1990, self.first_year - 10), self.last_year)
        if r < 0.45:
            # The Council adopts about 60 resolutions a year: a number belongs to one year only.
            number = 1329 + (y - 2000) * 61 + self.rng.randrange(61)
            return f"安全理事会第 {number}({y})号决议"
        if r < 0.6 and self.made:
            symbol = self.rng.choice(self.made)
            pin = f"，第 {self.rng.randint(1, 60)} 段" if self.rng.random() < 0.4 else ""
            return f"(见 {symbol}{pin})"
        if r < 0.75:
            return f"大会第 {self.rng.randint(50, 79)}/{self.rng.randint(1, 320)} 号决议"
        if r < 0.85:
            return f"主席声明(S/PRST/{y}/{self.rng.randint(1, 40)})"
        return f"(S/{y}/{self.rng.randint(100, 999)})"

    def sentence(self) -> str:
        s = self.rng.choice(self.sentences)
        if self.rng.random() < 0.18:
            # A citation woven in: "…，安全理事会第 2473(2019)号决议…"
            cut = s.find("，")
            if cut > 0:
                s = f"{s[:cut]}，依照{self.citation()}，{s[cut + 1 :]}"
            else:
                s = f"{self.citation()}指出，{s}"
        return s

    def paragraph(self) -> str:
        return "".join(self.sentence() for _i in range(self.rng.choice((1, 1, 2, 2, 3, 4))))

    def title(self, doc_type: str, date: dt.date, symbol: str) -> str:
        topic = self.rng.choice(TOPICS)
        day = f"{date.year} 年 {date.month} 月 {date.day} 日"
        if doc_type == "letter":
            return f"{day}秘书长给安全理事会主席的信"
        if doc_type == "report":
            return f"秘书长关于{topic}的报告"
        if doc_type == "resolution":
            number = symbol.split("/")[2].split("(")[0]
            return f"第 {number}({date.year})号决议：{topic}"
        if doc_type == "presidential_statement":
            return f"安全理事会主席关于{topic}的声明"
        return f"秘书长关于{topic}的说明"

    def document(self) -> dict[str, Any]:
        r, acc = self.rng.random(), 0.0
        doc_type, lo, hi = MIX[0][0], MIX[0][2], MIX[0][3]
        for name, share, mn, mx in MIX:
            acc += share
            if r <= acc:
                doc_type, lo, hi = name, mn, mx
                break
        start = dt.date(self.first_year, 1, 1).toordinal()
        date = dt.date.fromordinal(self.rng.randint(start, dt.date(self.last_year, 12, 31).toordinal()))
        symbol = self.symbol(doc_type, date)
        title = self.title(doc_type, date, symbol)
        lines = [title, ""]
        number = 0
        for _block in range(self.rng.randint(lo, hi)):
            roll = self.rng.random()
            if number and roll < 0.12:
                for label in _LIST_LABELS[: self.rng.randint(2, 4)]:
                    lines += [f"({label}) {self.sentence()}", ""]
                continue
            number += 1
            lines += [f"{number}. {self.paragraph()}", ""]
        self.made.append(symbol)
        return {"raw": "\n".join(lines), "symbol": symbol, "date": date, "title": title, "doc_type": doc_type}

    def long_report(self, symbol: str, paragraphs: int, size: int = 0) -> str:
        """A report in the shape of a real one (masthead, pages, superscript footnotes), as long as asked.

        ``paragraphs`` numbered paragraphs of about ``size`` bytes of text in all (0: as they come),
        citing resolutions and pin-points of S/2018/1183 (a seed) and of other reports; about one
        paragraph in ten has a footnote.  For the memory benchmark and the tests of long documents.
        """
        per_paragraph = size // paragraphs if size else 0
        lines = [
            f"联 合 国 {symbol}",
            "安全理事会 Distr.: General",
            "14 April 2099",
            "Chinese",
            "Original: English",
            "",
            f"秘书长关于{self.rng.choice(TOPICS)}的报告",
            "一. 导言",
        ]
        notes: list[str] = []
        footnote = 0
        for number in range(1, paragraphs + 1):
            text = self.paragraph()
            while len(text.encode()) + 150 < per_paragraph:
                text += self.sentence()
            if self.rng.random() < 0.3:
                text += (
                    f"见第 {self.rng.randint(2400, 2700)}({self.rng.randint(2010, 2024)})号决议和 "
                    f"S/2018/1183，第 {self.rng.randint(1, 60)} 段。"
                )
            cut = text.find("。")
            # Footnote numbers have at most three digits (the footnote stage's rule).
            if cut > 0 and footnote < 999 and self.rng.random() < 0.1:
                footnote += 1
                marker = str(footnote).translate(_TO_SUPERSCRIPT)
                text = f"{text[: cut + 1]}{marker} {text[cut + 1 :]}"
                cited = f"S/{self.rng.randint(2010, 2024)}/{self.rng.randint(100, 999)}"
                notes.append(f"{marker} 见 {cited}，第 {self.rng.randint(1, 40)} 段。")
            lines.append(f"{number}. {text}")
            if number % _PAGE_PARAGRAPHS == 0 or number == paragraphs:
                if notes:
                    lines += ["__________________", *notes]
                    notes = []
                page = number // _PAGE_PARAGRAPHS
                lines += ["", f"99-{page:05d} (C)    140499    170499", "", symbol, ""]
        return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = _("生成合成文件（重组种子文件的句子和引用），通过正式的导入代码存储，用于基准测试和负载测试。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--documents", type=int, required=True, help=_("要生成的文件数"))
        parser.add_argument("--seed", type=int, default=1, help=_("随机种子（同一种子生成同样的文件）"))
        parser.add_argument("--first-year", type=int, default=2000)
        parser.add_argument("--last-year", type=int, default=2025)
        parser.add_argument(
            "--no-index",
            action="store_true",
            help=_("不更新检索索引（之后用 rebuild_index 重建）"),
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from search import indexing

        n = opts["documents"]
        if n < 1:
            raise CommandError(_("--documents 必须是正整数。"))
        gen = Generator(opts["seed"], seed_sentences(), opts["first_year"], opts["last_year"])
        created: list[int] = []
        started = time.monotonic()
        # Live indexing would commit once per document; the new documents are indexed in bulk below.
        with indexing.queue.paused():
            while len(created) < n:
                spec = gen.document()
                if Document.objects.filter(symbol=spec["symbol"]).exists():
                    continue
                try:
                    result = import_text(
                        spec["raw"],
                        symbol=spec["symbol"],
                        date=spec["date"],
                        title=spec["title"],
                        doc_type=spec["doc_type"],
                    )
                except IngestError as exc:
                    self.stderr.write(f"{spec['symbol']}: {exc}")
                    continue
                created.append(result.document.pk)
                if len(created) % 500 == 0:
                    self.stdout.write(_("已生成 %(n)d 份文件") % {"n": len(created)})
        elapsed = time.monotonic() - started
        self.stdout.write(_("已生成 %(n)d 份文件，用时 %(s).1f 秒。") % {"n": len(created), "s": elapsed})
        if not opts["no_index"]:
            # The bulk path of the backend (parallel sub-writers), as update_index uses it.
            be = indexing.backend()
            for index in indexing.block_indexes():
                for i in range(0, len(created), 2000):
                    be.update(index, index.index_queryset().filter(document_id__in=created[i : i + 2000]))
            if hasattr(be, "commit_bulk"):
                be.commit_bulk()
            self.stdout.write(_("新文件已写入检索索引。"))

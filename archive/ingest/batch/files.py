"""The files of a batch: a folder walked in name order, or a .zip read member by member.

Nothing is ever extracted to disk: a zip member is read into memory, bounded by the import limit,
and handed to ``archive.ingest.sources.extract_text`` like an upload.  That leaves a malicious
archive nothing to write through ``../`` names or symbolic links; such members, members larger
than the limit, encrypted ones and members that inflate far beyond their compressed size (zip
bombs) are listed as refused with a reason instead of read.  Limits on the archive as a whole
(member count, total inflated size) refuse it before any file is imported.
"""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.utils.translation import gettext as _

from ..errors import IngestError

__all__ = [
    "MANIFEST_NAMES",
    "BatchSource",
    "Entry",
    "FolderSource",
    "ZipSource",
    "open_source",
]

# Read from the root of a folder or zip when no manifest is named (documents.json: the seeds' own).
MANIFEST_NAMES = ("manifest.csv", "manifest.json", "documents.json")
# Whole-archive limits: far above any real delivery, far below what would exhaust the machine.
MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 4 * 1024**3
# A text, PDF or Word file compresses by a factor of 3 to 20; 200 only comes from crafted input.
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024  # small members may compress well (a page of one repeated character)
# Operating-system litter that is not part of what the librarian meant to send.
_IGNORED_NAMES = {"thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Entry:
    """One file of a batch: ``name`` is its path inside the folder or zip, with ``/`` separators."""

    name: str
    size: int
    # Why the file cannot be read at all (unsafe path, too large...); None for a readable file.
    refusal: str | None = None


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name).parts
    # Hidden files (.DS_Store) are litter; "../" is not hidden but an attack, refused where it is read.
    hidden = any((p.startswith(".") and p not in (".", "..")) or p == "__MACOSX" for p in parts)
    return hidden or parts[-1].lower() in _IGNORED_NAMES


def _too_large(size: int, max_bytes: int) -> str:
    return _("文件过大：%(size)d 字节，上限为 %(limit)d 字节。") % {"size": size, "limit": max_bytes}


class BatchSource:
    """What ``store.bulk`` reads a batch from; subclasses walk a folder or a zip."""

    label: str

    def entries(self) -> list[Entry]:
        raise NotImplementedError

    def read(self, entry: Entry) -> bytes:
        """The file's bytes; raise IngestError (the file is then refused, the batch goes on)."""
        raise NotImplementedError

    def find(self, name: str) -> bytes | None:
        """The bytes of the file ``name`` at the root (a manifest), or None."""
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> BatchSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FolderSource(BatchSource):
    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root.resolve()
        self.label = str(root)
        self.max_bytes = max_bytes

    def _walk(self) -> Iterator[Path]:
        for directory, subdirs, files in os.walk(self.root):
            subdirs.sort()
            for name in sorted(files):
                yield Path(directory) / name

    def entries(self) -> list[Entry]:
        found = []
        for path in self._walk():
            name = path.relative_to(self.root).as_posix()
            if _ignored(name):
                continue
            refusal = None
            size = 0
            try:
                # A symbolic link may point anywhere; only files inside the folder are read.
                real = path.resolve(strict=True)
                if not real.is_relative_to(self.root):
                    refusal = _("这个链接指向文件夹以外的文件，没有读取。")
                elif not real.is_file():
                    refusal = _("这不是普通文件，没有读取。")
                else:
                    size = real.stat().st_size
                    if size > self.max_bytes:
                        refusal = _too_large(size, self.max_bytes)
            except OSError:
                refusal = _("无法读取这个文件。")
            found.append(Entry(name, size, refusal))
        return found

    def read(self, entry: Entry) -> bytes:
        path = self.root / entry.name
        try:
            with path.open("rb") as handle:
                data = handle.read(self.max_bytes + 1)
        except OSError:
            raise IngestError(_("无法读取这个文件。")) from None
        if len(data) > self.max_bytes:
            raise IngestError(_too_large(len(data), self.max_bytes))
        return data

    def find(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.is_file() else None


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author saw it.

    Zip files made on Chinese Windows store names in GBK without the UTF-8 flag, which Python then
    reads as code page 437 (mojibake); such names are decoded again as UTF-8 or GB18030.
    """
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _unsafe_name(name: str) -> bool:
    if not name or "\x00" in name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return True
    return ".." in PurePosixPath(name.replace("\\", "/")).parts


class ZipSource(BatchSource):
    def __init__(self, path: Path | IO[bytes], max_bytes: int, label: str | None = None) -> None:
        self.label = label or (path.name if isinstance(path, Path) else str(getattr(path, "name", "zip")))
        self.max_bytes = max_bytes
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError):
            raise IngestError(_("无法读取这个压缩包：它不是有效的 .zip 文件。")) from None
        infos = self.zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self.zip.close()
            raise IngestError(
                _("压缩包里有 %(n)d 个文件，超过了一次导入的上限 %(limit)d 个。请分成几批导入。")
                % {"n": len(infos), "limit": MAX_MEMBERS}
            )
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_BYTES:
            self.zip.close()
            raise IngestError(_("压缩包解压后过大（%(size)d 字节），无法导入。") % {"size": total})
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if not info.is_dir():
                self._infos.setdefault(_member_name(info), info)

    def close(self) -> None:
        self.zip.close()

    def _refusal(self, name: str, info: zipfile.ZipInfo) -> str | None:
        if _unsafe_name(name):
            return _("压缩包中的文件路径不安全（绝对路径或含“..”），没有读取。")
        if stat.S_ISLNK(info.external_attr >> 16):
            return _("压缩包中的符号链接不会被读取。")
        if info.flag_bits & 0x1:
            return _("这个文件在压缩包中有密码保护，无法读取。")
        if info.file_size > self.max_bytes:
            return _too_large(info.file_size, self.max_bytes)
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return _("这个文件的压缩比异常（疑似“压缩炸弹”），没有读取。")
        if PurePosixPath(name).suffix.lower() == ".zip":
            return _("压缩包中的压缩包不会展开：请把其中的文件直接放进这个压缩包。")
        return None

    def entries(self) -> list[Entry]:
        return [
            Entry(name, info.file_size, self._refusal(name, info))
            for name, info in sorted(self._infos.items())
            if not _ignored(name)
        ]

    def read(self, entry: Entry) -> bytes:
        info = self._infos[entry.name]
        try:
            with self.zip.open(info) as member:
                # The header's size may lie: never inflate more than the limit allows.
                data = member.read(self.max_bytes + 1)
        except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, NotImplementedError):
            raise IngestError(_("压缩包中的这个文件已损坏，无法读取。")) from None
        if len(data) > self.max_bytes:
            raise IngestError(_too_large(len(data), self.max_bytes))
        return data

    def find(self, name: str) -> bytes | None:
        info = self._infos.get(name)
        if info is None or self._refusal(name, info):
            return None
        return self.read(Entry(name, info.file_size))


def open_source(path: Path, max_bytes: int, label: str | None = None) -> BatchSource:
    """A folder or a .zip file; raise IngestError with a clear message for anything else."""
    if path.is_dir():
        return FolderSource(path, max_bytes)
    if path.is_file() and zipfile.is_zipfile(path):
        return ZipSource(path, max_bytes, label)
    if path.is_file():
        raise IngestError(_("%(path)s 不是文件夹，也不是 .zip 压缩包。") % {"path": label or path})
    raise IngestError(_("找不到文件夹或压缩包：%(path)s") % {"path": label or path})

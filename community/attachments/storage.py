"""Where the bytes of attachments live, behind a small interface so an operator can move them elsewhere
(an S3-compatible store) without touching the feature: `Storage` with save, open, delete and keys.

ATTACHMENTS_STORAGE chooses it: `local` (the default: files under ATTACHMENTS_DIR, by default
instance/attachments) or `package.module:factory`, a callable taking the app and returning a Storage.
Keys are random (services.new_key), never a name a person chose, so no path is ever built from input.
"""
import importlib
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

KEY = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    def save(self, key: str, stream: BinaryIO) -> None:
        """Store the stream's bytes under the key (complete or not at all)."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the bytes; FileNotFoundError when there are none."""

    def delete(self, key: str) -> None:
        """Remove the bytes; a missing key is no error."""

    def keys(self, older_than: float = 0) -> Iterator[str]:
        """Every key stored more than `older_than` seconds ago (the sweep compares them with the table)."""


class LocalStorage:
    """Files on the local disk, two levels deep (`ab/abcdef...`), written to a temporary file and renamed,
    so a reader never sees half a file."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError("not an attachment key")
        return self.root / key[:2] / key

    def save(self, key: str, stream: BinaryIO) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(1024 * 1024):
                    out.write(chunk)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, older_than: float = 0) -> Iterator[str]:
        if not self.root.is_dir():
            return
        before = time.time() - older_than
        for folder in self.root.iterdir():
            if folder.is_dir():
                for path in folder.iterdir():
                    if KEY.match(path.name) and path.stat().st_mtime <= before:
                        yield path.name


def storage() -> Storage:
    """The app's storage, made once per app."""
    app = current_app
    found = app.extensions.get("attachments_storage")
    if found is None:
        setting = app.config.get("ATTACHMENTS_STORAGE") or "local"
        if setting == "local":
            found = LocalStorage(app.config.get("ATTACHMENTS_DIR") or Path(app.instance_path) / "attachments")
        else:
            module, _, name = setting.partition(":")
            found = getattr(importlib.import_module(module), name)(app)
        app.extensions["attachments_storage"] = found
    return found

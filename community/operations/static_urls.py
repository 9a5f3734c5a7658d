"""Versioned static URLs: url_for('static', filename=...) gets `?v=<hash of the file>`, so nginx may let
browsers keep /static/ files for a year (docs/deploy.md) and a changed file is fetched anew at once."""
import hashlib
from pathlib import Path

from flask import Flask


def init_app(app: Flask) -> None:
    folder = Path(app.static_folder)
    hashes: dict[str, str | None] = {}

    def file_hash(filename: str) -> str | None:
        if filename not in hashes or app.debug:  # files change under a debugging server only
            path = (folder / filename).resolve()
            hashes[filename] = (hashlib.sha256(path.read_bytes()).hexdigest()[:12]
                                if path.is_relative_to(folder.resolve()) and path.is_file() else None)
        return hashes[filename]

    @app.url_defaults
    def add_static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = file_hash(values["filename"])
            if digest:
                values["v"] = digest

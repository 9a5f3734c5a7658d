"""Persistence of a match index: one directory with `arrays.npz` (numbers) and `index.json` (names).

Nothing is pickled: arrays are read with `allow_pickle=False` and names are plain JSON, so loading
a file from disk cannot run code. Upserted rows are merged into the main matrix and removed rows
dropped on save, so a loaded index starts without delta or tombstones (but keeps the drift count).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from matching.boilerplate import Boilerplate
from matching.snapshot import Snapshot
from matching.text import Analyser
from matching.vectors import Vectoriser

FORMAT_VERSION = 1
ARRAYS = "arrays.npz"
NAMES = "index.json"


def save(path: Path, vectoriser: Vectoriser, snapshot: Snapshot, names: dict[str, Any]) -> None:
    alive_rows = np.flatnonzero(snapshot.alive)
    rows = sp.vstack([snapshot.main, snapshot.delta], format="csr")[alive_rows]
    columns = rows.tocsc()
    topic_rows = snapshot.topic_rows[alive_rows]
    arrays = {
        "idf": vectoriser.idf,
        "boilerplate": vectoriser.boilerplate.hashes,
        "kinds": snapshot.kinds[alive_rows],
        "owners": snapshot.owners[alive_rows],
        **_sparse("main", rows), **_sparse("main_columns", columns), **_sparse("topic_rows", topic_rows),
    }
    document = {
        "format": FORMAT_VERSION,
        "ids": [snapshot.ids[row] for row in alive_rows],
        "row_topics": [list(snapshot.topics[row]) for row in alive_rows],
        "terms": vectoriser.terms,
        "readable": vectoriser.readable,
        "part_vocabulary": sorted(vectoriser.analyser.part_vocabulary),
        "unknown_terms": snapshot.unknown_terms,
        "total_terms": snapshot.total_terms,
        **names,
    }
    path.mkdir(parents=True, exist_ok=True)
    # Write both files under temporary names first so a crash never leaves a half-written pair.
    with open(path / (ARRAYS + ".tmp"), "wb") as handle:
        np.savez(handle, **arrays)
    with open(path / (NAMES + ".tmp"), "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False)
    os.replace(path / (ARRAYS + ".tmp"), path / ARRAYS)
    os.replace(path / (NAMES + ".tmp"), path / NAMES)


def load(path: Path) -> tuple[Vectoriser, dict[str, Any], dict[str, Any]]:
    with open(path / NAMES, encoding="utf-8") as handle:
        names = json.load(handle)
    if names.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: unsupported index format {names.get('format')!r}")
    with np.load(path / ARRAYS, allow_pickle=False) as arrays:
        parts: dict[str, Any] = {
            "main": _read_sparse(arrays, "main", sp.csr_matrix),
            "main_columns": _read_sparse(arrays, "main_columns", sp.csc_matrix),
            "topic_rows": _read_sparse(arrays, "topic_rows", sp.csr_matrix),
            "kinds": arrays["kinds"],
            "owners": arrays["owners"],
        }
        idf = arrays["idf"]
        # Indexes saved before boilerplate detection have no such array: nothing is stripped.
        boilerplate = Boilerplate(arrays["boilerplate"] if "boilerplate" in arrays else None)
    vectoriser = Vectoriser(Analyser(names["part_vocabulary"]), names["terms"], idf, names["readable"],
                            boilerplate)
    return vectoriser, parts, names


def _sparse(name: str, matrix: sp.csr_matrix | sp.csc_matrix) -> dict[str, np.ndarray]:
    return {f"{name}_data": matrix.data, f"{name}_indices": matrix.indices,
            f"{name}_indptr": matrix.indptr, f"{name}_shape": np.asarray(matrix.shape)}


def _read_sparse(arrays: Any, name: str, kind: type) -> sp.csr_matrix | sp.csc_matrix:
    shape = tuple(int(n) for n in arrays[f"{name}_shape"])
    return kind((arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]), shape=shape)

"""The index's rows at one moment: immutable, so readers hold one reference while a writer builds the next.

Its own module, below both `index.py` (which builds and queries snapshots) and `storage.py` (which
saves and loads them), so neither imports the other.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class Snapshot:
    main: sp.csr_matrix
    main_columns: sp.csc_matrix
    delta: sp.csr_matrix
    topic_rows: sp.csr_matrix
    ids: list[str]
    row_of: dict[str, int]
    kinds: np.ndarray
    owners: np.ndarray
    topics: list[tuple[str, ...]]
    alive: np.ndarray
    unknown_terms: int = 0
    total_terms: int = 0

    @property
    def n_rows(self) -> int:
        return len(self.ids)

    def row_vector(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        n_main = self.main.shape[0]
        matrix, local = (self.main, row) if row < n_main else (self.delta, row - n_main)
        start, end = matrix.indptr[local], matrix.indptr[local + 1]
        return matrix.indices[start:end], matrix.data[start:end]

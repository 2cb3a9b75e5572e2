"""Random states, Hamiltonians and unitaries for tests (numpy, seeded)."""

from __future__ import annotations

import numpy as np


def random_density(rng: np.random.Generator, d: int, rank: int | None = None) -> np.ndarray:
    """Random density matrix of dimension d and given rank (Ginibre ensemble)."""
    rank = d if rank is None else rank
    G = rng.normal(size=(d, rank)) + 1j * rng.normal(size=(d, rank))
    rho = G @ G.conj().T
    return rho / np.trace(rho).real


def random_hamiltonian(rng: np.random.Generator, d: int) -> np.ndarray:
    """Random Hermitian matrix (GUE-like)."""
    A = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    return (A + A.conj().T) / 2


def random_unitary(rng: np.random.Generator, d: int) -> np.ndarray:
    """Haar-random unitary (QR of a Ginibre matrix with phase fix)."""
    Z = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    Q, R = np.linalg.qr(Z)
    return Q * (np.diagonal(R) / np.abs(np.diagonal(R)))

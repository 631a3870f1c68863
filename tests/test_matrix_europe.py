"""The check over a matrix of profiles (europe): every kit says what the decision model says (see tests/matrix.py).
Two files split the matrix so that the slow set runs them on two workers (320 profiles in all)."""

import pytest
from hypothesis import given

from .matrix import MATRIX, kit_checks, profiles


@pytest.mark.slow
@MATRIX
@given(profiles(["france", "belgium", "eu_other", "switzerland"]))
def test_every_kit_of_the_matrix_says_what_the_model_says(raw):
    kit_checks(raw)

"""The check over a matrix of profiles (canada): every kit says what the decision model says (see tests/matrix.py).
Two files split the matrix so that the slow set runs them on two workers (320 profiles in all)."""

import pytest
from hypothesis import given

from .matrix import MATRIX, kit_checks, profiles


@pytest.mark.slow
@MATRIX
@given(profiles(["quebec", "canada_other", "other"]))
def test_every_kit_of_the_matrix_says_what_the_model_says(raw):
    kit_checks(raw)

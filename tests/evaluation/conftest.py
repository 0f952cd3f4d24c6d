"""The parties of SHARING.md §8 (A, B, C with their staff, the authority, an auditor) serve here too."""
from tests.sharing.conftest import as_user, parties  # noqa: F401

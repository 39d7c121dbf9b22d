"""acme's two closed rounds (tests/company/conftest.py), shared with the focus tests."""

from tests.company.conftest import company, users  # noqa: F401

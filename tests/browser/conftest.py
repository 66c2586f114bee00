"""The browser group's fixtures and end-of-run summary (`make browser`); they live in browser_site."""

from browser_site import browser, pytest_terminal_summary, site  # noqa: F401 (fixtures and a hook, found here)

"""End-to-end tests: the real server, driven by headless Chromium through Playwright."""

"""Pull requests an editor can review in the browser: one comment with the checks' findings, and a one-file preview.

Run by .github/workflows/pull-request.yml (`make pr-preview`, `make pr-comment`); both read the
GitHub event payload, so a test can drive them with a recorded payload and a local server.
"""

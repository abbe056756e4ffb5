"""The pre-publish gate: source checks and built-HTML checks, one diagnostic type, stable codes."""

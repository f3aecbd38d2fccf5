"""Letters: the context contract, the hardened Jinja2 sandbox, rendering and validation."""

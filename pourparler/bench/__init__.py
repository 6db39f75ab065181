"""The benchmark suite of issue 8 (`make bench`, docs/benchmarks.md).

Each endpoint is measured three ways in one run, on the same inputs: through the whole
stack (Django's test client: every middleware, session or token authentication, the
restricted read path, read audit, decryption, templates), through a bare framework
endpoint with no middleware (``floor``), and as hand-written SQL issued directly through
the driver (``sql``). Run it with ``python -m pourparler.bench`` on a generated world.
"""

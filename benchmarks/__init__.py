"""Load runs and their floor; never part of the test run (see benchmarks/README.md)."""

"""Benchmark tooling: synthetic corpus generator and content-farm spinner."""

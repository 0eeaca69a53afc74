"""Benchmarks: scripts that seed large worlds and measure over loopback HTTP (not tests)."""

"""briefbot benchmarks: `make bench` prints a table of medians and p99s against their targets."""

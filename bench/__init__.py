"""Benchmarks: each starts its own throwaway cluster and prints ratios measured side by
side, interleaved, in one run (noise between runs on these machines is about +-15%)."""

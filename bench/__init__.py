"""`make bench`: side-by-side ratios that show the cached read near the framework's
floor and the write path flat as data grows. See docs/benchmarks.md.

Nothing here is imported by the product; the bench settings extend the product's.
"""

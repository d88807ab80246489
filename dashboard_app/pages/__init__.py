"""The dashboard's pages: the four counters with the runs-per-day chart, and the list behind
each counter (built from the same counters.stats definition that counts it)."""

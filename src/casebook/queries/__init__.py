"""Read-side queries: the study grid, segments of a code, coverage. They never write."""

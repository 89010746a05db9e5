"""One screen per file: overview, coding, codebook, segments, help."""

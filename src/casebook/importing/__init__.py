"""Readers that turn transcript files into normalised text and speaker turns.

Every reader treats its input as untrusted: size limits, safe zip and XML handling,
and one clear ImportProblem naming the file when something is wrong.
"""

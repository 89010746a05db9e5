"""Frozen domain objects: cases, persons, rounds, sources, turns, attributes, codes.

Nothing here touches a file or a database; these are the values the layers pass around.
"""

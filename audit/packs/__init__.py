"""PDF evidence packs: the kind registry, the restricted URL fetcher and the renderer.

See ``registry.py`` for the interface a pack kind implements, and DEVELOPERS.md
("Adding a pack kind").
"""

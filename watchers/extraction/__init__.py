"""Extraction: from a text to (pair, descriptor) findings.

``default_extractor()`` gives an ``Extractor`` built from the project's config;
``canonical()`` is the form used to compare descriptors.
"""

from watchers.extraction.canonical import canonical
from watchers.extraction.extractor import Extractor, default_extractor

__all__ = ["Extractor", "canonical", "default_extractor"]

from .pipeline import parse

__all__ = ["parse"]

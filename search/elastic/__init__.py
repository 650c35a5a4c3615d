"""Search on Elasticsearch 7, selected by ``SEARCH_URL`` (ARCHITECTURE.md, "When one machine is not enough").

``backend``: haystack's Elasticsearch 7 backend, subclassed so Elasticsearch indexes the tokens
Whoosh indexes.  ``query``: the shared compiler's decisions spelled as query DSL.  ``search``: one
page of results with the same facets as the Whoosh engine.
"""

from .backend import JiebaElasticsearchEngine, JiebaElasticsearchSearchBackend

__all__ = ["JiebaElasticsearchEngine", "JiebaElasticsearchSearchBackend"]

"""Step 3 of the pipeline: a request in, a response of plain records out (params, the query
reader and its nodes, the Archive, snippets, facets as shown)."""

"""Text analysis shared by indexing, querying, snippets and echoes: tokens, stop words, the
Indonesian stemmer, synonyms, questions, answer types, month and day names."""
